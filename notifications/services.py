"""Notification use cases: in-app rows and e-mail (in each recipient's language, sent
after commit by a Celery task) and marking read."""

import datetime
import decimal
import logging
import uuid
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from servicedesk.errors import PermissionDenied

from . import events, outbox
from .channels import routing
from .models import Notification, OutboxMessage

log = logging.getLogger(__name__)
MODEL_KEY = "__model__"
EMAIL_KIND = "notification_email"


# --- notify ------------------------------------------------------------------------
def notify(*, recipients, event: str, target=None, context=None, actor=None) -> list[Notification]:
    """Tell `recipients` (users) about `event` concerning `target` (a ticket, visit,
    inspection…): one in-app notification per active recipient (duplicates and the
    actor left out), its text in the recipient's language, and an e-mail each sent by
    a task enqueued after commit (a rolled back transaction sends nothing)."""
    return notify_many(
        [
            {
                "recipients": recipients,
                "event": event,
                "target": target,
                "context": context,
                "actor": actor,
            }
        ]
    )


def notify_many(batch: list[dict]) -> list[Notification]:
    """`notify` for many events at once (the SLA sweep's batches): one INSERT for all
    their notifications and one for their e-mails in the outbox, in the caller's
    transaction. Nothing while the demo replays the past (servicedesk.clock)."""
    from servicedesk import clock

    if clock.replaying():
        return []
    rows = []
    for item in batch:
        rows += _rows(**item)
    # Webhooks and group robots subscribed, and the recipients' channel choices
    # (issue 17), read together in one query (issue 15).
    subscribed, chosen = routing.channels_for({row.recipient_id for row in rows})
    endpoints = routing.endpoint_messages(batch, subscribed)
    if not rows:
        outbox.enqueue_many(endpoints)
        return []
    created = Notification.objects.bulk_create(rows)
    outbox.enqueue_many(
        [
            OutboxMessage(
                kind=EMAIL_KIND,
                payload={"notification": notification.pk},
                key=f"{EMAIL_KIND}:{notification.pk}",
            )
            for notification in created
            if notification.recipient.email and chosen.wants_email(notification)
        ]
        + chosen.sms_messages(created)
        + endpoints
    )
    return created


def _rows(*, recipients, event: str, target=None, context=None, actor=None) -> list[Notification]:
    people = _unique_recipients(recipients, actor)
    if not people:
        return []
    context = dict(context or {})
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    label = _label(target)
    url = _url_for(target, context)
    stored = _storable(context)
    rows = []
    for user in people:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            verb = events.verb_for(event, label)
        rows.append(
            Notification(
                recipient=user,
                event=event,
                verb=verb[:500],
                actor=actor if getattr(actor, "pk", None) else None,
                target_type=target_type,
                target_id=target.pk if target is not None else None,
                target_label=label[:300],
                url=url[:500],
                context=stored,
            )
        )
    return rows


def notify_after_commit(*, recipients, event: str, target=None, context=None, actor=None) -> None:
    """What the use cases of the other apps call inside their transaction: the
    notifications and their e-mails (outbox rows) are written in that transaction, so
    they exist exactly when the change commits; the e-mails go out after commit.
    (The name stays from when the rows were written after commit.)"""
    notify(recipients=recipients, event=event, target=target, context=context, actor=actor)


def _unique_recipients(recipients, actor) -> list:
    people, seen = [], set()
    actor_pk = getattr(actor, "pk", None)
    for user in recipients or ():
        if user is None or not getattr(user, "pk", None) or user.pk in seen:
            continue
        seen.add(user.pk)
        if user.pk == actor_pk or not user.is_active:
            continue
        people.append(user)
    return people


def _label(target) -> str:
    return "" if target is None else str(target)


def _url_for(target, context: dict) -> str:
    """The page of the target: `context["url"]`, `get_absolute_url()`, or the app's
    `<model>_detail` / `detail` page; empty when there is none (yet)."""
    if isinstance(context.get("url"), str):
        return context["url"]
    if target is None:
        return ""
    if hasattr(target, "get_absolute_url"):
        try:
            return target.get_absolute_url()
        except NoReverseMatch:
            pass
    meta = target._meta
    names = [f"{meta.app_label}:{meta.model_name}_detail"]
    if meta.app_label.rstrip("s") == meta.model_name:
        names.append(f"{meta.app_label}:detail")
    for name in names:
        try:
            return reverse(name, args=[target.pk])
        except NoReverseMatch:
            continue
    return ""


def target_url(notification: Notification) -> str:
    """The stored link, or one resolved now (pages added after the notification)."""
    if notification.url:
        return notification.url
    target = notification.target if notification.target_type_id else None
    return _url_for(target, {}) if target is not None else ""


