"""Demo spare parts: a catalogue fitting the demo PLC and UPS, a stockroom in each
centre, stock in both (the UPS battery under its reorder point, with its automatic
procurement request), a reservation on the open visit and a part used on the
completed one. Idempotent: every step checks what exists first."""

from django.db import transaction

from tickets.models import Visit

from . import services
from .models import Movement, Part, Reservation, Stock, Stockroom

PARTS = [
    # sku, name, unit, model key, critical, unit cost, vendor
    (
        "PLC-PS-24V",
        "PLC 电源模块 24 V power supply",
        "pcs",
        "model_plc",
        True,
        "860.00",
        "Siemens China",
    ),
    (
        "PLC-IO-X1",
        "I/O 端子连接器 terminal connector",
        "pcs",
        "model_plc",
        False,
        "45.00",
        "Siemens China",
    ),
    (
        "CAB-FAN-120",
        "机柜风扇 cabinet fan 120 mm",
        "pcs",
        "model_plc",
        False,
        "120.00",
        "ebm-papst",
    ),
    ("UPS-BAT-12V", "UPS 蓄电池 12 V battery", "pcs", "model_ups", True, "540.00", "Eaton Service"),
    ("UPS-FUSE-63A", "UPS 熔断器 fuse 63 A", "pcs", "model_ups", False, "38.00", "Eaton Service"),
]
# sku -> (local on hand, regional on hand, reorder point, reorder quantity)
LEVELS = {
    "PLC-PS-24V": (3, 10, 2, 4),
    "PLC-IO-X1": (12, 40, 4, 20),
    "CAB-FAN-120": (4, 8, 1, 4),
    "UPS-BAT-12V": (1, 8, 4, 8),  # under its reorder point: an automatic procurement request
    "UPS-FUSE-63A": (20, 50, 5, 20),
}


def _parts(ctx):
    parts = {}
    for sku, name, unit, model_key, critical, cost, vendor in PARTS:
        part, created = Part.objects.get_or_create(
            sku=sku,
            defaults={
                "name": name,
                "unit": unit,
                "critical": critical,
                "unit_cost": cost,
                "vendor": vendor,
            },
        )
        if created:
            part.compatible_models.add(ctx[model_key])
        parts[sku] = part
    return parts


def _stockroom(centre, name):
    room, _ = Stockroom.objects.get_or_create(service_center=centre, defaults={"name": name})
    return room


def _stock(part, room, on_hand, point, quantity, manager):
    if Stock.objects.filter(part=part, stockroom=room).exists():
        return
    services.stock_receive(
        part=part, stockroom=room, quantity=on_hand, actor=manager, reason="Initial stock"
    )
    Stock.objects.filter(part=part, stockroom=room).update(
        reorder_point=point, reorder_quantity=quantity, minimum=max(point - 1, 0)
    )
    services.raise_for_reorder_point(stock_id=Stock.objects.get(part=part, stockroom=room).pk)


def _reserve_on_open_visit(ctx, parts):
    visit = (
        Visit.objects.filter(
            ticket__organization=ctx["org_a"], status__in=["dispatched", "en_route", "on_site"]
        )
        .select_related("ticket", "engineer")
        .order_by("id")
        .first()
    )
    if visit is None or Reservation.objects.filter(visit=visit).exists():
        return
    services.parts_reserve(visit=visit, part=parts["CAB-FAN-120"], quantity=1, actor=visit.engineer)


def _used_on_completed_visit(ctx, parts, local):
    """The completed demo visit replaced an I/O connector. The visit is closed, so the
    issue is booked on the ledger directly, as history."""
    visit = (
        Visit.objects.filter(ticket__organization=ctx["org_a"], status="completed")
        .select_related("ticket")
        .order_by("id")
        .first()
    )
    if visit is None or Movement.objects.filter(visit=visit, kind=Movement.Kind.ISSUE).exists():
        return
    with transaction.atomic():
        stock = Stock.objects.get(part=parts["PLC-IO-X1"], stockroom=local)
        services.change_level(
            stock=stock,
            kind=Movement.Kind.ISSUE,
            quantity=1,
            on_hand_delta=-1,
            actor=visit.engineer,
            ticket=visit.ticket,
            visit=visit,
        )


def seed(ctx):
    manager = ctx.users.get("manager")
    parts = _parts(ctx)
    local = _stockroom(ctx["local_center"], "苏州备件库 Suzhou stockroom")
    regional = _stockroom(ctx["regional_center"], "华东区域备件库 East China regional stockroom")
    for sku, (local_qty, regional_qty, point, quantity) in LEVELS.items():
        _stock(parts[sku], local, local_qty, point, quantity, manager)
        _stock(parts[sku], regional, regional_qty, 0, 0, manager)
    _reserve_on_open_visit(ctx, parts)
    _used_on_completed_visit(ctx, parts, local)
    ctx["stockroom_local"], ctx["stockroom_regional"] = local, regional
    ctx["parts"] = parts
