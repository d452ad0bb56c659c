"""/metrics: who may read it, and what it says about requests, tasks and SLA clocks."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from sla.models import Clock
from tests.factories.tickets import TicketFactory


def scrape(client, **extra) -> dict:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def clock(ticket, metric, *, due_in, state=Clock.State.RUNNING, breached_at=None):
    now = timezone.now()
    return Clock.objects.create(
        ticket=ticket,
        metric=metric,
        duration=timedelta(hours=4),
        clock_kind="24x7",
        started_at=now - timedelta(hours=1),
        due_at=now + due_in,
        warn_at=now + due_in,
        state=state,
        breached=breached_at is not None,
        breached_at=breached_at,
    )


def test_metrics_need_an_allowed_address_or_the_token(db, client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.1.0.0/16"]
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.9").status_code == 403
    wrong = client.get("/metrics", REMOTE_ADDR="10.2.0.9", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    with_token = client.get(
        "/metrics", REMOTE_ADDR="10.2.0.9", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert with_token.status_code == 200
    # The address the server sees counts, never a forwarded one.
    forwarded = client.get("/metrics", REMOTE_ADDR="10.2.0.9", HTTP_X_FORWARDED_FOR="10.1.0.1")
    assert forwarded.status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.3.4").status_code == 200


def test_requests_are_counted_by_view_and_status_with_latency_and_database_time(db, api, world):
    labels = {"view": "api:ticket-list", "method": "GET"}
    before = value("servicedesk_http_requests_total", status="200", **labels)
    seconds_before = value("servicedesk_http_request_duration_seconds_count", **labels)
    queries_before = value("servicedesk_http_database_queries_total", view="api:ticket-list")
    assert api.as_user(world.dispatcher).get("/api/v1/tickets/").status_code == 200
    api.logout()
    assert api.get("/api/v1/tickets/").status_code == 401
    samples = scrape(api)
    key = (("method", "GET"), ("status", "200"), ("view", "api:ticket-list"))
    assert samples[("servicedesk_http_requests_total", key)] == before + 1
    unauthorised = (("method", "GET"), ("status", "401"), ("view", "api:ticket-list"))
    assert samples[("servicedesk_http_requests_total", unauthorised)] >= 1
    timed = (("method", "GET"), ("view", "api:ticket-list"))
    assert samples[("servicedesk_http_request_duration_seconds_count", timed)] == seconds_before + 2
    assert samples[("servicedesk_http_database_queries_total", (("view", "api:ticket-list"),))] > (
        queries_before
    )
    db_count = ("servicedesk_http_database_duration_seconds_count", (("view", "api:ticket-list"),))
    assert samples[db_count] >= 2


def test_unknown_paths_share_one_label(db, client):
    client.get("/no-such-page-1")
    client.get("/no-such-page-2")
    samples = scrape(client)
    labels = (("method", "GET"), ("status", "404"), ("view", "unresolved"))
    assert samples[("servicedesk_http_requests_total", labels)] >= 2
    assert not any("no-such-page" in str(key) for key in samples)


def test_celery_tasks_are_counted_by_name_and_state(db, client, eager_celery):
    from servicedesk.tasks import ping

    before = value("servicedesk_celery_tasks_total", task="servicedesk.tasks.ping", state="SUCCESS")
    ping.delay("x")
    ping.delay("y")
    samples = scrape(client)
    key = (("state", "SUCCESS"), ("task", "servicedesk.tasks.ping"))
    assert samples[("servicedesk_celery_tasks_total", key)] == before + 2
    duration = (
        "servicedesk_celery_task_duration_seconds_count",
        (("task", "servicedesk.tasks.ping"),),
    )
    assert samples[duration] >= 2


def test_sla_gauges_count_clocks_due_within_the_hour_and_breaches_today(db, client, world):
    ticket = TicketFactory(site=world.site_a)
    clock(ticket, "triage", due_in=timedelta(minutes=20))
    clock(ticket, "response", due_in=timedelta(minutes=59))
    clock(ticket, "arrival", due_in=timedelta(minutes=61))
    other = TicketFactory(site=world.site_b)
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    earlier_today, two_days_ago = midnight + (now - midnight) / 2, now - timedelta(days=2)
    for where, breached_at in ((ticket, earlier_today), (other, two_days_ago)):
        clock(
            where,
            "restore",
            due_in=breached_at - now,
            state=Clock.State.BREACHED,
            breached_at=breached_at,
        )
    samples = scrape(client)
    assert samples[("servicedesk_sla_clocks_due_next_hour", ())] == 2
    assert samples[("servicedesk_sla_breaches_today", ())] == 1


@pytest.mark.parametrize("path", ["/metrics", "/healthz"])
def test_every_response_carries_a_request_id(client, db, path):
    response = client.get(path, HTTP_X_REQUEST_ID="proxy-given-id-123")
    assert response["X-Request-ID"] == "proxy-given-id-123"
    made_up = client.get(path, HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"]
    assert len(made_up) == 32 and made_up != "bad id with spaces"


def test_metrics_content_has_no_nan_apart_from_unseen_heartbeats(db, client):
    samples = scrape(client)
    nans = {name for (name, _labels), number in samples.items() if math.isnan(number)}
    assert nans <= {"servicedesk_heartbeat_age_seconds"}


def test_outbox_backlog_and_the_age_of_the_oldest_pending_message(db, client):
    from notifications.models import OutboxMessage

    samples = scrape(client)
    assert samples[("servicedesk_outbox_pending_messages", ())] == 0
    assert samples[("servicedesk_outbox_oldest_pending_age_seconds", ())] == 0
    now = timezone.now()
    rows = [OutboxMessage.objects.create(kind="test", next_attempt_at=now) for _ in range(4)]
    OutboxMessage.objects.filter(pk=rows[0].pk).update(created_at=now - timedelta(minutes=7))
    OutboxMessage.objects.filter(pk=rows[1].pk).update(
        created_at=now - timedelta(hours=2), status=OutboxMessage.Status.SENT, sent_at=now
    )
    OutboxMessage.objects.filter(pk=rows[2].pk).update(status=OutboxMessage.Status.FAILED)
    samples = scrape(client)
    assert samples[("servicedesk_outbox_pending_messages", ())] == 2
    age = samples[("servicedesk_outbox_oldest_pending_age_seconds", ())]
    assert 7 * 60 <= age < 8 * 60  # the sent one, older still, does not count


def test_heartbeat_ages_of_worker_and_beat(db, client):
    from servicedesk.models import Heartbeat

    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - timedelta(seconds=200))
    samples = scrape(client)
    assert 200 <= samples[("servicedesk_heartbeat_age_seconds", (("process", "worker"),))] < 260
    assert math.isnan(samples[("servicedesk_heartbeat_age_seconds", (("process", "beat"),))])


COUNT_ONE_TASK = """
import django; django.setup()
from operations.telemetry import TASKS
TASKS.labels("demo.task", "SUCCESS").inc()
"""
EXPOSE = """
import django; django.setup()
from prometheus_client import generate_latest
from operations.telemetry import process_registry
print(generate_latest(process_registry()).decode())
"""


def test_with_a_multiprocess_directory_a_scrape_sums_every_process_of_the_host(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
    }
    for _process in range(2):
        subprocess.run([sys.executable, "-c", COUNT_ONE_TASK], env=env, check=True, timeout=60)
    out = subprocess.run(
        [sys.executable, "-c", EXPOSE],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout
    assert 'servicedesk_celery_tasks_total{state="SUCCESS",task="demo.task"} 2.0' in out
