"""Every read of spare parts, scoped to the caller in one place per model. Customers
see the parts used on their own visits (parts_used_on_visit) and the catalogue, never
stock levels, stockrooms, movements, reservations, transfers, procurement or costs."""

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from accounts.models import User
from servicedesk.errors import ServiceError
from tickets.selectors import tickets_visible_to, visits_visible_to

from .models import Movement, Part, ProcurementRequest, Reservation, Stock, Stockroom, Transfer

Kind = Movement.Kind


def _room_scope(user: User, prefix: str = "") -> Q | None:
    """None: no restriction; Q(pk__in=[]) style empty filter for customers."""
    if user.is_customer:
        return Q(pk__in=[])
    if user.center_ids is None:
        return None
    return Q(**{f"{prefix}service_center_id__in": user.center_ids})


def _scoped(qs: QuerySet, scope: Q | None) -> QuerySet:
    return qs if scope is None else qs.filter(scope)


def parts_visible_to(user: User) -> QuerySet[Part]:
    return Part.objects.prefetch_related("compatible_models")


def stockrooms_visible_to(user: User) -> QuerySet[Stockroom]:
    return _scoped(Stockroom.objects.select_related("service_center"), _room_scope(user))


def stock_visible_to(user: User) -> QuerySet[Stock]:
    qs = Stock.objects.select_related("part", "stockroom", "stockroom__service_center").annotate(
        available_now=F("on_hand") - F("reserved")
    )
    if user.is_customer:
        return qs.none()
    return _scoped(qs, _room_scope(user, "stockroom__"))


def low_stock(qs: QuerySet[Stock]) -> QuerySet[Stock]:
    """Rows under their reorder point or minimum (the page highlights them)."""
    return qs.filter(
        Q(reorder_point__gt=F("on_hand") - F("reserved")) | Q(minimum__gt=F("on_hand"))
    )


def movements_visible_to(user: User) -> QuerySet[Movement]:
    qs = Movement.objects.select_related("part", "stockroom", "actor", "visit", "ticket")
    if user.is_customer:
        return qs.none()
    qs = _scoped(qs, _room_scope(user, "stockroom__"))
    if user.role in User.FIELD_ROLES:
        # Engineers and experts: stock-only movements of their rooms, and the parts of
        # the tickets and visits they work on (not those of colleagues' tickets).
        return qs.filter(
            Q(ticket__isnull=True, visit__isnull=True)
            | Q(ticket__in=tickets_visible_to(user).values("pk"))
            | Q(visit__engineer=user)
        )
    return qs


def _ticket_or_room_scope(user: User) -> Q | None:
    if user.center_ids is None:
        return None
    return Q(stockroom__service_center_id__in=user.center_ids) | Q(
        ticket__site__service_center_id__in=user.center_ids
    )


def reservations_visible_to(user: User) -> QuerySet[Reservation]:
    qs = Reservation.objects.select_related("part", "stockroom", "ticket", "visit", "reserved_by")
    if user.is_customer:
        return qs.none()
    if user.role in User.FIELD_ROLES:
        # Engineers and experts: the reservations of the tickets and visits they work on.
        return qs.filter(
            Q(ticket__in=tickets_visible_to(user).values("pk")) | Q(visit__engineer=user)
        )
    return _scoped(qs, _ticket_or_room_scope(user))


def transfers_visible_to(user: User) -> QuerySet[Transfer]:
    qs = Transfer.objects.select_related(
        "part", "from_stockroom", "to_stockroom", "shipped_by", "received_by"
    )
    if user.is_customer:
        return qs.none()
    if user.center_ids is None:
        return qs
    return qs.filter(
        Q(from_stockroom__service_center_id__in=user.center_ids)
        | Q(to_stockroom__service_center_id__in=user.center_ids)
    )


def procurement_visible_to(user: User) -> QuerySet[ProcurementRequest]:
    qs = ProcurementRequest.objects.select_related("part", "stockroom", "ticket", "requested_by")
    if user.is_customer:
        return qs.none()
    return _scoped(qs, _ticket_or_room_scope(user))


def visits_in_scope(user: User):
    """The visits the caller may record parts on (the tickets app's selector)."""
    return visits_visible_to(user)


def tickets_in_scope(user: User):
    """The tickets the caller may reserve parts for (the tickets app's selector)."""
    return tickets_visible_to(user)


def stockrooms_reachable_by(user: User) -> QuerySet[Stockroom]:
    """Stockrooms staff may ship to: any (a regional centre refills a local one)."""
    if user.is_customer:
        return Stockroom.objects.none()
    return Stockroom.objects.select_related("service_center")


