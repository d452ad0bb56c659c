"""Every write of spare parts. The modules split by use case; import from here."""

from .catalogue import (
    part_create,
    part_update,
    stock_create,
    stock_update,
    stockroom_create,
    stockroom_update,
)
from .ledger import change_level, ranked_stock
from .procurement import (
    allowed_actions,
    procurement_cancel,
    procurement_create,
    procurement_order,
    procurement_receive,
    raise_for_reorder_point,
    raise_for_shortage,
)
from .reservations import (
    issued_net,
    parts_release,
    parts_release_for_visit,
    parts_reserve,
    parts_return,
    parts_use_on_visit,
    reservation_use,
)
from .stock import stock_adjust, stock_receive, transfer_cancel, transfer_receive, transfer_ship

__all__ = [
    "allowed_actions",
    "change_level",
    "issued_net",
    "parts_release",
    "parts_release_for_visit",
    "parts_reserve",
    "parts_return",
    "parts_use_on_visit",
    "procurement_cancel",
    "procurement_create",
    "procurement_order",
    "procurement_receive",
    "raise_for_reorder_point",
    "raise_for_shortage",
    "ranked_stock",
    "reservation_use",
    "stock_adjust",
    "stock_receive",
    "transfer_cancel",
    "transfer_receive",
    "transfer_ship",
    "part_create",
    "part_update",
    "stock_create",
    "stock_update",
    "stockroom_create",
    "stockroom_update",
]
