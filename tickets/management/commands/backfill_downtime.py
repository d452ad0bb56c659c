from django.core.management.base import BaseCommand

from tickets.services.downtime import downtime_backfill


class Command(BaseCommand):
    help = (
        "Record the downtime spans (and the units' status) of faults reported before the "
        "equipment status followed the work. Safe to run again: faults with spans are skipped."
    )

    def handle(self, *args, **options):
        filled = downtime_backfill()
        self.stdout.write(f"Downtime recorded for {filled} fault report(s).")
