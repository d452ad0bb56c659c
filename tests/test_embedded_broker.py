"""The embedded broker (no REDIS_URL; servicedesk.broker) with real processes (issue 11;
marker `service`): 4 producer processes × 1,000 tasks while a worker with embedded beat
consumes; and `make run`'s supervisor starting the worker again after a kill -9."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests import broker_stress
from tests.processes import ROOT, record_counts, wait_for

pytestmark = pytest.mark.service


def test_the_embedded_broker_under_4_producers_of_1000_tasks_each(tmp_path):
    # paced producers and 2 KB messages: the worker keeps up and reads a queue that is
    # being written, where kombu's own file-system channel reads half-written files
    result = broker_stress.run(
        tmp_path, producers=4, tasks=1000, padding=2000, pause=0.002, timeout=300
    )
    log = result.pop("log")
    record_counts("embedded broker, 4 producers x 1,000 tasks", result)
    assert result["producers_ok"] == 4, log[-3000:]
    assert result["worker_alive"], log[-3000:]
    assert result["effects"] == 4000 and result["duplicates"] == 0, log[-3000:]
    assert "Unrecoverable error" not in log


class Console:
    """The supervisor's console, read line by line."""

    def __init__(self, process):
        self.lines, self.process = [], process
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.decode(errors="replace").rstrip())

    def started_pids(self) -> list[int]:
        marker = "Celery worker started (pid "
        return [int(line.split(marker)[1].split(")")[0]) for line in self.lines if marker in line]

    def text(self) -> str:
        return "\n".join(self.lines)


def _task_runs(broker, folder, token: str) -> bool:
    """Send one task through the test's own embedded broker folder; wait for its effect."""
    from servicedesk.celery import app

    options = {
        "data_folder_in": str(broker / "out"),
        "data_folder_out": str(broker / "out"),
        "control_folder": str(broker / "control"),
        "processed_folder": str(broker / "processed"),
    }
    for path in options.values():
        os.makedirs(path, exist_ok=True)
    with app.connection_for_write("sdfiles://", transport_options=options) as connection:
        app.send_task(
            "tests.broker_tasks.record",
            args=[str(folder), token],
            queue=broker_stress.QUEUE,
            connection=connection,
        )
    return wait_for(lambda: (folder / token).exists(), timeout=60)


def test_the_supervisor_of_make_run_starts_a_killed_worker_again(tmp_path):
    env = broker_stress._env(tmp_path)
    effects = tmp_path / "effects"
    effects.mkdir()
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            f"--schedule={tmp_path / 'schedule'}",
            "--restart-delay=0.5",
            "--",
            "-P",
            "solo",
            "-Q",
            broker_stress.QUEUE,
            "--include",
            "tests.broker_tasks",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    console = Console(supervisor)
    try:
        assert wait_for(lambda: console.started_pids(), timeout=60), console.text()
        assert _task_runs(tmp_path / "broker", effects, "before"), console.text()
        first = console.started_pids()[0]
        os.kill(first, signal.SIGKILL)
        killed = time.monotonic()
        assert wait_for(lambda: len(console.started_pids()) == 2, timeout=60), console.text()
        restarted_after = time.monotonic() - killed
        assert f"Celery worker (pid {first}) exited with code -9" in console.text()
        assert "starting it again" in console.text()
        assert _task_runs(tmp_path / "broker", effects, "after"), console.text()
    finally:
        supervisor.send_signal(signal.SIGTERM)
        try:
            supervisor.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(supervisor.pid, signal.SIGKILL)
            supervisor.wait(timeout=10)
    assert "Celery worker supervisor stopped." in console.text()
    record_counts(
        "make run supervisor",
        {
            "worker_restarts": len(console.started_pids()) - 1,
            "restarted_after_s": round(restarted_after, 1),
        },
    )
