"""Admins' writes of channel endpoints (webhooks, WeCom and DingTalk robots), a retry
of a failed delivery, and each user's channel preferences, with their checks; the
API, the pages and the admin call these. History: django-simple-history (the
endpoint's secret is not kept in it)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from servicedesk.errors import InvalidTransition, PermissionDenied, ServiceError

from .. import outbox
from ..models import ChannelEndpoint, ChannelPreference, OutboxMessage

FIELDS = (
    "name",
    "kind",
    "url",
    "secret",
    "events",
    "service_center_id",
    "organization_id",
    "language",
    "active",
)


def _check_events(events) -> list[str]:
    if not isinstance(events, list) or not all(
        isinstance(e, str) and 0 < len(e) <= 60 for e in events
    ):
        raise ServiceError(_("Give the event names as a list."), field="events")
    return list(dict.fromkeys(events))


def _check_admin(actor) -> None:
    if not getattr(actor, "is_admin_role", False):
        raise PermissionDenied(_("Only administrators manage webhooks and robots."))


@transaction.atomic
def endpoint_save(*, actor, endpoint: ChannelEndpoint | None = None, **values) -> ChannelEndpoint:
    _check_admin(actor)
    endpoint = endpoint or ChannelEndpoint()
    for name in FIELDS:
        if name in values:
            setattr(endpoint, name, values[name])
    endpoint.events = _check_events(endpoint.events)
    if endpoint.kind == ChannelEndpoint.Kind.WEBHOOK and not endpoint.secret:
        raise ServiceError(_("A webhook needs a secret to sign its deliveries."), field="secret")
    if not str(endpoint.url or "").startswith(("https://", "http://")):
        raise ServiceError(_("Use an http or https URL."), field="url")
    endpoint._history_user = actor  # simple_history records who, also outside a request
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor, endpoint: ChannelEndpoint) -> None:
    _check_admin(actor)
    endpoint._history_user = actor
    endpoint.delete()  # its pending deliveries compose to nothing and are marked skipped


def deliveries_of(endpoint: ChannelEndpoint):
    """The outbox rows of one endpoint, newest first (their keys start with its id:
    routing.endpoint_messages)."""
    return OutboxMessage.objects.filter(key__startswith=f"endpoint:{endpoint.pk}:").order_by("-id")


@transaction.atomic
def delivery_retry(*, actor, endpoint: ChannelEndpoint, delivery: OutboxMessage) -> OutboxMessage:
    """Send a failed delivery of `endpoint` again with a fresh set of attempts (the
    outbox's backoff applies again); delivered after commit."""
    _check_admin(actor)
    row = deliveries_of(endpoint).select_for_update().filter(pk=delivery.pk).first()
    if row is None:
        raise ServiceError(_("This delivery is not one of this endpoint's."), field="delivery")
    if row.status != OutboxMessage.Status.FAILED:
        raise InvalidTransition(_("Only a failed delivery can be sent again."))
    outbox.retry_failed(OutboxMessage.objects.filter(pk=row.pk))
    outbox.deliver_after_commit()
    row.refresh_from_db()
    return row


@transaction.atomic
def preference_set(*, user, channel: str, enabled: bool, events=()) -> ChannelPreference:
    if channel not in ChannelPreference.Channel.values:
        raise ServiceError(_("Choose e-mail or SMS."), field="channel")
    values = {"enabled": bool(enabled), "events": _check_events(list(events))}
    preference = ChannelPreference.objects.select_for_update().filter(user=user, channel=channel)
    preference = preference.first() or ChannelPreference(user=user, channel=channel)
    if preference.pk and all(getattr(preference, k) == v for k, v in values.items()):
        return preference  # unchanged: no history row
    for name, value in values.items():
        setattr(preference, name, value)
    preference._history_user = user
    preference.save()
    return preference


@transaction.atomic
def preferences_save(*, user, choices) -> list[ChannelPreference]:
    """The channel page's save: every channel's (channel, enabled, events) at once."""
    return [
        preference_set(user=user, channel=channel, enabled=enabled, events=events)
        for channel, enabled, events in choices
    ]
