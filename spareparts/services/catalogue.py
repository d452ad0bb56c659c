"""The parts catalogue, stockrooms and the stock thresholds (minimum, reorder point and
quantity). Stock levels themselves move only through the ledger (stock.py)."""

from accounts.roles import DISPATCH, MANAGERS
from accounts.selectors import service_centers_visible_to
from servicedesk import crud

from ..models import Part, Stock, Stockroom
from ..selectors import parts_visible_to, stock_visible_to, stockrooms_visible_to

PART_M2M = ("compatible_models",)


def part_create(*, actor, **fields) -> Part:
    crud.check_role(actor, DISPATCH)
    return crud.create(Part, actor=actor, fields=fields, many=PART_M2M)


def part_update(part: Part, /, *, actor, **fields) -> Part:
    crud.check_role(actor, DISPATCH)
    return crud.update(part, actor=actor, fields=fields, many=PART_M2M)


def stockroom_create(*, actor, **fields) -> Stockroom:
    crud.check_role(actor, MANAGERS)
    crud.check_visible(actor, fields.get("service_center"), service_centers_visible_to)
    return crud.create(Stockroom, actor=actor, fields=fields)


def stockroom_update(stockroom: Stockroom, /, *, actor, **fields) -> Stockroom:
    crud.check_role(actor, MANAGERS)
    crud.check_visible(actor, stockroom, stockrooms_visible_to)
    crud.check_visible(actor, fields.get("service_center"), service_centers_visible_to)
    return crud.update(stockroom, actor=actor, fields=fields)


def stock_create(*, actor, **fields) -> Stock:
    """A stock row of a part in a stockroom (level 0; the ledger fills it)."""
    crud.check_role(actor, MANAGERS)
    crud.check_visible(actor, fields.get("part"), parts_visible_to)
    crud.check_visible(actor, fields.get("stockroom"), stockrooms_visible_to)
    return crud.create(Stock, actor=actor, fields=fields)


def stock_update(stock: Stock, /, *, actor, **fields) -> Stock:
    """The thresholds of a stock row."""
    crud.check_role(actor, MANAGERS)
    crud.check_visible(actor, stock, stock_visible_to)
    return crud.update(stock, actor=actor, fields=fields)
