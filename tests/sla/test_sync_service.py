"""On PostgreSQL: the sweep's breach moves the ticket (sync), so it locks the ticket
before its clocks, as the ticket services do. A ticket held by a service is skipped
without waiting (no deadlock, no blocked sweep) and breached by the next run."""

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction

from sla.models import Clock
from sla.services import sweep
from tests.concurrency import require_postgresql
from tests.factories.sla import report
from tests.sla.conftest import cst
from tickets.models import Ticket

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]
REPORTED = cst(2026, 3, 2, 10, 0)


def test_a_ticket_held_by_a_service_is_skipped_and_breached_next_time(world):
    require_postgresql()
    held, other = report(site=world.site_a, at=REPORTED), report(site=world.site_a, at=REPORTED)
    locked, release = threading.Event(), threading.Event()

    def service():  # a ticket use case in progress: the ticket row is locked
        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=service)
    thread.start()
    assert locked.wait(timeout=30)
    try:
        first = sweep(now=REPORTED + 2 * timedelta(hours=1))
    finally:
        release.set()
        thread.join(timeout=30)
    assert first.breached == 2  # the other ticket's triage and response
    assert set(Clock.objects.filter(breached=True).values_list("ticket_id", flat=True)) == {
        other.pk
    }
    assert sweep(now=REPORTED + 3 * timedelta(hours=1)).breached == 2
    assert Clock.objects.filter(ticket=held, breached=True).count() == 2
