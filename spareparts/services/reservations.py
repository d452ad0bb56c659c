"""Reserving parts for a ticket or visit, using them on a visit, releasing and
returning them. The agreed cross-app entry points are parts_use_on_visit() and
parts_release_for_visit() (called by the ticket services)."""

from django.db import transaction
from django.db.models import Case, F, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import Conflict, InvalidTransition, ServiceError

from ..models import Movement, Part, Reservation, Stockroom
from . import procurement
from .ledger import change_level, check_quantity, ranked_stock, require_staff, stock_row

Kind = Movement.Kind
OPEN_VISIT_STATUSES = ("dispatched", "en_route", "on_site")


class _Shortage(Exception):
    """No stockroom can give the part: the transaction is rolled back, then a
    procurement request is raised for the ticket and the caller gets a Conflict."""

    def __init__(self, part, quantity):
        self.part, self.quantity = part, quantity
        super().__init__(part.sku)


def _shortage_conflict(shortage: _Shortage, *, ticket, actor) -> Conflict:
    request = procurement.raise_for_shortage(
        ticket=ticket, part=shortage.part, quantity=shortage.quantity, actor=actor
    )
    message = _("No stockroom has %(quantity)d × %(part)s available.") % {
        "quantity": shortage.quantity,
        "part": shortage.part.name,
    }
    if request is not None:
        message += " " + _("Procurement request PR-%(number)d is open for it.") % {
            "number": request.pk
        }
    return Conflict(message, code="out_of_stock")


def _check_visit_open(visit) -> None:
    if visit.status not in OPEN_VISIT_STATUSES:
        raise InvalidTransition(
            _("The visit is %(status)s; parts are recorded on open visits only.")
            % {"status": visit.get_status_display()}
        )


def _check_ticket_open(ticket) -> None:
    if ticket.status not in ticket.OPEN_STATUSES:
        raise InvalidTransition(
            _("The fault report is %(status)s; parts are reserved for open reports only.")
            % {"status": ticket.get_status_display()}
        )


def _site_of(ticket):
    from assets.models import Site

    return Site.objects.select_related("service_center").get(pk=ticket.site_id)


def parts_reserve(
    *,
    part: Part,
    quantity: int,
    actor,
    ticket=None,
    visit=None,
    stockroom: Stockroom | None = None,
) -> Reservation:
    """Reserve `quantity` of a part for a ticket (or one of its visits) from the nearest
    stockroom that has it, or from `stockroom` when given. Refused with Conflict when
    none can; then a procurement request is raised for the ticket."""
    require_staff(actor)
    check_quantity(quantity)
    if visit is not None:
        _check_visit_open(visit)
        ticket = visit.ticket
    if ticket is None:
        raise ServiceError(_("Name the fault report or visit the parts are for."), field="ticket")
    _check_ticket_open(ticket)
    site = _site_of(ticket)
    try:
        with transaction.atomic():
            return _reserve(
                part=part,
                quantity=quantity,
                actor=actor,
                ticket=ticket,
                visit=visit,
                site=site,
                stockroom=stockroom,
            )
    except _Shortage as shortage:
        if stockroom is not None:
            raise Conflict(
                _("%(stockroom)s does not have %(quantity)d × %(part)s available.")
                % {"stockroom": stockroom.name, "quantity": quantity, "part": part.name},
                code="out_of_stock",
            ) from None
        raise _shortage_conflict(shortage, ticket=ticket, actor=actor) from None


def _reserve(*, part, quantity, actor, ticket, visit, site, stockroom) -> Reservation:
    for stock in ranked_stock(part=part, quantity=quantity, site=site, stockroom=stockroom):
        try:
            with transaction.atomic():  # a savepoint: a refused candidate leaves no row behind
                reservation = Reservation.objects.create(
                    part=part,
                    stockroom=stock.stockroom,
                    quantity=quantity,
                    ticket=ticket,
                    visit=visit,
                    reserved_by=actor,
                    served_from_own_centre=stock.stockroom.service_center_id
                    == site.service_center_id,
                )
                change_level(
                    stock=stock,
                    kind=Kind.RESERVATION,
                    quantity=quantity,
                    reserved_delta=quantity,
                    actor=actor,
                    ticket=ticket,
                    visit=visit,
                    reservation=reservation,
                )
        except Conflict:
            continue  # a concurrent request took it first; try the next stockroom
        procurement.raise_for_reorder_point(stock_id=stock.pk)
        return reservation
    raise _Shortage(part, quantity)


