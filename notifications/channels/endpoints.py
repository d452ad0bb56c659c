"""Admins' writes of channel endpoints (webhooks, WeCom and DingTalk robots) and each
user's channel preferences, with their checks; the API and the admin call these."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from servicedesk.errors import PermissionDenied, ServiceError

from ..models import ChannelEndpoint, ChannelPreference

FIELDS = ("name", "kind", "url", "secret", "events", "service_center_id", "language", "active")


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
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor, endpoint: ChannelEndpoint) -> None:
    _check_admin(actor)
    endpoint.delete()  # its pending deliveries compose to nothing and are marked skipped


@transaction.atomic
def preference_set(*, user, channel: str, enabled: bool, events=()) -> ChannelPreference:
    if channel not in ChannelPreference.Channel.values:
        raise ServiceError(_("Choose e-mail or SMS."), field="channel")
    preference, _created = ChannelPreference.objects.update_or_create(
        user=user,
        channel=channel,
        defaults={"enabled": bool(enabled), "events": _check_events(list(events))},
    )
    return preference
