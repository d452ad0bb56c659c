"""Clock facts name the engineer only for misses (sla/facts.py `contribution`): drop the
assignee from the other clock rows and fold them (the totals do not change)."""

from django.db import migrations


def fold(apps, schema_editor):
    from sla import facts

    DailyFact = apps.get_model("sla", "DailyFact")
    DailyFact.objects.filter(fact="clock", breached=False, assignee__isnull=False).update(
        assignee=None, fresh=True
    )
    while facts.compact(days=400):
        pass


class Migration(migrations.Migration):
    dependencies = [("sla", "0010_dashboard_indexes")]

    operations = [migrations.RunPython(fold, migrations.RunPython.noop)]