def _take_from(reservation: Reservation, quantity: int, field: str) -> bool:
    """Move `quantity` of an active reservation into `used` or `released`, if it still
    holds that much; closes the reservation when nothing is left outstanding."""
    now = timezone.now()
    taken = Reservation.objects.filter(
        pk=reservation.pk,
        status=Reservation.Status.ACTIVE,
        quantity__gte=F("used") + F("released") + quantity,
    ).update(**{field: F(field) + quantity}, updated_at=now)
    if taken:
        Reservation.objects.filter(pk=reservation.pk, quantity=F("used") + F("released")).update(
            status=Case(
                When(used__gt=0, then=Value(Reservation.Status.USED)),
                default=Value(Reservation.Status.RELEASED),
            ),
        )
    return bool(taken)


def _outstanding_conflict(reservation: Reservation, quantity: int) -> Conflict:
    return Conflict(
        _("The reservation holds fewer than %(quantity)d parts.") % {"quantity": quantity}
    )


def reservation_use(
    *, reservation: Reservation, actor, quantity: int | None = None, visit=None
) -> Movement:
    """Issue (part of) a reservation to its visit."""
    require_staff(actor)
    visit = reservation.visit or visit
    if visit is None:
        raise ServiceError(_("Name the visit the parts were used on."), field="visit")
    if visit.ticket_id != reservation.ticket_id:
        raise ServiceError(_("The visit belongs to another fault report."), field="visit")
    _check_visit_open(visit)
    quantity = check_quantity(quantity if quantity is not None else reservation.outstanding)
    with transaction.atomic():
        return _use_reservation(reservation, quantity, visit=visit, actor=actor)


def _use_reservation(reservation, quantity, *, visit, actor) -> Movement:
    if not _take_from(reservation, quantity, "used"):
        raise _outstanding_conflict(reservation, quantity)
    stock = stock_row(part=reservation.part, stockroom=reservation.stockroom)
    movement = change_level(
        stock=stock,
        kind=Kind.ISSUE,
        quantity=quantity,
        on_hand_delta=-quantity,
        reserved_delta=-quantity,
        actor=actor,
        ticket_id=reservation.ticket_id,
        visit=visit,
        reservation=reservation,
    )
    procurement.raise_for_reorder_point(stock_id=stock.pk)
    return movement


def parts_release(*, reservation: Reservation, actor, quantity: int | None = None) -> Movement:
    """Give (part of) a reservation back to the shelf."""
    require_staff(actor)
    quantity = check_quantity(quantity if quantity is not None else reservation.outstanding)
    with transaction.atomic():
        return _release(reservation, quantity, actor=actor)


def _release(reservation, quantity, *, actor) -> Movement:
    if not _take_from(reservation, quantity, "released"):
        raise _outstanding_conflict(reservation, quantity)
    stock = stock_row(part=reservation.part, stockroom=reservation.stockroom)
    return change_level(
        stock=stock,
        kind=Kind.RELEASE,
        quantity=quantity,
        reserved_delta=-quantity,
        actor=actor,
        ticket_id=reservation.ticket_id,
        visit_id=reservation.visit_id,
        reservation=reservation,
    )


def parts_release_for_visit(*, visit, actor) -> list[Movement]:
    """On visit completion or cancellation: release whatever is still reserved for it."""
    movements = []
    with transaction.atomic():
        for reservation in (
            Reservation.objects.filter(visit=visit, status=Reservation.Status.ACTIVE)
            .select_related("part", "stockroom")
            .order_by("id")
        ):
            outstanding = reservation.outstanding
            if outstanding > 0:
                movements.append(_release(reservation, outstanding, actor=actor))
    return movements


def _lock_visit(visit):
    from tickets.models import Visit

    return Visit.objects.select_for_update().select_related("ticket").get(pk=visit.pk)


