"""The stock services: nearest stockroom, reservations, use on visits, release,
return, transfers, adjustments; every level equals its ledger afterwards."""

import pytest
from django.core.management import call_command

from servicedesk.errors import Conflict, InvalidTransition, PermissionDenied, ServiceError
from spareparts import selectors, services
from spareparts.models import Movement, ProcurementRequest, Reservation, Stock
from tests.factories.accounts import ServiceCenterFactory
from tests.factories.spareparts import PartFactory, StockroomFactory, make_ticket, make_visit

from .conftest import receive

pytestmark = pytest.mark.django_db
K = Movement.Kind


def level(part, room):
    stock = Stock.objects.get(part=part, stockroom=room)
    return stock.on_hand, stock.reserved


def assert_ledger_holds():
    assert selectors.ledger_mismatches() == []
    assert selectors.reservation_mismatches() == []


def test_reservation_comes_from_the_sites_own_centre_first(world, parts):
    receive(parts.part, parts.regional_room, 5)
    receive(parts.part, parts.local_room, 2)
    reservation = services.parts_reserve(
        visit=parts.visit, part=parts.part, quantity=2, actor=world.engineer1
    )
    assert reservation.stockroom == parts.local_room
    assert reservation.served_from_own_centre is True
    assert reservation.ticket == parts.ticket
    assert level(parts.part, parts.local_room) == (2, 2)
    assert_ledger_holds()


def test_reservation_falls_back_to_the_regional_parent_then_any_other(world, parts):
    receive(parts.part, parts.local_room, 1)
    receive(parts.part, parts.regional_room, 3)
    far_room = StockroomFactory(service_center=ServiceCenterFactory(kind="regional"))
    receive(parts.part, far_room, 10)
    first = services.parts_reserve(
        ticket=parts.ticket, part=parts.part, quantity=2, actor=world.dispatcher
    )
    assert (first.stockroom, first.served_from_own_centre) == (parts.regional_room, False)
    second = services.parts_reserve(
        ticket=parts.ticket, part=parts.part, quantity=2, actor=world.dispatcher
    )
    assert second.stockroom == far_room
    assert_ledger_holds()


def test_no_stockroom_has_it_refuses_and_raises_one_procurement_request(world, parts):
    receive(parts.part, parts.local_room, 1)
    for _ in range(3):
        with pytest.raises(Conflict):
            services.parts_reserve(
                visit=parts.visit, part=parts.part, quantity=2, actor=world.engineer1
            )
    request = ProcurementRequest.objects.get()
    assert (request.source, request.ticket, request.priority) == ("shortage", parts.ticket, "high")
    assert request.stockroom == parts.local_room
    assert not Reservation.objects.exists()
    assert level(parts.part, parts.local_room) == (1, 0)
    assert_ledger_holds()


@pytest.mark.parametrize(
    ("severity", "priority"), [("major", "high"), ("urgent", "medium"), ("general", "low")]
)
def test_shortage_priority_follows_severity(world, parts, severity, priority):
    ticket = make_ticket(site=world.site_a, severity=severity)
    with pytest.raises(Conflict):
        services.parts_reserve(ticket=ticket, part=parts.part, quantity=1, actor=world.dispatcher)
    assert ProcurementRequest.objects.get(ticket=ticket).priority == priority


def test_using_parts_on_a_visit_consumes_its_reservation_first(world, parts):
    receive(parts.part, parts.local_room, 5)
    services.parts_reserve(visit=parts.visit, part=parts.part, quantity=2, actor=world.engineer1)
    movements = services.parts_use_on_visit(
        visit=parts.visit, actor=world.engineer1, items=[{"part": parts.part, "quantity": 3}]
    )
    assert [(m.kind, m.quantity, m.reservation_id is not None) for m in movements] == [
        (K.ISSUE, 2, True),
        (K.ISSUE, 1, False),
    ]
    assert level(parts.part, parts.local_room) == (2, 0)
    assert Reservation.objects.get().status == Reservation.Status.USED
    assert selectors.parts_used_on_visit(parts.visit) == [
        {
            "part_id": parts.part.pk,
            "sku": "PSU-24",
            "name": "24 V power supply",
            "unit": "pcs",
            "quantity": 3,
        }
    ]
    assert_ledger_holds()


