"""Checks that every stock level equals the sum of its ledger and that every reserved
level equals what the active reservations hold. Exit status 1 with a report if not."""

import sys

from django.core.management.base import BaseCommand

from spareparts.selectors import ledger_mismatches, reservation_mismatches


class Command(BaseCommand):
    help = "Verify that stock levels equal the sums of the movement ledger."

    def handle(self, *args, **options):
        ledger = ledger_mismatches()
        reservations = reservation_mismatches()
        for row in ledger:
            self.stderr.write(
                f"stock {row['id']} (part {row['part_id']}, stockroom {row['stockroom_id']}): on "
                "hand "
                f"{row['on_hand']} reserved {row['reserved']}, ledger says "
                f"{row['ledger_on_hand']} / "
                f"{row['ledger_reserved']}"
            )
        for row in reservations:
            self.stderr.write(
                f"stock {row['id']} (part {row['part_id']}, stockroom {row['stockroom_id']}): "
                "reserved "
                f"{row['reserved']}, active reservations hold {row['reservations_hold']}"
            )
        if ledger or reservations:
            self.stderr.write(f"{len(ledger) + len(reservations)} mismatch(es).")
            sys.exit(1)
        self.stdout.write("Every stock level equals its ledger.")
