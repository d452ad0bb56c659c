"""Count the tickets already there into the daily facts (sla/facts.py). It uses the
current models on purpose: the facts are derived data, and `manage.py rebuild_facts`
recomputes them whenever their rules change."""

from django.db import migrations


def backfill(apps, schema_editor):
    from sla import facts

    facts.rebuild()


class Migration(migrations.Migration):
    dependencies = [("sla", "0008_daily_facts")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
