"""On PostgreSQL: 50 concurrent reservations of a part with 10 on hand give exactly 10
successes and 40 refusals; stock never goes negative and the ledger equals the levels."""

import pytest
from django.core.management import call_command

from servicedesk.errors import Conflict
from spareparts import services
from spareparts.models import Movement, ProcurementRequest, Reservation, Stock
from tests.concurrency import require_postgresql, run_together
from tests.factories.spareparts import PartFactory, StockroomFactory, make_ticket, make_visit

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]
THREADS = 50


@pytest.fixture(autouse=True)
def _postgresql():
    require_postgresql()


def test_fifty_concurrent_reservations_of_ten_parts(world):
    room = StockroomFactory(service_center=world.local)
    part = PartFactory()
    services.stock_receive(part=part, stockroom=room, quantity=10, actor=None)
    Stock.objects.filter(part=part).update(reorder_point=3, reorder_quantity=10)
    ticket = make_ticket(site=world.site_a)
    visit = make_visit(ticket=ticket, engineer=world.engineer1)

    results = run_together(
        THREADS,
        lambda i: services.parts_reserve(visit=visit, part=part, quantity=1, actor=world.engineer1),
    )

    successes = [r for r in results if isinstance(r, Reservation)]
    refusals = [r for r in results if isinstance(r, Conflict)]
    assert len(results) == THREADS
    assert (len(successes), len(refusals)) == (10, 40), [
        r for r in results if not isinstance(r, Reservation)
    ][:3]
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

    def use(i):
        visit = visits[i]
        return services.parts_use_on_visit(
            visit=visit, actor=world.engineer1, items=[{"part": part, "quantity": 2}]
        )

    results = run_together(len(visits), use)
    assert sum(isinstance(r, list) for r in results) == 3
    assert sum(isinstance(r, Conflict) for r in results) == 17
    assert Stock.objects.get(part=part, stockroom=room).on_hand == 1
    call_command("verify_stock_ledger")
