"""Procurement requests: one automatic request when stock falls under its reorder
point (not one per movement, not one per sweep), manual requests and their statuses."""

import datetime

import pytest
from django.utils import timezone

from servicedesk.errors import InvalidTransition, ServiceError
from spareparts import services, tasks
from spareparts.models import Movement, ProcurementRequest, Stock
from tests.factories.spareparts import PartFactory, StockroomFactory

from .conftest import receive

pytestmark = pytest.mark.django_db


def _stock(parts, on_hand=10, reorder_point=5, reorder_quantity=20):
    receive(parts.part, parts.local_room, on_hand)
    Stock.objects.filter(part=parts.part, stockroom=parts.local_room).update(
        reorder_point=reorder_point, reorder_quantity=reorder_quantity
    )
    return Stock.objects.get(part=parts.part, stockroom=parts.local_room)


def test_falling_under_the_reorder_point_raises_one_request_not_one_per_movement(world, parts):
    _stock(parts)
    for _ in range(4):  # available 10 → 8 → 6 → 4 → 2: two movements under the point
        services.parts_reserve(
            visit=parts.visit, part=parts.part, quantity=2, actor=world.engineer1
        )
    services.parts_use_on_visit(
        visit=parts.visit, actor=world.engineer1, items=[{"part": parts.part, "quantity": 1}]
    )
    request = ProcurementRequest.objects.get()
    assert (request.source, request.quantity, request.stockroom, request.status) == (
        "reorder",
        20,
        parts.local_room,
        "requested",
    )
    assert request.expected_on == timezone.localdate() + datetime.timedelta(
        days=parts.part.lead_time_days
    )


def test_a_new_request_only_after_the_open_one_is_closed(world, parts):
    _stock(parts, on_hand=3)  # under the point from the first receipt (receipts do not raise)
    assert tasks.check_reorder_points() == 1
    assert tasks.check_reorder_points() == 0  # the sweep is idempotent
    request = ProcurementRequest.objects.get()
    services.procurement_cancel(request=request, actor=world.manager, reason="supplier changed")
    assert tasks.check_reorder_points() == 1
    assert ProcurementRequest.objects.filter(status="requested").count() == 1


def test_the_database_allows_one_open_automatic_request_per_part_and_stockroom(world, parts):
    from django.db import IntegrityError, transaction

    fields = {"part": parts.part, "stockroom": parts.local_room, "quantity": 1, "source": "reorder"}
    ProcurementRequest.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcurementRequest.objects.create(**fields)
    ProcurementRequest.objects.create(
        **{**fields, "source": "manual"}
    )  # by hand is always possible


def test_sweep_ignores_stock_at_or_above_its_point(world, parts):
    _stock(parts, on_hand=5, reorder_point=5)
    other = PartFactory()
    receive(other, StockroomFactory(), 1)
    assert tasks.check_reorder_points() == 0
    assert not ProcurementRequest.objects.exists()


def test_order_then_receive_books_a_receipt_into_the_chosen_stockroom(world, parts):
    request = services.procurement_create(
        actor=world.manager,
        part=parts.part,
        quantity=7,
        stockroom=parts.local_room,
        priority="high",
    )
    assert (request.source, request.vendor) == ("manual", "ACME Parts")
    services.procurement_order(
        request=request, actor=world.manager, expected_on=datetime.date(2030, 1, 2)
    )
    request, movement = services.procurement_receive(
        request=request, actor=world.manager, stockroom=parts.regional_room
    )
    assert (request.status, request.stockroom) == ("received", parts.regional_room)
    assert (movement.kind, movement.quantity, movement.procurement_id) == ("receipt", 7, request.pk)
    assert Stock.objects.get(part=parts.part, stockroom=parts.regional_room).on_hand == 7
    with pytest.raises(InvalidTransition):
        services.procurement_receive(request=request, actor=world.manager)
    with pytest.raises(InvalidTransition):
        services.procurement_cancel(request=request, actor=world.manager, reason="late")
    assert Movement.objects.count() == 1


def test_receiving_without_a_stockroom_is_refused_and_changes_nothing(world, parts):
    request = services.procurement_create(actor=world.manager, part=parts.part, quantity=7)
    with pytest.raises(ServiceError) as refused:
        services.procurement_receive(request=request, actor=world.manager)
    assert refused.value.field == "stockroom"
    request.refresh_from_db()
    assert request.status == "requested"
    assert not Movement.objects.exists()
