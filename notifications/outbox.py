"""The transactional outbox: every outbound message is a row (`OutboxMessage`) written in
the transaction of the change that causes it, and delivered at least once.

- `enqueue(kind=..., payload=...)` inside the caller's transaction; after commit a
  Celery task is asked to deliver at once (the fast path). If that enqueue fails
  (broker down), nothing is lost and the request never sees an error: the periodic
  `notifications.tasks.deliver_outbox` delivers whatever is due.
- `deliver_due()` claims due rows with a conditional UPDATE and a lease
  (`OUTBOX_LEASE_SECONDS`, longer than the hard time limit of a delivery run, so a
  crashed sender's claims come back), sends them over one connection per batch, marks
  each sent exactly once (the UPDATE names the claim), and on any error puts the row
  back with capped exponential backoff; after `OUTBOX_MAX_ATTEMPTS` it is `failed`
  (listed in the admin). A soft time limit puts back what was not sent yet.
- A message kind is registered with `register(kind, compose, sent=None)`: `compose(row)`
  builds what the channel sends (an `EmailMessage` for `email`; None when there is
  nothing to send any more), `sent(row)` runs in the transaction that marks it sent.
  Another channel registers its connection factory with `register_channel`.

E-mails carry a Message-ID derived from the row (`<outbox-<id>@<site host>>`), so a
message delivered twice (the sender died between handing it to the mail server and
marking it sent) is recognisably the same message to the receiver.
"""

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)
Status = OutboxMessage.Status


@dataclass(frozen=True)
class Kind:
    compose: Callable
    sent: Callable | None = None


KINDS: dict[str, Kind] = {}
CHANNELS: dict[str, Callable] = {}


def register(kind: str, compose: Callable, sent: Callable | None = None) -> None:
    """Declare how rows of `kind` are turned into messages (see the module text)."""
    KINDS[kind] = Kind(compose, sent)


def register_channel(channel: str, open_connection: Callable) -> None:
    """`open_connection()` returns an object with `send(message)` (raises on failure)
    and `close()`; one is opened per batch."""
    CHANNELS[channel] = open_connection


class _MailChannel:
    def __init__(self):
        self.connection = get_connection()
        self.connection.open()

    def send(self, message) -> None:
        message.connection = self.connection
        if not self.connection.send_messages([message]):
            raise RuntimeError("the mail backend accepted nothing")

    def close(self) -> None:
        self.connection.close()


register_channel("email", _MailChannel)


# --- enqueue -----------------------------------------------------------------------
def enqueue(
    *,
    kind: str,
    payload: dict | None = None,
    channel: str = "email",
    key: str | None = None,
    available_at: datetime | None = None,
) -> OutboxMessage:
    """Write one message to the outbox in the caller's transaction (a rollback drops
    it). With `key`, enqueuing the same key again returns the existing row."""
    values = {
        "channel": channel,
        "kind": kind,
        "payload": payload or {},
        "next_attempt_at": available_at or timezone.now(),
    }
    if key is None:
        message = OutboxMessage.objects.create(**values)
    else:
        message, _created = OutboxMessage.objects.get_or_create(key=key, defaults=values)
    deliver_after_commit()
    return message


def enqueue_many(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """`enqueue` for many unsaved rows at once (one INSERT)."""
    now = timezone.now()
    for message in messages:
        message.next_attempt_at = message.next_attempt_at or now
    created = OutboxMessage.objects.bulk_create(messages)
    if created:
        deliver_after_commit()
    return created


def deliver_after_commit() -> None:
    """Ask a worker to deliver once the caller's transaction commits (once per
    transaction however many rows it wrote)."""
    # Once per savepoint context: a rolled back savepoint drops its callbacks, and one
    # registered under the same savepoints as now already covers this row.
    here = set(connection.savepoint_ids)
    if not any(
        callback is _kick and sids == here for sids, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_kick)


def _kick() -> None:
    """The fast path. Any failure here (the broker is down) only delays delivery to
    the next periodic run, so it is logged and never reaches the request; one
    connection attempt without retries keeps the request fast during an outage."""
    from .tasks import deliver_outbox

    try:
        with deliver_outbox.app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=0, timeout=2)
            deliver_outbox.apply_async(connection=broker, retry=False)
    except Exception as exc:  # noqa: BLE001 - whatever the broker raised, the row is safe
        log.warning(
            "outbox: the fast path could not reach the broker (%s); "
            "the periodic delivery will send it",
            exc,
        )


# --- deliver -----------------------------------------------------------------------
def _due(now: datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, lease_until__lt=now
    )


def claim(batch_size: int, *, keys: list[str] | None = None) -> list[OutboxMessage]:
    """Take up to `batch_size` due rows for this sender: rows locked by another
    sender are skipped, and the UPDATE repeats the due condition, so a row is
    claimed by one sender at a time. Each claim counts as an attempt."""
    now = timezone.now()
    token = uuid.uuid4().hex
    due = _due(now) if keys is None else _due(now) & Q(key__in=keys)
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(due, pk__in=ids).update(
            status=Status.SENDING,
            claim=token,
            attempts=F("attempts") + 1,
            lease_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        )
    return list(
        OutboxMessage.objects.filter(claim=token, status=Status.SENDING).order_by(
            "next_attempt_at", "id"
        )
    )


