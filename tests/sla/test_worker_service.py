"""On PostgreSQL with Redis and real Celery workers: the sweep run twice in a row and
by two workers at once sends exactly one warning and one breach notification per
clock; a rolled-back ticket change enqueues nothing.
Run with DATABASE_URL (PostgreSQL) and REDIS_URL set, `-m service`."""

import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from notifications.models import Notification
from servicedesk.celery import app as celery_app
from sla.models import Clock
from sla.tasks import sweep_clocks
from tests.factories.sla import report

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")
QUEUE = f"sla-test-{uuid.uuid4().hex[:8]}"


def _require_services():
    problem = None
    if connection.vendor != "postgresql":
        problem = "PostgreSQL is required (set DATABASE_URL)"
    elif not REDIS_URL:
        problem = "Redis is required (set REDIS_URL)"
    else:
        parts = urlsplit(REDIS_URL)
        try:
            socket.create_connection(
                (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2
            ).close()
        except OSError:
            problem = "Redis is not reachable"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)


@pytest.fixture(autouse=True)
def _celery_through_redis():
    """Tasks go through Redis to the workers."""
    _require_services()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.update(task_always_eager=False)
    yield
    celery_app.conf.update(task_always_eager=previous)


@pytest.fixture
def workers(tmp_path):
    """Two worker processes consuming this run's own queue (and the mail queue)."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": f"file:///{mail_dir}",
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
    }
    processes, logs = [], []
    for n in range(2):
        log = open(tmp_path / f"worker{n}.log", "wb")  # noqa: SIM115 - closed below
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "servicedesk",
                    "worker",
                    "-P",
                    "solo",
                    "-c",
                    "1",
                    "-Q",
                    QUEUE,
                    "-n",
                    f"{QUEUE}-{n}@%h",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL)


def _sweep_everywhere(times: int, *, timeout: float = 120) -> None:
    """`times` sweeps enqueued at once (two workers run them concurrently); returns
    when the queue is empty and no message is still being worked on (late ack)."""
    for _ in range(times):
        sweep_clocks.apply_async(kwargs={"batch_size": 3}, queue=QUEUE)
    deadline, idle_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        busy = _redis().llen(QUEUE) or _redis().hlen("unacked")
        idle_since = None if busy else (idle_since or time.monotonic())
        if idle_since and time.monotonic() - idle_since > 1.5:
            return
        time.sleep(0.2)
    raise AssertionError("the workers did not finish the sweeps in time")


def _per_clock(event: str) -> dict[int, int]:
    """Notifications per clock; no recipient is told twice about one clock and stage."""
    per_recipient = (
        Notification.objects.filter(event=event)
        .values("target_id", "recipient_id")
        .annotate(n=Count("pk"))
    )
    assert {row["n"] for row in per_recipient} <= {1}
    rows = Notification.objects.filter(event=event).values("target_id").annotate(n=Count("pk"))
    return {row["target_id"]: row["n"] for row in rows}


WARNED = 1  # the dispatcher of the site's centre
BREACHED = 2  # the manager and the next support tier (the expert)


def test_two_workers_sweeping_twice_notify_once_per_clock_and_stage(world, workers):
    now = timezone.now()
    tickets = [report(site=world.site_a, at=now - timedelta(minutes=50)) for _ in range(10)]
    response = list(
        Clock.objects.filter(ticket__in=tickets, metric="response").values_list("pk", flat=True)
    )
    triage = list(
        Clock.objects.filter(ticket__in=tickets, metric="triage").values_list("pk", flat=True)
    )

    _sweep_everywhere(6)  # triage (15 min) is breached, response (48 of 60 min) warned
    assert _per_clock("sla_warning") == dict.fromkeys(response, WARNED)
    assert _per_clock("sla_breach") == dict.fromkeys(triage, BREACHED)

    # an hour later the response clocks are due too
    Clock.objects.filter(pk__in=response).update(due_at=timezone.now() - timedelta(seconds=1))
    _sweep_everywhere(6)
    assert _per_clock("sla_breach") == dict.fromkeys(response + triage, BREACHED)
    assert _per_clock("sla_warning") == dict.fromkeys(response, WARNED)
    assert Notification.objects.filter(event="sla_breach").count() == 20 * BREACHED
    _sweep_everywhere(2)
    assert (
        Notification.objects.filter(event__startswith="sla_").count() == 10 * WARNED + 20 * BREACHED
    )
    assert set(Clock.objects.filter(pk__in=response + triage).values_list("state", flat=True)) == {
        "breached"
    }


def _queued(name: str) -> int:
    return _redis().llen(name)


def test_a_rolled_back_ticket_change_enqueues_nothing(world):
    from tickets import services

    ticket = services.ticket_create(
        actor=world.customer_a,
        organization=world.org_a,
        site=world.site_a,
        title="PLC offline",
        description="No answer since 08:00.",
        channel="portal",
    )
    before, clocks_before = (
        _queued("celery"),
        list(Clock.objects.filter(ticket=ticket).values("metric", "state")),
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        services.ticket_triage(
            ticket=ticket, actor=world.dispatcher, severity="major", assignee=world.engineer1
        )
        raise RuntimeError("rolled back")
    assert _queued("celery") == before
    assert list(Clock.objects.filter(ticket=ticket).values("metric", "state")) == clocks_before
    services.ticket_triage(
        ticket=ticket, actor=world.dispatcher, severity="major", assignee=world.engineer1
    )
    assert _queued("celery") > before  # the committed triage mails the customer and the engineer
    assert Clock.objects.filter(ticket=ticket).count() == 4