def _storable(value):
    """The context as JSON: model instances become references, resolved again when the
    e-mail is rendered; dates and decimals become strings."""
    if isinstance(value, models.Model):
        return {MODEL_KEY: value._meta.label_lower, "pk": value.pk}
    if isinstance(value, dict):
        return {str(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_storable(item) for item in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _restore(value):
    if isinstance(value, dict):
        if set(value) == {MODEL_KEY, "pk"}:
            try:
                return (
                    apps.get_model(value[MODEL_KEY])._default_manager.filter(pk=value["pk"]).first()
                )
            except LookupError:
                return None
        return {key: _restore(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_restore(item) for item in value]
    return value


# --- e-mail ------------------------------------------------------------------------
def send_templated_mail(
    *,
    recipients,
    template: str,
    context: dict,
    attachments: Iterable = (),
    language: str | None = None,
) -> int:
    """Render and send at once (see `templated_messages`); returns how many messages
    were sent. Use cases enqueue through the outbox instead, so that nothing is lost."""
    messages = templated_messages(
        recipients=recipients,
        template=template,
        context=context,
        attachments=attachments,
        language=language,
    )
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def templated_messages(
    *,
    recipients,
    template: str,
    context: dict,
    attachments: Iterable = (),
    language: str | None = None,
) -> list[EmailMultiAlternatives]:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` for each
    recipient (a user or an e-mail address) in the recipient's language (else
    `language`, else settings.LANGUAGE_CODE) and time zone: one HTML + text message
    each. `attachments` are (filename, bytes, mimetype)."""
    attachments = list(attachments)
    messages = []
    seen = set()
    for recipient in recipients or ():
        if isinstance(recipient, str):
            user, address = None, recipient.strip()
            lang, zone = language or settings.LANGUAGE_CODE, settings.TIME_ZONE
        else:
            user, address = recipient, (recipient.email or "").strip()
            lang = recipient.language or language or settings.LANGUAGE_CODE
            zone = recipient.time_zone or settings.TIME_ZONE
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        with translation.override(lang), timezone.override(zone):
            values = {
                "site_url": settings.SITE_URL.rstrip("/"),
                **context,
                "recipient": user,
                "recipient_address": address,
                "LANGUAGE_CODE": lang,
            }
            subject = " ".join(render_to_string(f"{template}_subject.txt", values).split())
            text = render_to_string(f"{template}.txt", values)
            html = render_to_string(f"{template}.html", values)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=[address],
            # Auto-Submitted keeps out-of-office replies from looping back as comments.
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(html, "text/html")
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        messages.append(message)
    return messages


def template_for(notification: Notification) -> str:
    """`<target's app>/email/<event>` when its subject template exists, else the
    app's own `<app>/email/generic` (if it has one), else `notifications/email/generic`."""
    stem = events.template_stem(notification.event)
    candidates = []
    if notification.target_type_id:
        app = notification.target_type.app_label
        candidates += [f"{app}/email/{stem}", f"notifications/email/{stem}", f"{app}/email/generic"]
    else:
        candidates.append(f"notifications/email/{stem}")
    for prefix in candidates:
        try:
            get_template(f"{prefix}_subject.txt")
        except TemplateDoesNotExist:
            continue
        return prefix
    return events.GENERIC_TEMPLATE


def email_context(notification: Notification) -> dict:
    """What the e-mail templates see: the stored context (model references resolved),
    the target (and its ticket), the actor, the verb and the absolute link."""
    context = _restore(notification.context or {})
    target = notification.target if notification.target_type_id else None
    link = target_url(notification)
    values = {
        **context,
        "notification": notification,
        "event": notification.event,
        "verb": notification.text,
        "target": target,
        "actor": notification.actor,
        "url": settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link,
    }
    if target is not None:
        label = target._meta.label_lower
        if label == "tickets.ticket":
            values.setdefault("ticket", target)
        elif hasattr(target, "ticket"):
            values.setdefault("ticket", target.ticket)
        if label == "tickets.visit":
            values.setdefault("visit", target)
    _resolve_comment(values, notification.recipient)
    return values


def _resolve_comment(values: dict, recipient) -> None:
    """An internal comment (stored as a model reference) is never shown to a customer."""
    comment = values.get("comment")
    if comment is not None and getattr(comment, "internal", False) and recipient.is_customer:
        values["comment"] = None


def compose_notification_email(message: OutboxMessage) -> EmailMultiAlternatives | None:
    """The outbox's `notification_email` kind: the e-mail of one notification, or None
    when there is nothing to send (deleted, already e-mailed, recipient inactive or
    without an address)."""
    notification = (
        Notification.objects.select_related("recipient", "actor", "target_type")
        .filter(pk=message.payload.get("notification"))
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return None
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        return None
    messages = templated_messages(
        recipients=[recipient],
        template=template_for(notification),
        context=email_context(notification),
    )
    return messages[0] if messages else None


def mark_notification_emailed(message: OutboxMessage) -> None:
    """Runs in the transaction that marks the outbox row sent."""
    Notification.objects.filter(
        pk=message.payload.get("notification"), emailed_at__isnull=True
    ).update(emailed_at=timezone.now())


def notification_send_email(*, notification_id: int) -> bool:
    """Deliver the e-mail of one notification now if it is due (the outbox row is
    claimed, so running this twice, or beside the periodic delivery, sends once).
    Returns whether this call sent it."""
    counts = outbox.deliver_due(keys=[f"{EMAIL_KIND}:{notification_id}"])
    return counts["sent"] > 0


# --- marking read ------------------------------------------------------------------
def notification_mark_read(*, notification: Notification, actor) -> Notification:
    """Mark one of the actor's own notifications read (reading twice changes nothing)."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    """Mark all of the actor's unread notifications read; returns how many."""
    at = timezone.now()
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=at, updated_at=at
    )