def _items(items) -> list[tuple[Part, int, Stockroom | None]]:
    if not items:
        raise ServiceError(_("Name at least one part."), field="items")
    parsed = []
    for item in items:
        part = item.get("part")
        if not isinstance(part, Part):
            raise ServiceError(_("Each item names a part."), field="items")
        parsed.append((part, check_quantity(item.get("quantity"), "items"), item.get("stockroom")))
    return parsed


def parts_use_on_visit(*, visit, actor, items, within=None) -> list[Movement]:
    """Record parts used on a visit: issued from the visit's reservations first, the rest
    directly from the nearest stockroom (or the item's `stockroom`). All or nothing.
    `within(visit)` runs in the same transaction once the visit is locked (the ticket
    services check the visit and write its timeline event there)."""
    require_staff(actor)
    parsed = _items(items)
    try:
        with transaction.atomic():
            visit = _lock_visit(visit)  # one use/return at a time per visit
            if within is not None:
                within(visit)
            _check_visit_open(visit)
            site = _site_of(visit.ticket)
            movements = []
            for part, quantity, stockroom in parsed:
                movements += _issue(visit, part, quantity, stockroom, site=site, actor=actor)
            return movements
    except _Shortage as shortage:
        raise _shortage_conflict(shortage, ticket=visit.ticket, actor=actor) from None


def _issue(visit, part, quantity, stockroom, *, site, actor) -> list[Movement]:
    movements, remaining = [], quantity
    reservations = Reservation.objects.filter(
        visit=visit, part=part, status=Reservation.Status.ACTIVE
    )
    if stockroom is not None:
        reservations = reservations.filter(stockroom=stockroom)
    for reservation in reservations.select_related("part", "stockroom").order_by("id"):
        take = min(reservation.outstanding, remaining)
        if take > 0:
            movements.append(_use_reservation(reservation, take, visit=visit, actor=actor))
            remaining -= take
    if remaining:
        candidates = ranked_stock(part=part, quantity=remaining, site=site, stockroom=stockroom)
        for stock in candidates:
            try:
                movements.append(
                    change_level(
                        stock=stock,
                        kind=Kind.ISSUE,
                        quantity=remaining,
                        on_hand_delta=-remaining,
                        actor=actor,
                        ticket_id=visit.ticket_id,
                        visit=visit,
                    )
                )
            except Conflict:
                continue  # taken by a concurrent request meanwhile; try the next stockroom
            procurement.raise_for_reorder_point(stock_id=stock.pk)
            break
        else:
            if stockroom is not None:
                raise Conflict(
                    _("%(stockroom)s does not have %(quantity)d × %(part)s available.")
                    % {"stockroom": stockroom.name, "quantity": remaining, "part": part.name},
                    code="out_of_stock",
                )
            raise _Shortage(part, remaining)
    return movements


def issued_net(*, visit, part) -> int:
    """Parts of this kind issued to the visit and not returned, from the ledger."""
    signed = Case(
        When(kind=Kind.ISSUE, then=F("quantity")),
        When(kind=Kind.RETURN, then=-F("quantity")),
        default=Value(0),
    )
    return Movement.objects.filter(
        visit=visit, part=part, kind__in=[Kind.ISSUE, Kind.RETURN]
    ).aggregate(net=Coalesce(Sum(signed), 0))["net"]


def parts_return(
    *, visit, part: Part, quantity: int, actor, stockroom: Stockroom | None = None
) -> Movement:
    """Return unused issued parts to stock: to the stockroom they last came from,
    unless another is named."""
    require_staff(actor)
    check_quantity(quantity)
    with transaction.atomic():
        visit = _lock_visit(visit)
        net = issued_net(visit=visit, part=part)
        if quantity > net:
            raise ServiceError(
                _("Only %(net)d × %(part)s were used on this visit.")
                % {"net": net, "part": part.name},
                field="quantity",
            )
        if stockroom is None:
            last = (
                Movement.objects.filter(visit=visit, part=part, kind=Kind.ISSUE)
                .order_by("-id")
                .first()
            )
            stockroom = last.stockroom
        stock = stock_row(part=part, stockroom=stockroom)
        return change_level(
            stock=stock,
            kind=Kind.RETURN,
            quantity=quantity,
            on_hand_delta=quantity,
            actor=actor,
            ticket_id=visit.ticket_id,
            visit=visit,
        )
