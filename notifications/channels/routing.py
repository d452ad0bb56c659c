"""From an event to outbox rows: endpoints subscribed to it, SMS for users who chose it,
and the e-mail opt-outs. Runs inside `notify_many`, in the caller's transaction."""

import uuid

from django.conf import settings
from django.db.models import BigIntegerField, BooleanField, CharField, Value
from django.utils import timezone, translation

from .. import events
from ..models import ChannelEndpoint, ChannelPreference, OutboxMessage

EVENT_KIND = "channel_event"
SMS_KIND = "channel_sms"


def center_of(target) -> int | None:
    """The service centre an event is about: the target's site's, or its ticket's
    site's (tickets, visits, clocks). None when the target has no site."""
    for path in (("site",), ("ticket", "site")):
        obj = target
        for name in path:
            obj = getattr(obj, name, None)
        if obj is not None and getattr(obj, "service_center_id", None):
            return obj.service_center_id
    return None


def organization_of(target) -> int | None:
    """The customer organisation an event is about: the target's, its ticket's or its
    site's. None when the target has none."""
    for path in (("organization_id",), ("ticket", "organization_id"), ("site", "organization_id")):
        obj = target
        for name in path:
            obj = getattr(obj, name, None)
        if isinstance(obj, int):
            return obj
    return None


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def event_payload(*, event: str, target=None, context=None) -> dict:
    from ..services import _storable, _url_for

    context = dict(context or {})
    target_info = None
    if target is not None:
        target_info = {
            "type": target._meta.label_lower,
            "id": target.pk,
            "label": str(target),
            "url": _absolute(_url_for(target, context)),
        }
    return {
        "id": str(uuid.uuid4()),
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "target": target_info,
        "data": _storable(context),
    }


def channels_for(user_ids) -> tuple[list[ChannelEndpoint], "Preferences"]:
    """The active endpoints (with events) and the channel preferences of `user_ids`
    (the recipients about to be notified) in one query: a UNION ALL of the columns
    routing reads from each table (issue 15: one round trip of the create request
    instead of two). Endpoints come back as instances carrying their id and the
    fields `endpoint_messages` reads (not the URL or the secret: delivery reads those)."""
    no_id = Value(None, output_field=BigIntegerField())
    # Both halves name the same ten columns in the same order (values_list keeps it).
    rows = (
        ChannelEndpoint.objects.filter(active=True)
        .order_by()
        .annotate(
            source=Value("endpoint", output_field=CharField()),
            no_user=no_id,
            always=Value(True, output_field=BooleanField()),
        )
        .values_list(
            "source",
            "pk",
            "no_user",
            "kind",
            "always",
            "events",
            "service_center_id",
            "organization_id",
            "language",
            "name",
        )
    )
    users = sorted({pk for pk in user_ids if pk})
    if users:
        preferences = (
            ChannelPreference.objects.filter(user_id__in=users)
            .order_by()
            .annotate(
                source=Value("preference", output_field=CharField()),
                no_centre=no_id,
                no_organization=no_id,
                no_language=Value("", output_field=CharField()),
                no_name=Value("", output_field=CharField()),
            )
            .values_list(
                "source",
                "pk",
                "user_id",
                "channel",
                "enabled",
                "events",
                "no_centre",
                "no_organization",
                "no_language",
                "no_name",
            )
        )
        rows = rows.union(preferences, all=True)
    endpoints, choices = [], {}
    for (
        source,
        pk,
        user,
        channel,
        enabled,
        subscribed,
        centre,
        organization,
        language,
        name,
    ) in rows:
        if source == "endpoint":
            if subscribed:
                endpoints.append(
                    ChannelEndpoint(
                        pk=pk,
                        kind=channel,
                        events=subscribed,
                        service_center_id=centre,
                        organization_id=organization,
                        language=language,
                        name=name,
                        active=True,
                    )
                )
        else:
            choices[(user, channel)] = ChannelPreference(
                pk=pk, user_id=user, channel=channel, enabled=enabled, events=subscribed
            )
    endpoints.sort(key=lambda e: (e.name, e.pk))  # by name and id, as the model orders them
    return endpoints, Preferences(choices)


