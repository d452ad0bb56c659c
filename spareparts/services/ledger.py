"""The ledger core: every stock level changes here, by a conditional UPDATE whose
WHERE clause states the rules, in the caller's transaction, together with the
Movement row that explains it. Nothing reads a level into Python to write it back."""

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.errors import Conflict, PermissionDenied, ServiceError

from ..models import Movement, Part, Stock, Stockroom


def require_staff(actor) -> None:
    """Customers never move stock; None is the system (periodic tasks, demo)."""
    if actor is not None and not actor.is_staff_role and not actor.is_admin_role:
        raise PermissionDenied(_("Only service staff may move spare parts."))


def check_quantity(quantity, field: str = "quantity") -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ServiceError(_("Give a whole number greater than zero."), field=field)
    return quantity


def stock_row(*, part: Part, stockroom: Stockroom) -> Stock:
    """The level row of a part in a stockroom, created empty on first use (a receipt,
    a return or a transfer into a stockroom that never held the part)."""
    stock, _created = Stock.objects.get_or_create(part=part, stockroom=stockroom)
    return stock


def _not_enough(stock_id: int, quantity: int) -> Conflict:
    stock = Stock.objects.select_related("part", "stockroom").get(pk=stock_id)
    return Conflict(
        _("Not enough %(part)s in %(stockroom)s: %(available)d available, %(quantity)d asked.")
        % {
            "part": stock.part.name,
            "stockroom": stock.stockroom.name,
            "available": stock.available,
            "quantity": quantity,
        }
    )


def change_level(
    *,
    stock: Stock,
    kind: str,
    quantity: int,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    actor=None,
    reason: str = "",
    **refs,
) -> Movement:
    """Apply a change to one level and append its ledger row, or refuse with Conflict
    (409) and write nothing. Must run inside the caller's transaction."""
    assert transaction.get_connection().in_atomic_block, (
        "change_level() runs inside the service's transaction"
    )
    # The rules as a WHERE clause, evaluated by the database on the locked row:
    # on hand stays >= 0, reserved stays >= 0, reserved stays <= on hand.
    guard = (
        Q(pk=stock.pk)
        & Q(on_hand__gte=-on_hand_delta)
        & Q(reserved__gte=-reserved_delta)
        & Q(on_hand__gte=F("reserved") + (reserved_delta - on_hand_delta))
    )
    try:
        with transaction.atomic():
            updated = Stock.objects.filter(guard).update(
                on_hand=F("on_hand") + on_hand_delta,
                reserved=F("reserved") + reserved_delta,
                updated_at=timezone.now(),
            )
    except IntegrityError as exc:  # a CheckConstraint caught what the guard did not
        raise Conflict(_("The stock level would break a rule.")) from exc
    if updated != 1:
        raise _not_enough(stock.pk, quantity)
    return Movement.objects.create(
        kind=kind,
        part_id=stock.part_id,
        stockroom_id=stock.stockroom_id,
        quantity=quantity,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        actor=actor,
        reason=reason[:300],
        **refs,
    )


def ranked_stock(*, part: Part, quantity: int, site=None, stockroom: Stockroom | None = None):
    """Stock rows that can give `quantity` now, nearest first: the site's own centre,
    then its regional parent, then the other centres of that region, then any other."""
    qs = (
        Stock.objects.filter(part=part)
        .annotate(free=F("on_hand") - F("reserved"))
        .filter(free__gte=quantity)
        .select_related("stockroom", "stockroom__service_center")
    )
    if stockroom is not None:
        return list(qs.filter(stockroom=stockroom))
    if site is None:
        return list(qs.order_by("-free", "id"))
    centre = site.service_center
    region = centre.parent_id or centre.pk
    rank = Case(
        When(stockroom__service_center_id=centre.pk, then=Value(0)),
        When(stockroom__service_center_id=centre.parent_id, then=Value(1)),
        When(stockroom__service_center__parent_id=region, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return list(qs.annotate(rank=rank).order_by("rank", "-free", "id"))
