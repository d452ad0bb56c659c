"""On PostgreSQL with real Celery workers: the generation task run twice, and by two
workers at once, creates exactly one inspection per plan and date."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from inspections.models import Inspection, MaintenanceTask
from inspections.services.generation import plan_dates
from tests.factories.inspections import (
    InspectionPlanFactory,
    MaintenancePlanFactory,
    standard_template,
)

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
HORIZON = 400


def _require_services():
    problems = []
    if connection.vendor != "postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        problems.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        except redis.RedisError:
            problems.append("Redis does not answer")
    if problems:
        message = "; ".join(problems)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return redis_url


@pytest.fixture
def workers():
    """Two worker processes on a queue of their own, using this test's database."""
    redis_url = _require_services()
    queue = f"test-inspections-{os.getpid()}"
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}"
        f"@{settings_dict['HOST']}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
    }
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
    processes = [
        subprocess.Popen(
            [*command, "-n", f"w{i}-{os.getpid()}@%h"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(2)
    ]
    client = Celery("inspections-test", broker=redis_url, backend=redis_url, set_as_current=False)
    client.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json")
    try:
        yield client, queue
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _run(client, queue, count: int) -> list:
    """`count` generate_due tasks sent at once; waits (bounded) for all of them."""
    results = [
        client.send_task(
            "inspections.tasks.generate_due", kwargs={"horizon_days": HORIZON}, queue=queue
        )
        for _ in range(count)
    ]
    return [result.get(timeout=120) for result in results]


def _rows():
    return sorted(Inspection.objects.values_list("plan_id", "scheduled_for"))


def test_generation_by_two_workers_at_once_creates_each_inspection_once(world, workers):
    client, queue = workers
    template = standard_template()
    plans = [
        InspectionPlanFactory(
            site=world.site_a,
            contract=world.contract_a,
            checklist_template=template,
            recurrence=recurrence,
            rrule=rule,
        )
        for recurrence, rule in [
            ("monthly", ""),
            ("quarterly", ""),
            ("rrule", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ]
        * 8
    ]
    MaintenancePlanFactory(equipment=world.equipment_a, interval_count=1, interval_unit="weeks")

    outcomes = _run(client, queue, 4)  # two workers, four runs: at least two of them overlap
    assert all(outcome["inspections"] >= 0 for outcome in outcomes)
    now = timezone.now()
    expected = sorted(
        (plan.pk, day)
        for plan in plans
        for day in plan_dates(plan, now=now, horizon_days=HORIZON, last=None)
    )
    assert len(expected) > 24 * 4
    assert _rows() == expected
    assert len(set(_rows())) == len(_rows())
    tasks = list(MaintenanceTask.objects.values_list("due_on", flat=True))
    assert len(tasks) == len(set(tasks)) > 50

    _run(client, queue, 2)  # and again later: nothing new
    assert _rows() == expected
    assert MaintenanceTask.objects.count() == len(tasks)
