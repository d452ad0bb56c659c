"""The database stopped for 20 s under gunicorn and a worker (issue 11; marker
`service`): the test runs its own PostgreSQL cluster (a copy of the test database),
its own Redis, gunicorn and a Celery worker, stops PostgreSQL and starts it again.
API clients get JSON 503 with Retry-After, never a 500; /healthz names the database;
everything recovers without a restart; every e-mail of a created ticket goes out."""

import json
import threading
import time
import urllib.error
import urllib.request

import psycopg2
import pytest

from tests.factories.accounts import access_token
from tests.mail_backend import received
from tests.processes import (
    PostgreSQL,
    Redis,
    free_port,
    record_counts,
    run_clients,
    service_env,
    start_web,
    start_worker,
    stop,
    this_run_database_url,
    wait_for,
)

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


def _healthz(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _count(url: str, sql: str) -> int:
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_database_stopped_20_s(world, tmp_path):
    tokens = [access_token(user) for user in (world.customer_a, world.customer_a2)]
    body = {
        "organization": world.org_a.pk,
        "site": world.site_a.pk,
        "title": "Chiller alarm",
        "description": "High pressure alarm.",
    }
    postgres = PostgreSQL().init()
    redis = Redis(tmp_path / "redis").start()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    web = worker = None
    stop_clients, phase = threading.Event(), ["before"]
    try:
        url = postgres.copy_database(this_run_database_url(), "servicedesk")
        env = service_env(
            DATABASE_URL=url,
            REDIS_URL=redis.url(),
            TEST_MAIL_DIR=mail_dir,
            HEARTBEAT_INTERVAL=1,
            OUTBOX_RETRY_BASE=2,
            OUTBOX_RETRY_MAX=10,
            OUTBOX_LEASE_SECONDS=20,
        )
        port = free_port()
        web = start_web(env, tmp_path / "web.log", port)
        worker = start_worker(env, tmp_path / "worker.log", beat=True)
        assert wait_for(lambda: _healthz(port)[0] == 200, timeout=60, interval=1)
        threads, statuses, created = run_clients(
            f"http://127.0.0.1:{port}/api/v1/tickets/",
            tokens,
            body,
            stop_clients,
            threads=4,
            phase=phase,
        )
        time.sleep(5)
        phase[0] = "down"
        postgres.stop()
        stopped = time.monotonic()
        health_down = _healthz(port)
        while time.monotonic() - stopped < 20:
            time.sleep(1)
        phase[0] = "after"
        postgres.start()
        assert wait_for(lambda: statuses[("after", 201)] >= 5, timeout=60), statuses
        stop_clients.set()
        for thread in threads:
            thread.join(timeout=120)
        started = time.monotonic()

        def all_sent():
            return (
                _count(
                    url, "select count(*) from notifications_outboxmessage where status <> 'sent'"
                )
                == 0
            )

        assert wait_for(all_sent, timeout=120, interval=1), received(mail_dir)
        delivered_after = time.monotonic() - started
        assert web.poll() is None and worker.poll() is None  # nothing was restarted
        tickets = _count(url, "select count(*) from tickets_ticket")
        numbers = _count(url, "select count(distinct number) from tickets_ticket")
        outbox = _count(url, "select count(*) from notifications_outboxmessage")
        unmailed = _count(
            url, "select count(*) from notifications_notification where emailed_at is null"
        )
        health_after = _healthz(port)
    finally:
        stop_clients.set()
        stop(worker)
        stop(web)
        redis.stop()
        postgres.remove()
    assert not [
        status for _phase, status in statuses if str(status).startswith("5") and status != 503
    ], statuses  # 503 with its code and Retry-After only
    assert statuses[("down", 503)] > 0
    assert health_down[0] == 503 and "database" in health_down[1]["failed"], health_down
    assert health_after[0] == 200, health_after
    assert all(len(numbers) == 1 for numbers in created.values())
    assert tickets == numbers == len(created)  # one ticket per key, every 201 a ticket
    mail = received(mail_dir)
    assert mail["messages"] == outbox and unmailed == 0
    # A message handed to the mail server just as the database went away cannot be
    # marked sent; it goes again with the same Message-ID (at most one per sender).
    assert mail["sent_again"] <= 2
    record_counts(
        "database stopped 20 s",
        {
            "responses": {f"{key[0]} {key[1]}": n for key, n in sorted(statuses.items(), key=str)},
            "healthz_while_down": health_down[1]["failed"],
            "keys": len(created),
            "tickets": tickets,
            "outbox_messages": outbox,
            "all_delivered_after_s": round(delivered_after, 1),
            **mail,
        },
    )
