"""Outbound mail of the ticket loop, driven by tickets.services through notify():
received, triaged, assigned, visit dispatched, resolved, follow-up; each HTML + text,
in the recipient's language."""

import pytest
from django.core import mail
from django.utils import timezone

from notifications import outbox
from notifications import services as notifications
from notifications.models import Notification
from tickets import services

pytestmark = pytest.mark.django_db
RESOLVE = {
    "resolution": "remote",
    "cause": "Loose cable",
    "solution": "Re-seated the cable",
    "prevention": "Cable ties",
}


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Tasks enqueued after commit run in-process in these tests."""


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_the_whole_loop_mails_each_side(world, build, django_capture_on_commit_callbacks):
    world.customer_a.language = "zh-hans"
    world.customer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = build.new()
    (received,) = mails_to(world.customer_a)
    assert received.subject == f"[{ticket.number}] 您的故障报告已收到"
    assert ticket.number in received.body and ticket.number in received.alternatives[0][0]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_triage(
            ticket=ticket, actor=world.dispatcher, severity="major", assignee=world.engineer1
        )
    (assigned,) = mails_to(world.engineer1)
    assert assigned.subject == f"[{ticket.number}] A fault report was assigned to you"
    assert ticket.description in assigned.body
    (triaged,) = mails_to(world.customer_a)
    assert triaged.subject == f"[{ticket.number}] 您的故障报告已分级"
    assert str(world.engineer1) in triaged.body

    services.ticket_respond(ticket=ticket, actor=world.engineer1)
    mail.outbox.clear()
    when = timezone.now() + timezone.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_dispatch(
            ticket=ticket, actor=world.dispatcher, engineer=world.engineer1, scheduled_for=when
        )
    (to_customer,) = mails_to(world.customer_a)
    assert to_customer.subject == f"[{ticket.number}] 工程师即将到达现场"
    assert str(world.engineer1) in to_customer.body
    (to_engineer,) = mails_to(world.engineer1)
    assert to_engineer.subject == f"[{ticket.number}] You are dispatched on site"

    ticket.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_resolve(ticket=ticket, actor=world.engineer1, **RESOLVE)
    (resolved,) = mails_to(world.customer_a)
    assert resolved.subject == f"[{ticket.number}] 您的故障报告已解决"
    for text in RESOLVE.values():
        if text != "remote":
            assert text in resolved.body and text in resolved.alternatives[0][0]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_follow_up(
            ticket=ticket, actor=world.dispatcher, recurred=False, satisfaction=4
        )
    (thanks,) = mails_to(world.customer_a)
    assert thanks.subject == f"[{ticket.number}] 感谢您的反馈"
    assert "4" in thanks.body


def test_a_customer_comment_mails_the_engineer_and_the_reply_hint_goes_to_customers(
    world, build, django_capture_on_commit_callbacks
):
    ticket = build.ticket("triaged")
    outbox.deliver_due()  # the building's own notifications (written with its changes)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(ticket=ticket, author=world.customer_a, body="Any news?")
    (to_engineer,) = mails_to(world.engineer1)
    assert "Any news?" in to_engineer.body
    assert "Reply to this e-mail" not in to_engineer.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(ticket=ticket, author=world.engineer1, body="On my way")
    (to_customer,) = mails_to(world.customer_a)
    assert "On my way" in to_customer.body and "Reply to this e-mail" in to_customer.body


EVENTS = [
    "ticket_received",
    "ticket_triaged",
    "ticket_assigned",
    "visit_dispatched",
    "ticket_resolved",
    "follow_up",
    "ticket_followed_up",
    "ticket_escalated",
    "comment_added",
    "ticket_commented",
    "ticket_reopened",
    "ticket_cancelled",
    "ticket_reported",
    "visit_completed",
    "something_else",
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("event", EVENTS)
def test_every_ticket_email_renders_in_both_languages(world, build, event, language):
    world.customer_a.language = language
    world.customer_a.save()
    visit = build.visit("dispatched")
    target = visit if event.startswith("visit_") else visit.ticket
    comment = services.comment_add(ticket=visit.ticket, author=world.engineer1, body="Visible note")
    (notification,) = notifications.notify(
        recipients=[world.customer_a],
        event=event,
        target=target,
        actor=world.engineer1,
        context={"comment": comment, "reason": "Because", "recurred": False},
    )
    mail.outbox.clear()
    assert notifications.notification_send_email(notification_id=notification.pk)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert message.subject.startswith(f"[{visit.ticket.number}] ")
    assert "\n" not in message.subject
    for text in (message.body, html):
        assert "{{" not in text and "{%" not in text and "None" not in text
    assert (
        "&lt;" not in message.body and "&#x27;" not in message.body
    )  # text parts are not HTML-escaped
    if language == "zh-hans":
        assert "您好" in message.body
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
