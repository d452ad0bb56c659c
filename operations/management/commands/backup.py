from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, create_backup, prune


class Command(BaseCommand):
    help = "Back up the database and the media files into one folder with a checksummed manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="Folder to write the backup under (default BACKUP_DIR)."
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="Afterwards delete all but the newest KEEP backups there (0: keep all).",
        )

    def handle(self, *args, output=None, keep=0, **options):
        destination = output or Path(settings.BACKUP_DIR)
        try:
            folder = create_backup(destination, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for old in prune(destination, keep) if keep else []:
            self.stdout.write(f"deleted old backup {old}")
        self.stdout.write(self.style.SUCCESS(str(folder)))