def test_use_is_all_or_nothing(world, parts):
    other = PartFactory()
    receive(parts.part, parts.local_room, 5)
    receive(other, parts.local_room, 1)
    before = Movement.objects.count()
    with pytest.raises(Conflict):
        services.parts_use_on_visit(
            visit=parts.visit,
            actor=world.engineer1,
            items=[{"part": parts.part, "quantity": 2}, {"part": other, "quantity": 2}],
        )
    assert Movement.objects.count() == before
    assert level(parts.part, parts.local_room) == (5, 0)


def test_release_for_visit_gives_back_what_was_not_used(world, parts):
    receive(parts.part, parts.local_room, 5)
    services.parts_reserve(visit=parts.visit, part=parts.part, quantity=3, actor=world.engineer1)
    services.parts_use_on_visit(
        visit=parts.visit, actor=world.engineer1, items=[{"part": parts.part, "quantity": 1}]
    )
    released = services.parts_release_for_visit(visit=parts.visit, actor=world.engineer1)
    assert [(m.kind, m.quantity) for m in released] == [(K.RELEASE, 2)]
    reservation = Reservation.objects.get()
    assert (reservation.used, reservation.released, reservation.status) == (1, 2, "used")
    assert level(parts.part, parts.local_room) == (4, 0)
    assert services.parts_release_for_visit(visit=parts.visit, actor=world.engineer1) == []
    assert_ledger_holds()


def test_return_is_limited_to_what_was_used(world, parts):
    receive(parts.part, parts.local_room, 5)
    services.parts_use_on_visit(
        visit=parts.visit, actor=world.engineer1, items=[{"part": parts.part, "quantity": 2}]
    )
    with pytest.raises(ServiceError) as refused:
        services.parts_return(visit=parts.visit, part=parts.part, quantity=3, actor=world.engineer1)
    assert refused.value.field == "quantity"
    movement = services.parts_return(
        visit=parts.visit, part=parts.part, quantity=2, actor=world.engineer1
    )
    assert (movement.kind, movement.stockroom) == (K.RETURN, parts.local_room)
    assert level(parts.part, parts.local_room) == (5, 0)
    assert selectors.parts_used_on_visit(parts.visit) == []
    assert_ledger_holds()


def test_closed_visit_refuses_parts(world, parts):
    receive(parts.part, parts.local_room, 5)
    visit = make_visit(ticket=parts.ticket, engineer=world.engineer1, status="completed")
    with pytest.raises(InvalidTransition):
        services.parts_use_on_visit(
            visit=visit, actor=world.engineer1, items=[{"part": parts.part, "quantity": 1}]
        )
    with pytest.raises(InvalidTransition):
        services.parts_reserve(visit=visit, part=parts.part, quantity=1, actor=world.engineer1)


def test_customers_cannot_move_stock(world, parts):
    with pytest.raises(PermissionDenied):
        services.stock_receive(
            part=parts.part, stockroom=parts.local_room, quantity=1, actor=world.customer_a
        )


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True])
def test_quantity_must_be_a_positive_whole_number(world, parts, quantity):
    with pytest.raises(ServiceError):
        services.stock_receive(
            part=parts.part, stockroom=parts.local_room, quantity=quantity, actor=None
        )
    assert not Movement.objects.exists()


