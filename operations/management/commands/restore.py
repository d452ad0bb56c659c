from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an empty database and media folder; checks every "
        "checksum first and every table's row count afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--verify-only", action="store_true", help="Check the checksums; change nothing."
        )

    def handle(self, *args, folder, verify_only=False, **options):
        try:
            if verify_only:
                verify_backup(folder, progress=self.stdout.write)
            else:
                restore_backup(folder, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("ok"))
