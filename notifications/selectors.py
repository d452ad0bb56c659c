"""Every read of notifications, scoped to the caller: a user sees only their own."""

from django.db.models import Count, QuerySet

from .channels import routing
from .models import ChannelEndpoint, ChannelPreference, Notification, OutboxMessage


def notifications_for(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("actor", "target_type")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- channels (issue 17) -------------------------------------------------------------
def channel_preferences_of(user) -> QuerySet[ChannelPreference]:
    return ChannelPreference.objects.filter(user=user).order_by("channel")


def endpoints_with_failures() -> list[ChannelEndpoint]:
    """Every endpoint (admins) with `failed_count`, its deliveries that used up their
    attempts: two queries whatever the number of endpoints."""
    rows = list(ChannelEndpoint.objects.order_by("name", "id"))
    failed = dict(
        OutboxMessage.objects.filter(kind=routing.EVENT_KIND, status=OutboxMessage.Status.FAILED)
        .values_list("payload__endpoint")
        .annotate(count=Count("id"))
        .values_list("payload__endpoint", "count")
    )
    for endpoint in rows:
        endpoint.failed_count = failed.get(endpoint.pk, 0)
    return rows


def endpoint_history(endpoint: ChannelEndpoint, limit: int = 20):
    """Who changed the endpoint and when, newest first (the secret is never recorded)."""
    return endpoint.history.select_related("history_user").order_by("-history_date")[:limit]
