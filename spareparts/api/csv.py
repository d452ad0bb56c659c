"""CSV export of stock and movements: `?format=csv` on the list endpoints."""

from django.http import HttpResponse
from django.utils import timezone
from rest_framework.renderers import BaseRenderer

from servicedesk import spreadsheets

STOCK_COLUMNS = [
    ("stockroom", lambda s: s.stockroom.name),
    ("sku", lambda s: s.part.sku),
    ("part", lambda s: s.part.name),
    ("unit", lambda s: s.part.unit),
    ("on_hand", lambda s: s.on_hand),
    ("reserved", lambda s: s.reserved),
    ("available", lambda s: s.available),
    ("minimum", lambda s: s.minimum),
    ("reorder_point", lambda s: s.reorder_point),
    ("reorder_quantity", lambda s: s.reorder_quantity),
    ("low", lambda s: "yes" if s.below_reorder_point else ""),
]
MOVEMENT_COLUMNS = [
    ("id", lambda m: m.pk),
    ("at", lambda m: m.created_at.isoformat()),
    ("kind", lambda m: m.kind),
    ("sku", lambda m: m.part.sku),
    ("stockroom", lambda m: m.stockroom.name),
    ("quantity", lambda m: m.quantity),
    ("on_hand_delta", lambda m: m.on_hand_delta),
    ("reserved_delta", lambda m: m.reserved_delta),
    ("ticket", lambda m: m.ticket.number if m.ticket_id else ""),
    ("visit", lambda m: m.visit.number if m.visit_id else ""),
    ("reason", lambda m: m.reason),
    ("by", lambda m: m.actor.username if m.actor_id else ""),
]
MAX_ROWS = 50_000


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only errors reach this renderer (lists answer with csv_response); keep them readable.
        if isinstance(data, dict):
            return "\n".join(f"{key},{value}" for key, value in data.items()).encode()
        return b""


def csv_response(rows, columns, name: str) -> HttpResponse:
    """The rows (at most MAX_ROWS) as `<name>-<time>.csv` (servicedesk.spreadsheets)."""
    table = [[header for header, _ in columns]]
    table += [[getter(row) for _, getter in columns] for row in rows[:MAX_ROWS]]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return spreadsheets.csv_response(table, filename=f"{name}-{stamp}.csv")
