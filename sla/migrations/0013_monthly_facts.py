"""The daily facts narrowed and rolled up by month (sla/facts.py, docs/sla.md "Daily
facts"): the rows of tickets and clocks no longer name the engineer, the misses have
their own rows that do (MISS, per engineer, no metric), and every month has its
monthly rows. The existing rows are rewritten in SQL (the sums do not change; no ticket
is read), then the months rolled up with the current code, like 0009 and 0011: the facts
are derived data, and `manage.py rebuild_facts` recomputes them from the tickets."""

from django.db import migrations, models


def narrow(apps, schema_editor):
    from sla import facts

    connection = schema_editor.connection
    table = connection.ops.quote_name("sla_dailyfact")
    measures = ", ".join(facts.MEASURES)
    sums = ", ".join(f"SUM({m})" for m in facts.MEASURES)
    nonzero = " OR ".join(f"SUM({m}) <> 0" for m in facts.MEASURES)
    zeros = ", ".join("0" for _m in facts.MEASURES[1:])
    names = ", ".join(facts.KEY)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        top = cursor.fetchone()[0]
        if top is None:
            return
        # The misses, per engineer.
        cursor.execute(
            f"INSERT INTO {table} ({names}, {measures}, fresh, monthly) "
            "SELECT 'miss', day, NULL, organization_id, site_id, NULL, assignee_id, severity, "
            "'', CASE WHEN state = 'stopped' THEN 'stopped' ELSE '' END, %s, "
            f"SUM(n), {zeros}, %s, %s FROM {table} "
            "WHERE fact = 'clock' AND breached = %s AND monthly = %s AND id <= %s "
            "GROUP BY day, organization_id, site_id, assignee_id, severity, "
            "CASE WHEN state = 'stopped' THEN 'stopped' ELSE '' END HAVING SUM(n) <> 0",
            [True, False, False, True, False, top],
        )
        # Tickets and clocks without the engineer (their fresh rows folded in).
        cursor.execute(
            f"INSERT INTO {table} ({names}, {measures}, fresh, monthly) "
            "SELECT fact, day, resolved_day, organization_id, site_id, equipment_id, NULL, "
            f"severity, metric, state, breached, {sums}, %s, %s FROM {table} "
            "WHERE fact IN ('reported', 'resolved', 'clock') AND monthly = %s AND id <= %s "
            "GROUP BY fact, day, resolved_day, organization_id, site_id, equipment_id, "
            f"severity, metric, state, breached HAVING {nonzero}",
            [False, False, False, top],
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE id <= %s "
            "AND (monthly = %s OR fact IN ('reported', 'resolved', 'clock'))",
            [top, True],
        )
    facts.roll_up_all()


def drop(apps, schema_editor):
    apps.get_model("sla", "DailyFact").objects.filter(monthly=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0012_policy_downtime_impact")]

    operations = [
        migrations.AddField(
            model_name="dailyfact",
            name="monthly",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AlterField(
            model_name="dailyfact",
            name="fact",
            field=models.CharField(
                choices=[
                    ("reported", "Reported"),
                    ("resolved", "Resolved"),
                    ("clock", "Clock"),
                    ("failure", "Failure"),
                    ("miss", "Miss"),
                ],
                max_length=8,
            ),
        ),
        migrations.RemoveIndex(model_name="dailyfact", name="sla_dailyfact_fact_day_idx"),
        migrations.RemoveIndex(model_name="dailyfact", name="sla_dailyfact_missed_idx"),
        migrations.AddIndex(
            model_name="dailyfact",
            index=models.Index(
                fields=["fact", "monthly", "day"], name="sla_dailyfact_fact_span_idx"
            ),
        ),
        migrations.RunPython(narrow, drop),
    ]
