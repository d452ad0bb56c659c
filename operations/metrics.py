"""`/metrics` in the Prometheus text format: the process counters of `telemetry` plus
gauges read from the database at scrape time (outbox backlog, heartbeat ages, SLA
clocks due within the hour, breaches recorded today)."""

import ipaddress
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from notifications.models import OutboxMessage
from servicedesk import heartbeats
from sla.models import Clock

from .telemetry import process_registry


def _gauge(name, documentation, value):
    return GaugeMetricFamily(name, documentation, value=value)


class DatabaseCollector:
    """Reads the figures an operator alerts on; each scrape runs a handful of queries."""

    def collect(self):
        now = timezone.now()
        yield from self._outbox(now)
        yield from self._heartbeats()
        yield _gauge(
            "servicedesk_sla_clocks_due_next_hour",
            "Running SLA clocks due within the next hour.",
            Clock.objects.filter(
                state=Clock.State.RUNNING, due_at__gt=now, due_at__lte=now + timedelta(hours=1)
            ).count(),
        )
        start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        yield _gauge(
            "servicedesk_sla_breaches_today",
            "SLA breaches recorded since local midnight.",
            Clock.objects.filter(breached_at__gte=start_of_day).count(),
        )

    @staticmethod
    def _outbox(now):
        pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        yield _gauge(
            "servicedesk_outbox_pending_messages",
            "Outbox messages waiting to be sent.",
            pending.count(),
        )
        oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
        yield _gauge(
            "servicedesk_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox message waiting to be sent (0 when none waits).",
            (now - oldest).total_seconds() if oldest else 0.0,
        )

    @staticmethod
    def _heartbeats():
        family = GaugeMetricFamily(
            "servicedesk_heartbeat_age_seconds",
            "Seconds since the worker or beat last showed life (NaN when never seen).",
            labels=["process"],
        )
        for name, age in sorted(heartbeats.ages().items()):
            family.add_metric([name], float("nan") if age is None else float(age))
        yield family


_DATABASE_REGISTRY = CollectorRegistry(auto_describe=False)
_DATABASE_REGISTRY.register(DatabaseCollector())


def _client_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    supplied = request.headers.get("Authorization", "")
    if token and secrets.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(net, strict=False)
        for net in settings.METRICS_ALLOWED_NETWORKS
    )


@never_cache
def metrics(request):
    """Open to the configured scraper only: a bearer token, or a client address in the
    allowed networks (the address the web server sees, not a forwarded one)."""
    if not _client_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    body = generate_latest(process_registry()) + generate_latest(_DATABASE_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)