_SIGNED = Case(
    When(kind=Kind.ISSUE, then=F("quantity")),
    When(kind=Kind.RETURN, then=-F("quantity")),
    default=Value(0),
    output_field=IntegerField(),
)


def _used_rows(visit_ids):
    return (
        Movement.objects.filter(visit_id__in=visit_ids, kind__in=[Kind.ISSUE, Kind.RETURN])
        .values("visit_id", "part_id", "part__sku", "part__name", "part__unit")
        .annotate(quantity=Sum(_SIGNED))
        .filter(quantity__gt=0)
        .order_by("part__sku")
    )


def _row(raw) -> dict:
    return {
        "part_id": raw["part_id"],
        "sku": raw["part__sku"],
        "name": raw["part__name"],
        "unit": raw["part__unit"],
        "quantity": raw["quantity"],
    }


def parts_used_on_visit(visit) -> list[dict]:
    """Parts used on a visit (issued minus returned): sku, name, unit, quantity. No
    costs, no stock levels: safe for the customer's confirmation PDF and archive.
    The caller has already found `visit` through its own scoped selector. One query."""
    return [_row(raw) for raw in _used_rows([visit.pk])]


def ledger_mismatches() -> list[dict]:
    """Levels that differ from the sum of their ledger (two aggregate queries)."""
    sums = {
        (row["part_id"], row["stockroom_id"]): row
        for row in Movement.objects.values("part_id", "stockroom_id")
        .annotate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
        .order_by()
    }
    problems = []
    for stock in Stock.objects.values("id", "part_id", "stockroom_id", "on_hand", "reserved"):
        ledger = sums.pop((stock["part_id"], stock["stockroom_id"]), {"on_hand": 0, "reserved": 0})
        if (ledger["on_hand"], ledger["reserved"]) != (stock["on_hand"], stock["reserved"]):
            problems.append(
                {
                    **stock,
                    "ledger_on_hand": ledger["on_hand"],
                    "ledger_reserved": ledger["reserved"],
                }
            )
    for (part_id, stockroom_id), ledger in sums.items():
        problems.append(
            {
                "id": None,
                "part_id": part_id,
                "stockroom_id": stockroom_id,
                "on_hand": None,
                "reserved": None,
                "ledger_on_hand": ledger["on_hand"],
                "ledger_reserved": ledger["reserved"],
            }
        )
    return problems


def reservation_mismatches() -> list[dict]:
    """Reserved levels that differ from what the active reservations still hold."""
    held = {
        (row["part_id"], row["stockroom_id"]): row["held"]
        for row in Reservation.objects.filter(status=Reservation.Status.ACTIVE)
        .values("part_id", "stockroom_id")
        .annotate(held=Sum(F("quantity") - F("used") - F("released")))
        .order_by()
    }
    problems = []
    for stock in Stock.objects.values("id", "part_id", "stockroom_id", "reserved"):
        expected = held.pop((stock["part_id"], stock["stockroom_id"]), 0)
        if expected != stock["reserved"]:
            problems.append({**stock, "reservations_hold": expected})
    problems += [
        {"id": None, "part_id": p, "stockroom_id": s, "reserved": None, "reservations_hold": h}
        for (p, s), h in held.items()
        if h
    ]
    return problems


def parts_resolve(items: list[dict]) -> list[dict]:
    """Part and stockroom ids of the parts used on a visit → the objects (400 when
    unknown); what the visits API hands to parts_use_on_visit."""
    parts = Part.objects.in_bulk([item["part"] for item in items])
    rooms = Stockroom.objects.in_bulk(
        [item["stockroom"] for item in items if item.get("stockroom")]
    )
    resolved = []
    for item in items:
        part = parts.get(item["part"])
        if part is None:
            raise ServiceError(_("Unknown part."), field="items")
        row = {"part": part, "quantity": item["quantity"]}
        if item.get("stockroom"):
            if item["stockroom"] not in rooms:
                raise ServiceError(_("Unknown stockroom."), field="items")
            row["stockroom"] = rooms[item["stockroom"]]
        resolved.append(row)
    return resolved


def shortfall(*, part: Part, quantity: int, visit=None) -> int:
    """How much of `quantity` no single stockroom can give now (after what the visit
    already holds reserved of the part): more than 0 means the request would open a
    procurement request, so the visit page asks first."""
    held = 0
    if visit is not None:
        held = sum(
            r.outstanding
            for r in Reservation.objects.filter(
                visit=visit, part=part, status=Reservation.Status.ACTIVE
            )
        )
    needed = quantity - held
    if needed <= 0:
        return 0
    best = (
        Stock.objects.filter(part=part)
        .annotate(free=F("on_hand") - F("reserved"))
        .order_by("-free")
        .values_list("free", flat=True)
        .first()
    )
    return max(0, needed - max(best or 0, 0))
