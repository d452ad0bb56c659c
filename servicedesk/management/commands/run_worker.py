"""`python manage.py run_worker [-- celery worker options]`: the Celery worker with
embedded beat, supervised (what `make run` starts). Whenever the worker exits it is
started again, after a pause that grows while it keeps failing at once, and the
console says so. Ctrl-C or SIGTERM stops the worker and the supervisor."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

QUICK_EXIT = 60  # a worker that ran shorter than this counts as failing at start
MAX_DELAY = 60
GRACE = 30  # seconds a stopping worker has to finish its tasks


class Command(BaseCommand):
    help = "Run the Celery worker with beat and start it again whenever it exits."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", default="var/celerybeat-schedule", help="beat's schedule file"
        )
        parser.add_argument("--concurrency", default="1")
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument(
            "--restart-delay", type=float, default=2.0, help="seconds before the first restart"
        )
        parser.add_argument(
            "celery_args", nargs="*", help="more `celery worker` options (after --)"
        )

    def handle(self, *args, **options):
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "servicedesk",
            "worker",
            "--beat",
            f"--schedule={options['schedule']}",
            f"--concurrency={options['concurrency']}",
            f"--loglevel={options['loglevel']}",
            *options["celery_args"],
        ]
        self.stopping = False
        self.child = None
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        delay, restarts = options["restart_delay"], 0
        while not self.stopping:
            started = time.monotonic()
            # Its own process group: what it leaves behind (embedded beat, pool
            # processes) is stopped with it before a restart.
            self.child = subprocess.Popen(command, start_new_session=True)
            self._say(f"Celery worker started (pid {self.child.pid}).")
            code = self._wait()
            self._kill_group()
            if self.stopping:
                break
            restarts += 1
            ran = time.monotonic() - started
            delay = options["restart_delay"] if ran > QUICK_EXIT else min(delay * 2, MAX_DELAY)
            self._say(
                f"Celery worker (pid {self.child.pid}) exited with code {code} after "
                f"{ran:.0f} s; starting it again in {delay:.0f} s (restart {restarts}).",
                error=True,
            )
            deadline = time.monotonic() + delay
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(0.2)
        self._say("Celery worker supervisor stopped.")

    def _say(self, text: str, *, error: bool = False) -> None:
        stream = self.stderr if error else self.stdout
        stream.write(text)
        stream.flush()

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.child.pid, signal.SIGKILL)

    def _wait(self) -> int:
        """Wait for the worker; once a stop was asked for, give it GRACE seconds for a
        warm shutdown (running tasks finish), then kill it."""
        while True:
            try:
                return self.child.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if self.stopping and time.monotonic() - self.stop_asked > GRACE:
                    self.child.kill()

    def _stop(self, signum, frame):
        # Only flags and forwards: the main loop waits for the worker.
        if not self.stopping:
            self.stopping, self.stop_asked = True, time.monotonic()
            if self.child is not None and self.child.poll() is None:
                self.child.send_signal(signal.SIGTERM)