def test_transfer_ships_into_transit_and_receives(world, parts):
    receive(parts.part, parts.regional_room, 6)
    transfer = services.transfer_ship(
        part=parts.part,
        from_stockroom=parts.regional_room,
        to_stockroom=parts.local_room,
        quantity=4,
        actor=world.manager,
    )
    assert transfer.status == "shipped"
    assert level(parts.part, parts.regional_room) == (2, 0)
    assert not Stock.objects.filter(part=parts.part, stockroom=parts.local_room).exists()
    services.transfer_receive(transfer=transfer, actor=world.dispatcher)
    assert level(parts.part, parts.local_room) == (4, 0)
    with pytest.raises(InvalidTransition):
        services.transfer_receive(transfer=transfer, actor=world.dispatcher)
    with pytest.raises(InvalidTransition):
        services.transfer_cancel(transfer=transfer, actor=world.dispatcher)
    assert level(parts.part, parts.local_room) == (4, 0)
    assert_ledger_holds()


def test_cancelled_transfer_returns_to_origin(world, parts):
    receive(parts.part, parts.regional_room, 6)
    transfer = services.transfer_ship(
        part=parts.part,
        from_stockroom=parts.regional_room,
        to_stockroom=parts.local_room,
        quantity=4,
        actor=world.manager,
    )
    services.transfer_cancel(transfer=transfer, actor=world.manager, reason="wrong part")
    assert level(parts.part, parts.regional_room) == (6, 0)
    assert_ledger_holds()


def test_cannot_ship_reserved_parts(world, parts):
    receive(parts.part, parts.regional_room, 3)
    services.parts_reserve(
        ticket=parts.ticket,
        part=parts.part,
        quantity=2,
        actor=world.manager,
        stockroom=parts.regional_room,
    )
    with pytest.raises(Conflict):
        services.transfer_ship(
            part=parts.part,
            from_stockroom=parts.regional_room,
            to_stockroom=parts.local_room,
            quantity=2,
            actor=world.manager,
        )
    assert level(parts.part, parts.regional_room) == (3, 2)


def test_adjustment_needs_a_reason_and_cannot_go_under_reserved(world, parts):
    receive(parts.part, parts.local_room, 3)
    stock = Stock.objects.get(part=parts.part, stockroom=parts.local_room)
    with pytest.raises(ServiceError):
        services.stock_adjust(stock=stock, delta=-1, reason=" ", actor=world.manager)
    services.parts_reserve(ticket=parts.ticket, part=parts.part, quantity=2, actor=world.manager)
    with pytest.raises(Conflict):
        services.stock_adjust(stock=stock, delta=-2, reason="count", actor=world.manager)
    movement = services.stock_adjust(
        stock=stock, delta=-1, reason="broken in store", actor=world.manager
    )
    assert (movement.on_hand_delta, movement.quantity) == (-1, 1)
    assert level(parts.part, parts.local_room) == (2, 2)
    assert_ledger_holds()


def test_movements_are_append_only(world, parts):
    movement = receive(parts.part, parts.local_room, 3)
    movement.reason = "rewritten"
    with pytest.raises(TypeError):
        movement.save()
    with pytest.raises(TypeError):
        movement.delete()
    with pytest.raises(TypeError):
        Movement.objects.filter(pk=movement.pk).update(quantity=99)
    with pytest.raises(TypeError):
        Movement.objects.all().delete()
    assert Movement.objects.get(pk=movement.pk).reason == "test"


def test_database_refuses_negative_stock_even_without_the_services(world, parts):
    from django.db import IntegrityError, transaction

    receive(parts.part, parts.local_room, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(part=parts.part).update(on_hand=-1, reserved=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(part=parts.part).update(reserved=2)


def test_verify_command_reports_a_level_that_left_its_ledger(world, parts):
    receive(parts.part, parts.local_room, 3)
    call_command("verify_stock_ledger")
    Stock.objects.filter(part=parts.part).update(on_hand=7)  # a write that bypassed the ledger
    with pytest.raises(SystemExit) as exited:
        call_command("verify_stock_ledger")
    assert exited.value.code == 1
