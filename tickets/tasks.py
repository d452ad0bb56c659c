"""Thin Celery tasks of the tickets app."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)
POLL_LOCK = "tickets:poll_imap:lock"


@shared_task
def poll_imap() -> int:
    """Ingest unseen messages of the IMAP_URL mailbox (nothing when it is unset).
    A cache lock keeps two polls from overlapping; a second run finds nothing new,
    and Message-ID de-duplication covers a message seen by both."""
    url = settings.IMAP_URL
    if not url:
        return 0
    if not cache.add(POLL_LOCK, "1", timeout=600):
        log.info("poll_imap: another poll is running")
        return 0
    try:
        from tickets.mailbox import poll_mailbox

        return poll_mailbox(url)
    finally:
        cache.delete(POLL_LOCK)
