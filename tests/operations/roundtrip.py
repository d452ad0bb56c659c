"""Rows and files for the backup round trips, and what is compared before and after:
row counts of every table, the first and last rows of every model, every media file's
checksum. Also runnable in a subprocess (`python -m tests.operations.roundtrip seed`)
for the round trip through the management commands."""

import json
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile

SAMPLES_PER_MODEL = 2


def seed_rows():
    """A little of everything, with an attachment and a signature on disk."""
    from tests.factories import EquipmentFactory, UserFactory
    from tests.factories.tickets import VisitFactory, png_bytes
    from tickets.models import Attachment

    engineer = UserFactory(role="engineer", first_name="Li", last_name="Wei", phone="13800138000")
    visit = VisitFactory(
        engineer=engineer,
        ticket__equipment=EquipmentFactory(),
        ticket__contact_name="Zhang San",
        signer_name="Zhang San",
    )
    visit.signature.save("signature.png", ContentFile(png_bytes(color=(9, 9, 9))))
    attachment = Attachment(
        ticket=visit.ticket,
        uploaded_by=engineer,
        original_name="log.txt",
        content_type="text/plain",
        size=11,
    )
    attachment.file.save("log.txt", ContentFile(b"fault log\n\x00"))
    return visit


def snapshot() -> dict:
    from operations.backup import sha256, table_counts

    samples = {}
    for model in apps.get_models():
        rows = model._default_manager.order_by("pk")
        if rows.exists():
            first, last = rows.values().first(), rows.values().last()
            samples[model._meta.label] = json.loads(json.dumps([first, last], default=str))
    media = Path(settings.MEDIA_ROOT)
    files = (
        {
            path.relative_to(media).as_posix(): sha256(path)
            for path in sorted(media.rglob("*"))
            if path.is_file()
        }
        if media.is_dir()
        else {}
    )
    return {"tables": table_counts(), "samples": samples, "files": files}


def create_schema():
    """The tables straight from the models (no migration history to replay): the
    quick way to a fresh database for a test that is about backups, not migrations."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(MIGRATION_MODULES={app.label: None for app in apps.get_app_configs()}):
        call_command("migrate", run_syncdb=True, verbosity=0)


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "seed":
        create_schema()
        seed_rows()
    print(json.dumps(snapshot()))
