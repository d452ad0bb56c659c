"""Heartbeats of the background processes. The Celery worker and beat each run a
small thread (started by servicedesk.celery) that calls `beat(name)` every
`HEARTBEAT_INTERVAL` seconds; `/healthz` and the managers' banner call `ages()` and
`stale()` and report a process whose heartbeat is older than `HEARTBEAT_STALE_AFTER`
seconds (or that never beat) as stopped."""

import logging
import threading
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from .models import Heartbeat

log = logging.getLogger(__name__)
NAMES = ("worker", "beat")


def beat(name: str) -> None:
    """Record that the process `name` is alive now."""
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


def _seen() -> dict[str, datetime]:
    return dict(Heartbeat.objects.filter(name__in=NAMES).values_list("name", "seen_at"))


def _ages(seen: dict[str, datetime], now: datetime) -> dict[str, float | None]:
    return {name: (now - seen[name]).total_seconds() if name in seen else None for name in NAMES}


def ages() -> dict[str, float | None]:
    """Seconds since each process last beat (None: never)."""
    return _ages(_seen(), timezone.now())


def stale(found: dict[str, float | None] | None = None) -> list[str]:
    """The processes whose heartbeat is missing or older than the threshold."""
    limit = settings.HEARTBEAT_STALE_AFTER
    found = ages() if found is None else found
    return [name for name, age in found.items() if age is None or age > limit]


def stopped_since() -> datetime | None:
    """When background work was last seen, if it has stopped (else None); one query."""
    now = timezone.now()
    seen = _seen()
    names = stale(_ages(seen, now))
    if not names:
        return None
    return min((seen[name] for name in names if name in seen), default=now)


def start_thread(name: str) -> threading.Thread:
    """Beat `name` now and then every HEARTBEAT_INTERVAL seconds from a daemon thread
    (it dies with the process, which is the point). A database outage only skips
    beats; the thread keeps going."""
    stop = threading.Event()

    def run():
        while True:
            try:
                beat(name)
            except DatabaseError as exc:
                log.warning("heartbeat %s not recorded: %s", name, exc)
            finally:
                connections.close_all()  # nothing held open across a fork of the pool
            if stop.wait(settings.HEARTBEAT_INTERVAL):
                return

    thread = threading.Thread(target=run, name=f"heartbeat-{name}", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
