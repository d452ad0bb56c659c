"""notify(): rows per recipient, e-mail after commit in the recipient's language, never
on rollback, never twice; send_templated_mail(); marking read."""

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from notifications import outbox, services
from notifications.models import Notification, OutboxMessage
from notifications.tasks import send_notification_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_creates_one_row_per_active_recipient_without_the_actor(
    world, ticket_a, django_capture_on_commit_callbacks
):
    inactive = UserFactory(role="dispatcher", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify(
            recipients=[
                world.customer_a,
                world.customer_a,
                world.engineer1,
                inactive,
                None,
                world.dispatcher,
            ],
            event="ticket_received",
            target=ticket_a,
            actor=world.dispatcher,
        )
    assert sorted(n.recipient.username for n in rows) == ["customer_a", "engineer1"]
    stored = Notification.objects.get(recipient=world.customer_a)
    assert stored.target == ticket_a
    assert stored.actor == world.dispatcher
    assert stored.read_at is None and stored.emailed_at is not None
    assert stored.verb == f"Your fault report {ticket_a} was received"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.customer_a.email, world.engineer1.email]
    )


def test_email_is_html_and_text_in_english_with_the_number(
    world, ticket_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.customer_a], event="ticket_received", target=ticket_a)
    (message,) = mail.outbox
    assert message.subject == f"[{ticket_a.number}] Your fault report was received"
    assert ticket_a.number in message.body and "Site A" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert ticket_a.number in html and "<html" in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_chinese_speaking_user_gets_chinese_mail_and_text(
    world, ticket_a, django_capture_on_commit_callbacks
):
    world.customer_a.language = "zh-hans"
    world.customer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[world.customer_a, world.customer_a2],
            event="ticket_received",
            target=ticket_a,
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    chinese = by_address[world.customer_a.email]
    assert chinese.subject == f"[{ticket_a.number}] 您的故障报告已收到"
    assert "您好" in chinese.body
    assert "您好" in chinese.alternatives[0][0]
    assert by_address[world.customer_a2.email].subject.endswith("Your fault report was received")
    verb = Notification.objects.get(recipient=world.customer_a).verb
    assert "已收到" in verb and ticket_a.number in verb


