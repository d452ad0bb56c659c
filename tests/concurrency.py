"""Shared pieces of the PostgreSQL concurrency tests (marker `service`)."""

import os
import threading

import pytest
from django.db import connection, connections


def require_postgresql():
    """Concurrency is only real on PostgreSQL: skip elsewhere, fail in CI."""
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is required in CI (set DATABASE_URL)")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def run_together(count, work):
    """Start `count` threads that call work(i) at the same moment, each on its own
    connection; returns what each returned or raised, in thread order."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results
