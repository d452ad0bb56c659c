"""The parts catalogue, stockrooms and the stock thresholds (minimum, reorder point and
quantity). Stock levels themselves move only through the ledger (stock.py)."""

from accounts.roles import DISPATCH, MANAGERS
from accounts.selectors import service_centers_visible_to
from servicedesk.crud import EntityServices, check_visible

from ..models import Part, Stock, Stockroom
from ..selectors import parts_visible_to, stock_visible_to, stockrooms_visible_to


def _check_stockroom_input(actor, fields: dict) -> None:
    check_visible(actor, fields.get("service_center"), service_centers_visible_to)


def _check_stock_input(actor, fields: dict) -> None:
    check_visible(actor, fields.get("part"), parts_visible_to)
    check_visible(actor, fields.get("stockroom"), stockrooms_visible_to)


part_create, part_update, _ = EntityServices(
    Part, roles=DISPATCH, many=["compatible_models"]
).functions
stockroom_create, stockroom_update, _ = EntityServices(
    Stockroom, roles=MANAGERS, visible=stockrooms_visible_to, check_input=_check_stockroom_input
).functions
# A stock row starts at level 0 (the ledger fills it); an update changes its thresholds.
stock_create, stock_update, _ = EntityServices(
    Stock, roles=MANAGERS, visible=stock_visible_to, check_input=_check_stock_input
).functions
