"""Procurement requests: raised automatically (stock under its reorder point, or a
part needed that no stockroom has) or by hand; requested → ordered → received or
cancelled. Receiving books a receipt into the chosen stockroom."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import InvalidTransition, ServiceError

from ..models import Movement, Part, ProcurementRequest, Stock, Stockroom
from .ledger import change_level, check_quantity, require_staff, stock_row

Status = ProcurementRequest.Status
Priority = ProcurementRequest.Priority

# action -> {from status: to status}; drives the API actions and the page's buttons.
TRANSITIONS: dict[str, dict[str, str]] = {
    "order": {Status.REQUESTED: Status.ORDERED},
    "receive": {Status.REQUESTED: Status.RECEIVED, Status.ORDERED: Status.RECEIVED},
    "cancel": {Status.REQUESTED: Status.CANCELLED, Status.ORDERED: Status.CANCELLED},
}
SEVERITY_PRIORITY = {"major": Priority.HIGH, "urgent": Priority.MEDIUM, "general": Priority.LOW}


def allowed_actions(request: ProcurementRequest) -> list[str]:
    return [action for action, moves in TRANSITIONS.items() if request.status in moves]


def _expected_on(part: Part):
    return timezone.localdate() + timedelta(days=part.lead_time_days)


def _create_once(**fields) -> ProcurementRequest | None:
    """Insert an automatic request unless its partial unique constraint says one is
    open already (then None). The savepoint keeps the caller's transaction usable."""
    try:
        with transaction.atomic():
            return ProcurementRequest.objects.create(**fields)
    except IntegrityError:
        return None


def raise_for_reorder_point(*, stock_id: int) -> ProcurementRequest | None:
    """Called in the transaction of every movement that lowers availability, and by the
    periodic sweep: one open automatic request per part and stockroom, exactly once."""
    stock = (
        Stock.objects.select_related("part")
        .filter(pk=stock_id, reorder_point__gt=F("on_hand") - F("reserved"))
        .first()
    )
    if stock is None:
        return None
    open_requests = ProcurementRequest.objects.filter(
        part_id=stock.part_id,
        stockroom_id=stock.stockroom_id,
        source=ProcurementRequest.Source.REORDER,
        status__in=ProcurementRequest.OPEN_STATUSES,
    )
    if open_requests.exists():
        return None
    part = stock.part
    quantity = stock.reorder_quantity or max(1, stock.reorder_point - stock.available)
    return _create_once(
        part=part,
        stockroom_id=stock.stockroom_id,
        quantity=quantity,
        vendor=part.vendor,
        priority=Priority.MEDIUM if part.critical else Priority.LOW,
        expected_on=_expected_on(part),
        source=ProcurementRequest.Source.REORDER,
        note=_("Raised automatically: %(available)d available, reorder point %(point)d.")
        % {"available": stock.available, "point": stock.reorder_point},
    )


def raise_for_shortage(
    *, ticket, part: Part, quantity: int, actor=None
) -> ProcurementRequest | None:
    """A ticket needs a part no stockroom can give: one open request per ticket and part,
    priority from the ticket's severity, received into the site's centre's stockroom."""
    existing = ProcurementRequest.objects.filter(
        ticket=ticket,
        part=part,
        source=ProcurementRequest.Source.SHORTAGE,
        status__in=ProcurementRequest.OPEN_STATUSES,
    ).first()
    if existing is not None:
        return existing
    stockroom = Stockroom.objects.filter(service_center__sites=ticket.site_id).first()
    with transaction.atomic():
        created = _create_once(
            part=part,
            quantity=quantity,
            vendor=part.vendor,
            ticket=ticket,
            stockroom=stockroom,
            priority=SEVERITY_PRIORITY.get(ticket.severity, Priority.MEDIUM),
            expected_on=_expected_on(part),
            source=ProcurementRequest.Source.SHORTAGE,
            requested_by=actor,
            note=_("Needed for %(ticket)s; no stockroom had it.") % {"ticket": ticket.number},
        )
    return (
        created
        or ProcurementRequest.objects.filter(
            ticket=ticket,
            part=part,
            source=ProcurementRequest.Source.SHORTAGE,
            status__in=ProcurementRequest.OPEN_STATUSES,
        ).first()
    )


def procurement_create(
    *,
    actor,
    part: Part,
    quantity: int,
    stockroom: Stockroom | None = None,
    vendor: str = "",
    priority: str = Priority.MEDIUM,
    expected_on=None,
    ticket=None,
    note: str = "",
) -> ProcurementRequest:
    """A request raised by hand."""
    require_staff(actor)
    check_quantity(quantity)
    if priority not in Priority.values:
        raise ServiceError(_("Unknown priority."), field="priority")
    with transaction.atomic():
        return ProcurementRequest.objects.create(
            part=part,
            quantity=quantity,
            stockroom=stockroom,
            vendor=vendor or part.vendor,
            priority=priority,
            expected_on=expected_on or _expected_on(part),
            ticket=ticket,
            note=note,
            requested_by=actor,
            source=ProcurementRequest.Source.MANUAL,
        )


def _transition(request: ProcurementRequest, action: str) -> tuple[ProcurementRequest, str]:
    locked = ProcurementRequest.objects.select_for_update().get(pk=request.pk)
    target = TRANSITIONS[action].get(locked.status)
    if target is None:
        raise InvalidTransition(
            _("A %(status)s procurement request cannot be %(action)s.")
            % {
                "status": locked.get_status_display(),
                "action": {
                    "order": _("ordered"),
                    "receive": _("received"),
                    "cancel": _("cancelled"),
                }[action],
            }
        )
    return locked, target


def procurement_order(
    *, request: ProcurementRequest, actor, expected_on=None, vendor: str = ""
) -> ProcurementRequest:
    require_staff(actor)
    with transaction.atomic():
        request, target = _transition(request, "order")
        request.status, request.ordered_at = target, timezone.now()
        request.expected_on = expected_on or request.expected_on
        request.vendor = vendor or request.vendor
        request.save(update_fields=["status", "ordered_at", "expected_on", "vendor", "updated_at"])
    return request


def procurement_receive(
    *,
    request: ProcurementRequest,
    actor,
    stockroom: Stockroom | None = None,
) -> tuple[ProcurementRequest, Movement]:
    """The goods arrived: book a receipt into the chosen stockroom (or the request's)."""
    require_staff(actor)
    with transaction.atomic():
        request, target = _transition(request, "receive")
        stockroom = stockroom or request.stockroom
        if stockroom is None:
            raise ServiceError(
                _("Choose the stockroom that receives the parts."), field="stockroom"
            )
        request.status, request.received_at, request.stockroom = target, timezone.now(), stockroom
        request.save(update_fields=["status", "received_at", "stockroom", "updated_at"])
        stock = stock_row(part=request.part, stockroom=stockroom)
        movement = change_level(
            stock=stock,
            kind=Movement.Kind.RECEIPT,
            quantity=request.quantity,
            on_hand_delta=request.quantity,
            actor=actor,
            procurement=request,
            ticket_id=request.ticket_id,
            reason=_("Procurement request PR-%(n)d") % {"n": request.pk},
        )
    return request, movement


def procurement_cancel(*, request: ProcurementRequest, actor, reason: str) -> ProcurementRequest:
    require_staff(actor)
    if not (reason or "").strip():
        raise ServiceError(_("Say why the request is cancelled."), field="reason")
    with transaction.atomic():
        request, target = _transition(request, "cancel")
        request.status, request.cancel_reason = target, reason.strip()[:300]
        request.save(update_fields=["status", "cancel_reason", "updated_at"])
    return request
