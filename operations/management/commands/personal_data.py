from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from operations.personal_data import anonymise_person, export_person


class Command(BaseCommand):
    help = (
        "Answer a personal-data request from the shell (what the admin's user actions do, "
        "without a web request's time limit on large installations). Audited like them."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "anonymise"])
        parser.add_argument("username", help="The person.")
        parser.add_argument("--by", required=True, help="The administrator carrying it out.")
        parser.add_argument("--output", type=Path, help="Where to write the export's zip.")

    def handle(self, *args, action, username, by, output=None, **options):
        users = get_user_model().objects
        person, actor = users.filter(username=username).first(), users.filter(username=by).first()
        if person is None or actor is None or not actor.is_admin_role:
            raise CommandError("Name an existing person and an administrator (--by).")
        if action == "export":
            if output is None:
                raise CommandError("--output is required for an export.")
            output.write_bytes(export_person(user=person, actor=actor))
            self.stdout.write(f"written {output}")
            return
        with transaction.atomic():
            audit = anonymise_person(user=person, actor=actor)
        self.stdout.write(f"anonymised user #{person.pk}: {audit.summary}")
