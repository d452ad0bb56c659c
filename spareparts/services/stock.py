"""Receipts, adjustments and transfers between stockrooms."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import InvalidTransition, ServiceError

from ..models import Movement, Part, Stock, Stockroom, Transfer
from . import procurement
from .ledger import change_level, check_quantity, require_staff, stock_row

Kind = Movement.Kind


def stock_receive(
    *, part: Part, stockroom: Stockroom, quantity: int, actor, reason: str = ""
) -> Movement:
    """Goods put on the shelf outside a procurement request (initial stock, a delivery)."""
    require_staff(actor)
    check_quantity(quantity)
    with transaction.atomic():
        stock = stock_row(part=part, stockroom=stockroom)
        return change_level(
            stock=stock,
            kind=Kind.RECEIPT,
            quantity=quantity,
            on_hand_delta=quantity,
            actor=actor,
            reason=reason,
        )


def stock_adjust(*, stock: Stock, delta: int, reason: str, actor) -> Movement:
    """A stock count correction: on hand up or down, with the reason on the ledger."""
    require_staff(actor)
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise ServiceError(_("Give a non-zero whole number."), field="delta")
    if not (reason or "").strip():
        raise ServiceError(_("Say why the stock is adjusted."), field="reason")
    with transaction.atomic():
        movement = change_level(
            stock=stock,
            kind=Kind.ADJUSTMENT,
            quantity=abs(delta),
            on_hand_delta=delta,
            actor=actor,
            reason=reason.strip(),
        )
        if delta < 0:
            procurement.raise_for_reorder_point(stock_id=stock.pk)
    return movement


def transfer_ship(
    *,
    part: Part,
    from_stockroom: Stockroom,
    to_stockroom: Stockroom,
    quantity: int,
    actor,
    note: str = "",
) -> Transfer:
    """Ship parts to another stockroom: they leave the origin now and are in transit."""
    require_staff(actor)
    check_quantity(quantity)
    if from_stockroom.pk == to_stockroom.pk:
        raise ServiceError(_("Choose another stockroom to ship to."), field="to_stockroom")
    with transaction.atomic():
        stock = Stock.objects.filter(part=part, stockroom=from_stockroom).first()
        if stock is None:
            raise ServiceError(
                _("%(stockroom)s does not stock %(part)s.")
                % {"stockroom": from_stockroom.name, "part": part.name},
                field="part",
            )
        transfer = Transfer.objects.create(
            part=part,
            from_stockroom=from_stockroom,
            to_stockroom=to_stockroom,
            quantity=quantity,
            shipped_by=actor,
            note=note[:300],
        )
        change_level(
            stock=stock,
            kind=Kind.TRANSFER_OUT,
            quantity=quantity,
            on_hand_delta=-quantity,
            actor=actor,
            transfer=transfer,
            reason=note,
        )
        procurement.raise_for_reorder_point(stock_id=stock.pk)
    return transfer


def _close(transfer: Transfer, *, status: str, actor) -> Transfer:
    """Claim the in-transit transfer with a conditional UPDATE: of two concurrent
    receipts (or a receipt and a cancel) only one gets the row."""
    claimed = Transfer.objects.filter(pk=transfer.pk, status=Transfer.Status.SHIPPED).update(
        status=status, received_by=actor, received_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        current = Transfer.objects.get(pk=transfer.pk)
        raise InvalidTransition(
            _("The transfer is %(status)s already.") % {"status": current.get_status_display()}
        )
    return Transfer.objects.select_related("part", "from_stockroom", "to_stockroom").get(
        pk=transfer.pk
    )


def transfer_receive(*, transfer: Transfer, actor) -> Transfer:
    require_staff(actor)
    with transaction.atomic():
        transfer = _close(transfer, status=Transfer.Status.RECEIVED, actor=actor)
        stock = stock_row(part=transfer.part, stockroom=transfer.to_stockroom)
        change_level(
            stock=stock,
            kind=Kind.TRANSFER_IN,
            quantity=transfer.quantity,
            on_hand_delta=transfer.quantity,
            actor=actor,
            transfer=transfer,
        )
    return transfer


def transfer_cancel(*, transfer: Transfer, actor, reason: str = "") -> Transfer:
    """Cancelled in transit: the parts go back onto the origin's shelf."""
    require_staff(actor)
    with transaction.atomic():
        transfer = _close(transfer, status=Transfer.Status.CANCELLED, actor=actor)
        stock = stock_row(part=transfer.part, stockroom=transfer.from_stockroom)
        change_level(
            stock=stock,
            kind=Kind.TRANSFER_IN,
            quantity=transfer.quantity,
            on_hand_delta=transfer.quantity,
            actor=actor,
            transfer=transfer,
            reason=reason or _("Transfer cancelled in transit"),
        )
    return transfer
