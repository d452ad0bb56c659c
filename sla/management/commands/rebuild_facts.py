"""`manage.py rebuild_facts`: recompute the SLA dashboard's daily facts from the
tickets and clocks (after a bulk import, a change of TIME_ZONE or of the rules)."""

import time

from django.core.management.base import BaseCommand

from sla import facts


class Command(BaseCommand):
    help = "Recompute the SLA dashboard's daily facts from the tickets and their clocks."

    def handle(self, *args, **options):
        began = time.monotonic()
        counted = facts.rebuild(log=self.stdout.write)
        self.stdout.write(f"{counted} tickets counted in {time.monotonic() - began:.0f} s")