def test_nothing_is_sent_when_the_transaction_rolls_back(
    world, ticket_a, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipients=[world.customer_a], event="ticket_received", target=ticket_a)
        raise RuntimeError("the use case failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()
    # the same call in a committed transaction sends
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        services.notify(recipients=[world.customer_a], event="ticket_received", target=ticket_a)
    assert len(callbacks) == 1 and len(mail.outbox) == 1


def test_the_task_sends_once_even_when_run_twice(
    world, ticket_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        (notification,) = services.notify(
            recipients=[world.engineer1], event="ticket_assigned", target=ticket_a
        )
    assert mail.outbox == []
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"[{ticket_a.number}] A fault report was assigned to you"


def test_a_failed_send_is_retried_later_and_then_sent_once(
    world, ticket_a, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        (notification,) = services.notify(
            recipients=[world.engineer1], event="ticket_assigned", target=ticket_a
        )

    def broken(**kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(services, "templated_messages", broken)
    assert services.notification_send_email(notification_id=notification.pk) is False
    row = OutboxMessage.objects.get(key=f"notification_email:{notification.pk}")
    assert (row.status, row.attempts) == ("pending", 1)
    assert "SMTP down" in row.last_error and row.next_attempt_at > timezone.now()
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert services.notification_send_email(notification_id=notification.pk) is False  # not due yet
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert services.notification_send_email(notification_id=notification.pk) is True
    assert services.notification_send_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_an_unknown_event_falls_back_to_the_generic_templates(
    world, ticket_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = services.notify(
            recipients=[world.dispatcher],
            event="something_new",
            target=ticket_a,
            context={"reason": "Because"},
        )
    assert services.template_for(notification) == "tickets/email/generic"
    assert notification.verb == f"New update on {ticket_a}"
    assert mail.outbox[0].subject == f"[{ticket_a.number}] New update on {ticket_a}"
    assert "Because" in mail.outbox[0].body


def test_an_event_without_target_uses_the_notifications_generic_template(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = services.notify(
            recipients=[world.manager],
            event="stock_low",
            context={"message": "Fuses below the reorder point", "when": None},
        )
    assert services.template_for(notification) == "notifications/email/generic"
    assert notification.verb == "You have a new notification"
    assert "Fuses below the reorder point" in mail.outbox[0].body


def test_model_instances_in_the_context_are_stored_as_references(
    world, ticket_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = services.notify(
            recipients=[world.dispatcher],
            event="x_happened",
            context={"site": world.site_a, "items": [world.org_a]},
        )
    assert notification.context == {
        "site": {"__model__": "assets.site", "pk": world.site_a.pk},
        "items": [{"__model__": "accounts.organization", "pk": world.org_a.pk}],
    }
    restored = services.email_context(notification)
    assert restored["site"] == world.site_a and restored["items"] == [world.org_a]


def test_an_internal_comment_never_reaches_a_customer_by_mail(
    world, ticket_a, django_capture_on_commit_callbacks
):
    from tickets.models import Comment

    secret = Comment.objects.create(
        ticket=ticket_a, author=world.engineer1, body="Vendor firmware bug", internal=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[world.customer_a, world.dispatcher],
            event="ticket_commented",
            target=ticket_a,
            actor=world.engineer1,
            context={"comment": secret, "internal": True},
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Vendor firmware bug" not in by_address[world.customer_a.email].body
    assert "Vendor firmware bug" not in by_address[world.customer_a.email].alternatives[0][0]
    assert "Vendor firmware bug" in by_address[world.dispatcher.email].body


def test_send_templated_mail_to_addresses_with_attachments_and_a_language(world, ticket_a):
    count = services.send_templated_mail(
        recipients=["someone@example.test", world.customer_a, "SOMEONE@example.test"],
        template="tickets/email/ticket_received",
        context={"ticket": ticket_a},
        attachments=[("report.pdf", b"%PDF-1.4 test", "application/pdf")],
        language="zh-hans",
    )
    assert count == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "已收到" in by_address["someone@example.test"].subject
    assert by_address[world.customer_a.email].subject.endswith(
        "Your fault report was received"
    )  # the user's own
    assert by_address["someone@example.test"].attachments == [
        ("report.pdf", b"%PDF-1.4 test", "application/pdf")
    ]


def test_mark_read_and_mark_all_read_touch_only_the_callers_rows(world):
    from tests.factories.notifications import NotificationFactory

    mine = NotificationFactory.create_batch(3, recipient=world.customer_a)
    other = NotificationFactory(recipient=world.customer_b)
    services.notification_mark_read(notification=mine[0], actor=world.customer_a)
    mine[0].refresh_from_db()
    first_read = mine[0].read_at
    assert first_read is not None
    services.notification_mark_read(notification=mine[0], actor=world.customer_a)
    mine[0].refresh_from_db()
    assert mine[0].read_at == first_read
    with pytest.raises(services.PermissionDenied):
        services.notification_mark_read(notification=other, actor=world.customer_a)
    assert services.notifications_mark_all_read(actor=world.customer_a) == 2
    other.refresh_from_db()
    assert other.read_at is None
    assert not Notification.objects.filter(
        recipient=world.customer_a, read_at__isnull=True
    ).exists()


def test_notify_many_is_one_insert_each_and_one_delivery_for_the_batch(
    world, ticket_a, django_assert_num_queries
):
    batch = [
        {
            "recipients": [world.customer_a, world.engineer1],
            "event": "ticket_received",
            "target": ticket_a,
        },
        {"recipients": [world.dispatcher], "event": "ticket_assigned", "target": ticket_a},
    ]
    services.notify(
        recipients=[world.manager], event="ticket_received", target=ticket_a
    )  # warms caches
    # the subscribed endpoints and the recipients' channel choices (one query), one
    # INSERT of notifications, one INSERT of their e-mails into the outbox
    with django_assert_num_queries(3):
        rows = services.notify_many(batch)
    assert [n.recipient.username for n in rows] == ["customer_a", "engineer1", "dispatcher"]
    # one delivery run after commit for the whole transaction (the warm-up's included)
    kicks = [func for _sids, func, _robust in connection.run_on_commit if func is outbox._kick]
    assert len(kicks) == 1
    kicks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.customer_a.email, world.engineer1.email, world.dispatcher.email, world.manager.email]
    )
    assert (
        Notification.objects.filter(pk__in=[n.pk for n in rows], emailed_at__isnull=False).count()
        == 3
    )
