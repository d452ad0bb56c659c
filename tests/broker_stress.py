"""Stress of the embedded broker: N producer processes each send M tasks while one
worker (with embedded beat, which produces too) consumes; counts each task's effect.

    .venv/bin/python -m tests.broker_stress [sdfiles|filesystem] [producers] [tasks] \
        [padding] [pause]

runs it by hand (docs/decisions.md has the figures); tests/test_embedded_broker.py runs
it for the chosen transport."""

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.processes import ROOT, stop

QUEUE = "stress"


def _env(folder: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        {
            "CELERY_FILESYSTEM_DIR": str(folder / "broker"),
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "SERVICEDESK_VAR_DIR": str(folder / "var"),
            "DJANGO_DEBUG": "1",
        }
    )
    return env


def produce(
    scheme: str, count: int, prefix: str, effects: str, padding: int = 0, pause: float = 0.0
) -> None:
    """One producer process: `count` tasks through the embedded broker."""
    import django

    django.setup()
    from servicedesk.celery import app

    with app.connection_for_write(f"{scheme}://") as connection:
        for n in range(count):
            app.send_task(
                "tests.broker_tasks.record",
                args=[effects, f"{prefix}-{n}", "x" * padding],
                queue=QUEUE,
                connection=connection,
            )
            time.sleep(pause)  # paced: the worker keeps up and polls an almost empty queue


def run(
    folder: Path,
    *,
    scheme: str = "sdfiles",
    producers: int = 4,
    tasks: int = 1000,
    timeout: float = 240,
    padding: int = 0,
    pause: float = 0.0,
) -> dict:
    """Returns what happened: tasks sent, distinct effects, duplicates, whether the
    worker was alive at the end, seconds, and the worker's log."""
    effects = folder / "effects"
    effects.mkdir(parents=True)
    env = _env(folder)
    log = open(folder / "worker.log", "wb")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "servicedesk",
            "-b",
            f"{scheme}://",
            "worker",
            "--beat",
            f"--schedule={folder / 'beat-schedule'}",
            "-c",
            "2",
            "-Q",
            QUEUE,
            "--include",
            "tests.broker_tasks",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started = time.monotonic()
    try:
        senders = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.broker_stress",
                    "--produce",
                    scheme,
                    str(tasks),
                    f"p{n}",
                    str(effects),
                    str(padding),
                    str(pause),
                ],
                cwd=ROOT,
                env=env,
            )
            for n in range(producers)
        ]
        produced = [sender.wait(timeout=timeout) for sender in senders]
        expected = producers * tasks
        while time.monotonic() - started < timeout and worker.poll() is None:
            if len(list(effects.iterdir())) >= expected:
                break
            time.sleep(0.5)
        time.sleep(1)  # anything left would show up as a duplicate now
        alive = worker.poll() is None
    finally:
        stop(worker)
        log.close()
    duplicates = (
        (effects / "duplicates").read_text().split() if (effects / "duplicates").exists() else []
    )
    done = {path.name for path in effects.iterdir()} - {"duplicates"}
    return {
        "scheme": scheme,
        "sent": producers * tasks,
        "producers_ok": produced.count(0),
        "effects": len(done),
        "duplicates": len(duplicates),
        "worker_alive": alive,
        "seconds": round(time.monotonic() - started, 1),
        "log": (folder / "worker.log").read_text(errors="replace"),
    }


if __name__ == "__main__":
    if sys.argv[1] == "--produce":
        produce(
            sys.argv[2],
            int(sys.argv[3]),
            sys.argv[4],
            sys.argv[5],
            int(sys.argv[6]),
            float(sys.argv[7]),
        )
    else:
        import tempfile

        scheme = sys.argv[1] if len(sys.argv) > 1 else "sdfiles"
        producers = int(sys.argv[2]) if len(sys.argv) > 2 else 4
        tasks = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
        padding = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        pause = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
        with tempfile.TemporaryDirectory() as folder:
            result = run(
                Path(folder),
                scheme=scheme,
                producers=producers,
                tasks=tasks,
                padding=padding,
                pause=pause,
            )
            tail = result.pop("log")[-2000:]
            print(result)
            if not result["worker_alive"] or result["effects"] != result["sent"]:
                print(tail)
