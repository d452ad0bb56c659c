import time

from django.core.management.base import BaseCommand, CommandError

from operations.volume import load_extras
from sla.volume import load


class Command(BaseCommand):
    help = (
        "Fill the database with a benchmark volume of tickets (two years, SLA clocks, timeline, "
        "comments, visits, parts used, inspections and training rows) in bulk. Needs the demo "
        "(seed_demo) for its sites, units, parts, plans, courses and staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, required=True, help="How many tickets to add.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same rows)."
        )

    def handle(self, *args, tickets, seed, **options):
        if tickets < 1:
            raise CommandError("--tickets must be at least 1.")
        started = time.monotonic()
        try:
            result = load(tickets, seed=seed, log=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        load_extras(seed=seed, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.tickets} tickets, {result.clocks} SLA clocks, {result.events} timeline "
                "events, "
                f"{result.comments} comments, {result.visits} visits in "
                f"{time.monotonic() - started:.1f} s"
            )
        )
