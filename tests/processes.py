"""Real processes for the service tests that stop and kill things (issue 11): each test
starts what it kills on free ports of 127.0.0.1 (its own Redis, its own PostgreSQL,
its own worker and web processes) and stops them afterwards."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def fail_or_skip(problem: str):
    if os.environ.get("CI") == "true":
        pytest.fail(problem)
    pytest.skip(problem)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def this_run_database_url() -> str:
    """The URL of the database pytest-django made for this run (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        fail_or_skip("PostgreSQL is required (set DATABASE_URL)")
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Redis:
    """A Redis server of the test's own, without persistence (a restart loses the queue,
    as a crashed broker may)."""

    def __init__(self, folder: Path):
        if not shutil.which("redis-server"):
            fail_or_skip("redis-server is not installed")
        self.folder, self.port, self.process = folder, free_port(), None
        folder.mkdir(parents=True, exist_ok=True)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "Redis":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, timeout=20), "Redis did not start"
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


class PostgreSQL:
    """A PostgreSQL cluster of the test's own (initdb + pg_ctl as the `postgres` OS
    user), filled with a copy of the test database, so that the test can stop it."""

    def __init__(self):
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not binaries or os.geteuid() != 0 or not shutil.which("runuser"):
            fail_or_skip("a PostgreSQL cluster of the test's own needs root, runuser and pg_ctl")
        self.bin = binaries[-1].parent
        # pytest's tmp_path is private to root; the cluster's folder belongs to postgres
        self.folder = Path(tempfile.mkdtemp(prefix="servicedesk-pg-"))
        shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.port = free_port()

    def _as_postgres(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=check,
            capture_output=True,
            text=True,
            timeout=120,
            cwd="/",
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self) -> "PostgreSQL":
        self._as_postgres(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )
        return self.start()

    def start(self) -> "PostgreSQL":
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
        )
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False
        )

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def copy_database(self, source_url: str, name: str) -> str:
        """Create `name` here with the schema and rows of `source_url`."""
        subprocess.run(
            [
                str(self.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                name,
            ],
            check=True,
            timeout=60,
        )
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "-Fc", "--no-owner", source_url],
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout
        subprocess.run(
            [str(self.bin / "pg_restore"), "--no-owner", "-d", self.url(name)],
            input=dump,
            check=True,
            capture_output=True,
            timeout=120,
        )
        return self.url(name)


def service_env(**values) -> dict:
    """The environment of a worker or web process of these tests."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "EMAIL_BACKEND": "tests.mail_backend.MessageFileBackend",
        }
    )
    env.pop("EMAIL_URL", None)
    env.update({key: str(value) for key, value in values.items()})
    return env


def start_worker(
    env: dict, log: Path, *, beat: bool = False, concurrency: int = 2, extra: tuple = ()
) -> subprocess.Popen:
    """A Celery worker in its own process group (so a test can kill -9 all of it)."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "servicedesk",
        "worker",
        "-c",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
        *extra,
    ]
    if beat:
        command += ["--beat", f"--schedule={log.with_suffix('.schedule')}"]
    with open(log, "ab") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_web(env: dict, log: Path, port: int) -> subprocess.Popen:
    """gunicorn serving the app as production does (2 workers, 4 threads each)."""
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "servicedesk.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--threads",
                "4",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def answers():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
        except urllib.error.HTTPError:
            return True  # it answers (503 until the heartbeats are fresh)
        except OSError:
            return False
        return True

    assert wait_for(answers, timeout=60), "gunicorn did not start"
    return process


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    """kill -9 (by default) of the process and every child it started."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    process.wait(timeout=30)


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill_group(process)
    except ProcessLookupError:
        pass


def record_counts(test: str, counts: dict) -> None:
    folder = settings.BASE_DIR / "var" / "test"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "delivery-counts.jsonl", "a") as handle:
        handle.write(json.dumps({"test": test, **counts}) + "\n")
    print(f"\n{test}: {counts}")


# --- HTTP clients ----------------------------------------------------------------------
def post_json(url: str, token: str, key: str, body: dict) -> tuple[int, dict, str | None]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}"), None
    except urllib.error.HTTPError as error:
        payload, retry_after = error.read(), error.headers.get("Retry-After")
        try:
            return error.code, json.loads(payload or b"{}"), retry_after
        except ValueError:
            return error.code, {"raw": payload[:200].decode(errors="replace")}, retry_after
    except OSError:
        return 0, {}, None  # no answer: the client retries with the same key


def run_clients(
    url: str,
    tokens: list[str],
    body: dict,
    stop_at: threading.Event,
    threads: int,
    phase: list | None = None,
):
    """Each thread creates tickets, one Idempotency-Key per ticket, retrying a key until
    it gets a 201 and sending every third one again to check the replay. `statuses`
    counts (phase, status); a 503 is counted apart when it lacks the JSON code or
    Retry-After."""
    statuses, created, lock = Counter(), {}, threading.Lock()
    phase = phase if phase is not None else ["run"]

    def run(n):
        token = tokens[n % len(tokens)]
        while not stop_at.is_set():
            key = uuid.uuid4().hex
            for _attempt in range(120):
                status, data, retry_after = post_json(url, token, key, body)
                if status == 503 and (data.get("code") != "service_unavailable" or not retry_after):
                    status = "503 without code or Retry-After"
                with lock:
                    statuses[(phase[0], status)] += 1
                if status == 201:
                    with lock:
                        created.setdefault(key, set()).add(data["number"])
                        replay = len(created) % 3 == 0
                    if replay:
                        again, data, _ = post_json(url, token, key, body)
                        with lock:
                            statuses[(phase[0], f"replay {again}")] += 1
                            if again == 201:  # a replay during an outage may be a 503
                                created[key].add(data.get("number"))
                    break
                time.sleep(0.5)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    return workers, statuses, created
