"""A real Celery worker process runs tasks through Redis and through the embedded
file-system broker (results come back through a result backend set for the test)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

pytestmark = pytest.mark.service
ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")


def _require_redis():
    if REDIS_URL:
        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
            return
        except OSError:
            pass
    if os.environ.get("CI") == "true":
        pytest.fail("Redis is required in CI (set REDIS_URL)")
    pytest.skip("Redis not available")


def _start_worker(env, queue):
    command = [
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
        queue,
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def _stop(worker):
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()


def _client(broker, backend, transport_options=None):
    app = Celery("servicedesk-test", broker=broker, backend=backend, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        broker_transport_options=transport_options or {},
    )
    return app


def test_worker_runs_a_task_through_redis():
    _require_redis()
    queue = f"test-redis-{os.getpid()}"
    env = {**os.environ, "CELERY_RESULT_BACKEND": REDIS_URL, "REDIS_URL": REDIS_URL}
    worker = _start_worker(env, queue)
    try:
        result = _client(REDIS_URL, REDIS_URL).send_task(
            "servicedesk.tasks.ping", args=["via redis"], queue=queue
        )
        assert result.get(timeout=60) == "via redis"
    finally:
        _stop(worker)


def test_worker_runs_a_task_through_the_filesystem_broker(tmp_path):
    folder = tmp_path / "broker"
    backend = f"file://{tmp_path / 'results'}"
    (tmp_path / "results").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        {
            "CELERY_FILESYSTEM_DIR": str(folder),
            "CELERY_RESULT_BACKEND": backend,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    queue = f"test-fs-{os.getpid()}"
    worker = _start_worker(env, queue)
    try:
        options = {
            "data_folder_in": str(folder / "out"),
            "data_folder_out": str(folder / "out"),
            "control_folder": str(folder / "control"),
            "processed_folder": str(folder / "processed"),
        }
        for path in options.values():
            Path(path).mkdir(parents=True, exist_ok=True)
        app = _client("filesystem://", backend, options)
        started = time.monotonic()
        result = app.send_task("servicedesk.tasks.ping", args=["via files"], queue=queue)
        assert result.get(timeout=60) == "via files"
        assert time.monotonic() - started < 60
    finally:
        _stop(worker)
