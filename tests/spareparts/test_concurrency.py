"""On PostgreSQL: 50 concurrent reservations of a part with 10 on hand give exactly 10
successes and 40 refusals; stock never goes negative and the ledger equals the levels."""

import os
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from servicedesk.errors import Conflict
from spareparts import services
from spareparts.models import Movement, ProcurementRequest, Reservation, Stock
from tests.factories.spareparts import PartFactory, StockroomFactory, make_ticket, make_visit

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]
THREADS = 50


@pytest.fixture(autouse=True)
def _require_postgresql():
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is required in CI (set DATABASE_URL)")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def _run_concurrently(work, count):
    barrier = threading.Barrier(count)
    results = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=30)
            outcome = work()
        except Exception as exc:  # every outcome is recorded, unexpected ones fail below
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_fifty_concurrent_reservations_of_ten_parts(world):
    room = StockroomFactory(service_center=world.local)
    part = PartFactory()
    services.stock_receive(part=part, stockroom=room, quantity=10, actor=None)
    Stock.objects.filter(part=part).update(reorder_point=3, reorder_quantity=10)
    ticket = make_ticket(site=world.site_a)
    visit = make_visit(ticket=ticket, engineer=world.engineer1)

    results = _run_concurrently(
        lambda: services.parts_reserve(visit=visit, part=part, quantity=1, actor=world.engineer1), THREADS)

    successes = [r for r in results if isinstance(r, Reservation)]
    refusals = [r for r in results if isinstance(r, Conflict)]
    assert len(results) == THREADS
    assert (len(successes), len(refusals)) == (10, 40), [r for r in results if not isinstance(r, Reservation)][:3]
    assert all(r.code == "out_of_stock" for r in refusals)
    stock = Stock.objects.get(part=part, stockroom=room)
    assert (stock.on_hand, stock.reserved) == (10, 10)
    assert Movement.objects.filter(kind="reservation").count() == 10
    # one reorder request (not one per movement) and one shortage request (not one per refusal)
    assert ProcurementRequest.objects.filter(source="reorder").count() == 1
    assert ProcurementRequest.objects.filter(source="shortage", ticket=ticket).count() == 1
    call_command("verify_stock_ledger")  # exits 1 if a level differs from its ledger


def test_concurrent_issues_never_drive_stock_negative(world):
    room = StockroomFactory(service_center=world.local)
    part = PartFactory()
    services.stock_receive(part=part, stockroom=room, quantity=7, actor=None)
    ticket = make_ticket(site=world.site_a)
    visits = [make_visit(ticket=ticket, engineer=world.engineer1) for _ in range(20)]
    queue = list(visits)
    lock = threading.Lock()

    def use():
        with lock:
            visit = queue.pop()
        return services.parts_use_on_visit(visit=visit, actor=world.engineer1, items=[{"part": part, "quantity": 2}])

    results = _run_concurrently(use, len(visits))
    assert sum(isinstance(r, list) for r in results) == 3
    assert sum(isinstance(r, Conflict) for r in results) == 17
    assert Stock.objects.get(part=part, stockroom=room).on_hand == 1
    call_command("verify_stock_ledger")