def endpoint_messages(batch: list[dict], endpoints=None) -> list[OutboxMessage]:
    """One row per (event of the batch, active endpoint subscribed to it and, when the
    endpoint names a centre or an organisation, about that centre or organisation).
    `endpoints`: as `channels_for` found them (else read here)."""
    if endpoints is None:
        endpoints = [e for e in ChannelEndpoint.objects.filter(active=True) if e.events]
    rows = []
    for item in batch if endpoints else ():
        event, target = item["event"], item.get("target")
        centre = None if target is None else center_of(target)
        organization = None if target is None else organization_of(target)
        wanted = [
            e
            for e in endpoints
            if event in e.events
            and e.service_center_id in (None, centre)
            and e.organization_id in (None, organization)
        ]
        if not wanted:
            continue
        payload = event_payload(event=event, target=target, context=item.get("context"))
        link = events.action_link(event, item.get("context"))
        for endpoint in wanted:
            rows.append(_endpoint_row(endpoint, payload, link, organization))
    return rows


def _endpoint_row(endpoint, payload: dict, link: str, organization) -> OutboxMessage:
    """The row of one endpoint, its text in the endpoint's language. A group robot
    limited to the event's customer organisation (the customer's own group) also gets
    the action link (the survey of a resolution): the link answers as the customer,
    so a staff group never gets it. Webhooks get the whole context (`data`)."""
    event = payload["event"]
    with translation.override(endpoint.language):
        text = events.verb_for(event, payload["target"]["label"] if payload["target"] else "")
        action = (
            {"label": events.action_label(event), "url": link}
            if link
            and endpoint.kind != ChannelEndpoint.Kind.WEBHOOK
            and endpoint.organization_id is not None
            and endpoint.organization_id == organization
            else None
        )
    return OutboxMessage(
        channel=endpoint.kind,
        kind=EVENT_KIND,
        key=f"endpoint:{endpoint.pk}:{payload['id']}",
        payload={"endpoint": endpoint.pk, "text": text, "body": payload, "action": action},
    )


class Preferences:
    """The channel choices of the recipients of a batch of notifications, by (user id,
    channel), as `channels_for` read them."""

    def __init__(self, choices: dict):
        self.choices = choices

    def _chosen(self, user_id, channel, event, *, default: bool) -> bool:
        preference = self.choices.get((user_id, channel))
        if preference is None:
            return default
        return preference.enabled and (not preference.events or event in preference.events)

    def wants_email(self, notification) -> bool:
        return self._chosen(
            notification.recipient_id,
            ChannelPreference.Channel.EMAIL,
            notification.event,
            default=True,
        )

    def sms_messages(self, notifications) -> list[OutboxMessage]:
        rows = []
        for n in notifications:
            phone = (getattr(n.recipient, "phone", "") or "").strip()
            if phone and self._chosen(
                n.recipient_id, ChannelPreference.Channel.SMS, n.event, default=False
            ):
                text = sms_text(n)
                rows.append(
                    OutboxMessage(
                        channel="sms",
                        kind=SMS_KIND,
                        key=f"{SMS_KIND}:{n.pk}",
                        payload={"to": phone, "text": text},
                    )
                )
        return rows


def sms_text(notification) -> str:
    """The verb (already in the recipient's language) and one link: the event's action
    (the survey of a resolution, with its label in the recipient's language), else the
    target's page."""
    link = events.action_link(notification.event, notification.context)
    if link:
        language = getattr(notification.recipient, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            return f"{notification.verb} {events.action_label(notification.event)}: {link}"
    if notification.url:
        return f"{notification.verb} {_absolute(notification.url)}"
    return notification.verb