def deliver_due(
    *,
    batch_size: int | None = None,
    time_budget: float | None = None,
    keys: list[str] | None = None,
) -> Counter:
    """Deliver due messages in batches until none is due or `time_budget` seconds
    (OUTBOX_TIME_BUDGET) have passed; returns counts by outcome."""
    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    budget = settings.OUTBOX_TIME_BUDGET if time_budget is None else time_budget
    started, counts = time.monotonic(), Counter()
    while time.monotonic() - started < budget:
        batch = claim(batch_size, keys=keys)
        if not batch:
            break
        _deliver_batch(batch, counts)
    return counts


def _deliver_batch(batch: list[OutboxMessage], counts: Counter) -> None:
    channels: dict[str, list[OutboxMessage]] = {}
    for message in batch:
        channels.setdefault(message.channel, []).append(message)
    for name, messages in channels.items():
        _deliver_channel(name, messages, counts)


def _deliver_channel(name: str, messages: list[OutboxMessage], counts: Counter) -> None:
    remaining = list(messages)
    try:
        opener = CHANNELS.get(name)
        if opener is None:
            raise LookupError(f"no sender for channel {name!r}")
        channel = opener()
    except SoftTimeLimitExceeded:
        _release(remaining, counts)
        raise
    except Exception as exc:  # noqa: BLE001 - the connection failed: every row is retried
        for message in remaining:
            _failed(message, exc, counts)
        return
    try:
        while remaining:
            message = remaining[0]
            _deliver_one(channel, message, counts)
            remaining.pop(0)
    except SoftTimeLimitExceeded:
        _release(remaining, counts)
        raise
    finally:
        try:
            channel.close()
        except Exception as exc:  # noqa: BLE001 - closing is best effort
            log.warning("outbox: closing the %s connection failed: %s", name, exc)


def _deliver_one(channel, message: OutboxMessage, counts: Counter) -> None:
    if message.attempts > settings.OUTBOX_MAX_ATTEMPTS:
        _give_up(message, "a sender stopped while delivering it too many times", counts)
        return
    kind = KINDS.get(message.kind)
    try:
        if kind is None:
            raise LookupError(f"unknown outbox kind {message.kind!r}")
        composed = kind.compose(message)
        if composed is not None:
            if message.channel == "email":
                composed.extra_headers["Message-ID"] = message_id(message)
            channel.send(composed)
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - SMTP, templates, the database: all retried
        _failed(message, exc, counts)
        return
    _mark_sent(message, kind, counts, skipped=composed is None)


def message_id(message: OutboxMessage) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox-{message.pk}@{host}>"


def _mine(message: OutboxMessage):
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, claim=message.claim)


def _mark_sent(message: OutboxMessage, kind: Kind, counts: Counter, *, skipped: bool) -> None:
    with transaction.atomic():
        marked = _mine(message).update(
            status=Status.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
        )
        if marked and kind.sent is not None and not skipped:
            kind.sent(message)
    # a sender whose lease ran out and was taken over marks nothing
    counts[("skipped" if skipped else "sent") if marked else "lost_lease"] += 1


def backoff(attempts: int) -> float:
    """Seconds before the next try: doubling from OUTBOX_RETRY_BASE, capped."""
    return min(settings.OUTBOX_RETRY_BASE * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_MAX)


def _failed(message: OutboxMessage, exc: Exception, counts: Counter) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _give_up(message, error, counts)
        return
    log.warning(
        "outbox: %s #%s failed (attempt %s): %s", message.kind, message.pk, message.attempts, error
    )
    _mine(message).update(
        status=Status.PENDING,
        lease_until=None,
        last_error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=backoff(message.attempts)),
    )
    counts["retry"] += 1


def _give_up(message: OutboxMessage, error: str, counts: Counter) -> None:
    log.error(
        "outbox: %s #%s failed for good after %s attempts: %s",
        message.kind,
        message.pk,
        message.attempts,
        error,
    )
    _mine(message).update(status=Status.FAILED, lease_until=None, last_error=error)
    counts["failed"] += 1


def _release(messages: list[OutboxMessage], counts: Counter) -> None:
    """Put back rows this run claimed but did not try (a time limit stopped it): due
    again at once, the claim's attempt not counted."""
    for message in messages:
        _mine(message).update(
            status=Status.PENDING,
            lease_until=None,
            attempts=F("attempts") - 1,
            next_attempt_at=timezone.now(),
        )
    counts["released"] += len(messages)


def retry_failed(queryset) -> int:
    """Admins' action: failed rows get a fresh set of attempts."""
    return queryset.filter(status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None
    )
