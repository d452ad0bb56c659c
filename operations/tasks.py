import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings

from .backup import create_backup, prune

log = logging.getLogger(__name__)


@shared_task(time_limit=6 * 3600, soft_time_limit=6 * 3600 - 60)
def scheduled_backup() -> str:
    """The periodic backup into BACKUP_DIR, keeping the newest BACKUP_KEEP."""
    destination = Path(settings.BACKUP_DIR)
    folder = create_backup(destination, progress=log.info)
    for old in prune(destination, settings.BACKUP_KEEP):
        log.info("deleted old backup %s", old)
    return str(folder)
