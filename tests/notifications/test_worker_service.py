"""On PostgreSQL with Redis and a real Celery worker: a committed notify() is e-mailed
by the worker exactly once (even when the task is enqueued again), a rolled back one
never. Run with DATABASE_URL (PostgreSQL) and REDIS_URL set, `-m service`."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction

from notifications import services
from notifications.tasks import send_notification_email
from servicedesk.celery import app as celery_app

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")


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
def _eager_celery():
    """Overrides the package's eager fixture: here tasks go through Redis to the worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=False)
    yield
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=previous)


@pytest.fixture
def worker(tmp_path):
    _require_services()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": f"file:///{mail_dir}",
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
    }
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
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
            "celery",
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
    try:
        yield mail_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _mails(mail_dir: Path) -> str:
    return "".join(path.read_text(errors="replace") for path in sorted(mail_dir.iterdir()))


def _wait_for(predicate, *, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_the_worker_mails_a_committed_notification_once_and_a_rolled_back_one_never(world, worker):
    from tests.factories.tickets import TicketFactory

    ticket = TicketFactory(site=world.site_a)
    world.customer_a2.email = "rolled-back@example.test"
    world.customer_a2.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipients=[world.customer_a2], event="ticket_received", target=ticket)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        (notification,) = services.notify(
            recipients=[world.customer_a], event="ticket_received", target=ticket
        )
    assert _wait_for(lambda: ticket.number in _mails(worker)), "the worker sent no mail"
    # enqueued again: the worker runs it but sends nothing new
    send_notification_email.delay(notification.pk)
    send_notification_email.delay(notification.pk)
    marker = world.customer_a.email
    time.sleep(1)
    services.notify(
        recipients=[world.engineer1], event="ticket_assigned", target=ticket
    )  # a later, FIFO sentinel
    assert _wait_for(lambda: world.engineer1.email in _mails(worker))
    text = _mails(worker)
    assert text.count(f"To: {marker}") == 1
    assert "rolled-back@example.test" not in text
    notification.refresh_from_db()
    assert notification.emailed_at is not None
