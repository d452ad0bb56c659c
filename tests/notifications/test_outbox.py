"""The outbox (notifications.outbox): claims with a lease, sent marked once by the
claim, capped backoff, failed after N tries, a soft time limit puts back what was not
sent, and a broker that cannot be reached is never the request's error."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from notifications import outbox
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
SENT_TO = []


def _compose(message):
    if message.payload.get("boom"):
        raise ConnectionError("SMTP said no")
    return EmailMessage(subject=f"m{message.pk}", body="x", to=[message.payload["to"]])


def _sent(message):
    SENT_TO.append(message.payload["to"])


@pytest.fixture(autouse=True)
def _test_kind():
    outbox.register("test", _compose, sent=_sent)
    SENT_TO.clear()
    yield
    outbox.KINDS.pop("test", None)


def _enqueue(n=1, **payload):
    with transaction.atomic():
        return [
            outbox.enqueue(kind="test", payload={"to": f"p{i}@example.test", **payload})
            for i in range(n)
        ]


def test_due_rows_are_sent_once_with_a_stable_message_id():
    rows = _enqueue(3)
    counts = outbox.deliver_due()
    assert counts["sent"] == 3
    assert outbox.deliver_due()["sent"] == 0
    assert sorted(SENT_TO) == ["p0@example.test", "p1@example.test", "p2@example.test"]
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        outbox.message_id(row) for row in rows
    ]
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_claim_holds_until_its_lease_expires_and_a_late_sender_marks_nothing(settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    _enqueue(2)
    first = outbox.claim(10)
    assert len(first) == 2 and outbox.claim(10) == []  # claimed rows are not due
    # the first sender died; its lease expires and another sender takes the rows
    OutboxMessage.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    second = outbox.claim(10)
    assert [row.pk for row in second] == [row.pk for row in first]
    assert {row.attempts for row in second} == {2}
    # the first sender wakes up: its claim is gone, so it marks nothing
    counts = outbox.Counter()
    outbox._mark_sent(first[0], outbox.KINDS["test"], counts, skipped=False)
    assert counts == {"lost_lease": 1}
    assert OutboxMessage.objects.filter(status="sent").count() == 0


def test_errors_back_off_capped_and_fail_after_the_last_try(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE, settings.OUTBOX_RETRY_MAX = 30, 50
    (row,) = _enqueue(1, boom=True)
    delays = []
    for _attempt in range(3):
        before = timezone.now()
        outbox.deliver_due()
        row.refresh_from_db()
        if row.status == "pending":
            delays.append(round((row.next_attempt_at - before).total_seconds()))
            OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delays == [30, 50]  # 30, then 60 capped at 50
    assert (row.status, row.attempts) == ("failed", 3)
    assert "SMTP said no" in row.last_error
    assert outbox.deliver_due() == outbox.Counter()  # a failed row is not retried by itself
    assert outbox.retry_failed(OutboxMessage.objects.all()) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)


def test_a_soft_time_limit_puts_back_what_was_not_sent(monkeypatch):
    _enqueue(5)
    calls = []

    def send_two_then_stop(self, message):
        if len(calls) == 2:
            raise SoftTimeLimitExceeded()
        calls.append(message)
        self.connection.send_messages([message])

    monkeypatch.setattr(outbox._MailChannel, "send", send_two_then_stop)
    with pytest.raises(SoftTimeLimitExceeded):
        outbox.deliver_due()
    assert OutboxMessage.objects.filter(status="sent").count() == 2
    back = OutboxMessage.objects.filter(status="pending")
    assert back.count() == 3 and set(back.values_list("attempts", flat=True)) == {0}
    monkeypatch.undo()
    assert outbox.deliver_due()["sent"] == 3
    assert len(mail.outbox) == 5


def test_a_run_stops_claiming_after_its_time_budget():
    _enqueue(5)
    counts = outbox.deliver_due(batch_size=2, time_budget=0)
    assert counts == outbox.Counter()
    assert outbox.deliver_due(batch_size=2, time_budget=60)["sent"] == 5


def test_enqueue_with_a_key_keeps_one_row():
    with transaction.atomic():
        first = outbox.enqueue(kind="test", payload={"to": "a@example.test"}, key="once")
        again = outbox.enqueue(kind="test", payload={"to": "b@example.test"}, key="once")
    assert first.pk == again.pk and OutboxMessage.objects.count() == 1


def test_an_unreachable_broker_is_never_the_requests_error(
    world, api, caplog, django_capture_on_commit_callbacks
):
    """The fast path fails (nothing listens on the broker's port); the ticket is
    created, its e-mails wait in the outbox for the periodic delivery."""
    from servicedesk.celery import app

    previous = app.conf.broker_write_url, app.conf.task_always_eager
    app.conf.broker_write_url, app.conf.task_always_eager = "redis://127.0.0.1:9/0", False
    app._pool, app.amqp._producer_pool = None, None
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = api.as_user(world.customer_a).post(
                "/api/v1/tickets/",
                {
                    "organization": world.org_a.pk,
                    "site": world.site_a.pk,
                    "title": "Pump noisy",
                    "description": "Since the morning.",
                },
                format="json",
            )
        assert response.status_code == 201
        assert outbox._kick in callbacks
    finally:
        app.conf.broker_write_url, app.conf.task_always_eager = previous
        app._pool, app.amqp._producer_pool = None, None
    assert OutboxMessage.objects.filter(status="pending").exists()
    assert "the periodic delivery will send it" in caplog.text
