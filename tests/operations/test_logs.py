"""Structured logs: one JSON object per line in production with the request id, the
user, method, path, status and duration; readable lines in development; and the
request id follows the work into the Celery tasks the request caused."""

import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from operations import requestid
from operations.logs import JsonFormatter, RequestIdFilter, TextFormatter
from servicedesk.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")
WORKER_METRICS_PORT = 8192


def report(world):
    return {
        "title": "Pump station alarm",
        "description": "泵站报警",
        "urgency": "high",
        "site": world.site_a.pk,
        "equipment": world.equipment_a.pk,
    }


def test_access_log_line_is_json_with_request_user_status_and_duration(world, api, caplog):
    caplog.set_level(logging.INFO, logger="servicedesk.request")
    client = api.as_user(world.customer_a)
    response = client.post(
        "/api/v1/tickets/", report(world), format="json", HTTP_X_REQUEST_ID="req-from-proxy-0001"
    )
    assert response.status_code == 201
    [record] = [r for r in caplog.records if r.name == "servicedesk.request"]
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "req-from-proxy-0001" == response["X-Request-ID"]
    assert entry["user_id"] == world.customer_a.pk
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/api/v1/tickets/", 201)
    assert (
        entry["view"] == "api:ticket-list" and entry["duration_ms"] > 0 and entry["db_queries"] > 0
    )
    assert entry["level"] == "INFO" and entry["logger"] == "servicedesk.request"


def test_text_format_is_one_readable_line():
    token = requestid.current.set("abc123def456")
    try:
        record = logging.LogRecord(
            "servicedesk.request", logging.INFO, __file__, 1, "GET %s", ("/x",), None
        )
        record.status = 200
        line = TextFormatter().format(record)
    finally:
        requestid.current.reset(token)
    assert line.endswith("INFO    servicedesk.request [abc123def456] GET /x status=200")


def test_exceptions_stay_on_one_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]


def test_settings_choose_json_in_production_and_text_in_development():
    from django.conf import settings

    assert settings.LOG_FORMAT == "json"  # the suite runs with DEBUG off
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    env = {**os.environ, "DJANGO_DEBUG": "1"}
    code = "from django.conf import settings; print(settings.LOG_FORMAT)"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "text"


def test_a_task_published_during_a_request_carries_its_id_in_the_headers():
    headers = {}
    token = requestid.current.set("req-publishing-1")
    try:
        requestid._add_to_headers(headers=headers)
    finally:
        requestid.current.reset(token)
    assert headers == {"request_id": "req-publishing-1"}


# --- a real worker: its JSON line for the task carries the request's id -------------


def _wait_for_line(path: Path, predicate, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for raw in path.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if predicate(entry):
                return entry
        time.sleep(0.3)
    raise AssertionError(f"no such line in the worker's log:\n{path.read_text()[-3000:]}")


@pytest.fixture
def json_worker(tmp_path):
    if connection.vendor != "postgresql" or not REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL and Redis are required (DATABASE_URL, REDIS_URL)")
        pytest.skip("needs PostgreSQL and Redis")
    db = connection.settings_dict
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "LOG_FORMAT": "json",
        "DJANGO_DEBUG": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
    }
    env.pop("EMAIL_URL", None)
    env.update(
        WORKER_METRICS_PORT=str(WORKER_METRICS_PORT),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    (tmp_path / "metrics").mkdir()
    celery_app.control.purge()
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
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
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.service
@pytest.mark.django_db(transaction=True)
def test_the_workers_json_line_for_a_task_carries_the_id_of_the_request_that_caused_it(
    world, api, json_worker
):
    request_id = f"req-{uuid.uuid4().hex}"
    previous = celery_app.conf.task_always_eager
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=False)
    try:
        response = api.as_user(world.customer_a).post(
            "/api/v1/tickets/", report(world), format="json", HTTP_X_REQUEST_ID=request_id
        )
    finally:
        celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=previous)
    assert response.status_code == 201
    entry = _wait_for_line(
        json_worker,
        lambda e: e.get("logger") == "servicedesk.task"
        and e.get("state") == "SUCCESS"
        and e.get("request_id") == request_id,
    )
    assert entry["task"].startswith("notifications.") and entry["duration_ms"] >= 0
    # The worker's own metrics endpoint counted the task.
    with urllib.request.urlopen(f"http://127.0.0.1:{WORKER_METRICS_PORT}/metrics", timeout=10) as r:
        exposed = r.read().decode()
    assert f'servicedesk_celery_tasks_total{{state="SUCCESS",task="{entry["task"]}"}}' in exposed
    unrelated = _wait_for_line(json_worker, lambda e: e.get("logger") == "servicedesk.task")
    assert unrelated["request_id"]  # every task line has an id
