"""Stockrooms and the stock thresholds (minimum, reorder point, reorder quantity) as
settings pages (servicedesk.settings_pages), written through spareparts.services with
the API's serializers' rules. Levels move only through the ledger, never here."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import MANAGERS
from accounts.selectors import service_centers_visible_to
from servicedesk.settings_pages import SETTINGS_PAGES, SettingsPage
from spareparts import selectors, services
from spareparts.api.serializers import (
    StockroomSerializer,
    StockSerializer,
    StockSettingsSerializer,
)
from spareparts.models import Stock, Stockroom

STOCKROOMS = SettingsPage(
    namespace="spareparts",
    key="stockrooms",
    title=_("Stockrooms"),
    model=Stockroom,
    fields=["service_center", "name", "address"],
    serializer=StockroomSerializer,
    create=services.stockroom_create,
    update=services.stockroom_update,
    rows=lambda user: selectors.stockrooms_visible_to(user).select_related("service_center"),
    columns=[(_("Name"), "name"), (_("Service centre"), lambda row: row.service_center)],
    scoped={"service_center": service_centers_visible_to},
    roles=MANAGERS,
    order=40,
)

REORDER_POINTS = SettingsPage(
    namespace="spareparts",
    key="reorder-points",
    title=_("Reorder points"),
    intro=_(
        "Falling under the reorder point raises a procurement request for the reorder "
        "quantity. Levels change only through receipts, issues and transfers."
    ),
    model=Stock,
    fields=["part", "stockroom", "minimum", "reorder_point", "reorder_quantity"],
    edit_fields=["minimum", "reorder_point", "reorder_quantity"],
    serializer=StockSerializer,
    edit_serializer=StockSettingsSerializer,
    create=services.stock_create,
    update=services.stock_update,
    rows=lambda user: selectors.stock_visible_to(user).select_related("part", "stockroom"),
    columns=[
        (_("Part"), lambda row: row.part),
        (_("Stockroom"), lambda row: row.stockroom),
        (_("On hand"), "on_hand"),
        (_("Minimum"), "minimum"),
        (_("Reorder point"), "reorder_point"),
        (_("Reorder quantity"), "reorder_quantity"),
    ],
    scoped={"part": selectors.parts_visible_to, "stockroom": selectors.stockrooms_visible_to},
    filters={"stockroom": "stockroom_id"},
    roles=MANAGERS,
    order=41,
)

SETTINGS_PAGES.extend([STOCKROOMS, REORDER_POINTS])
