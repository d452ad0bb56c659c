"""Tickets made before `Ticket.nearest_due_at` existed: the earliest due time of their
counting (running or breached) clocks, set once from the clocks."""

from django.db import migrations
from django.db.models import Min, OuterRef, Subquery


def backfill(apps, schema_editor):
    Clock = apps.get_model("sla", "Clock")
    Ticket = apps.get_model("tickets", "Ticket")
    counting = Clock.objects.filter(state__in=["running", "breached"])
    nearest = counting.filter(ticket=OuterRef("pk")).values("ticket").annotate(m=Min("due_at")).values("m")
    Ticket.objects.filter(pk__in=counting.values("ticket")).update(nearest_due_at=Subquery(nearest))


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0005_calendar_coverage"),
        ("tickets", "0005_ticket_nearest_due"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
