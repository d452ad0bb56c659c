from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin import ReadOnlyAdminMixin

from .models import Movement, Part, ProcurementRequest, Reservation, Stock, Stockroom, Transfer


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rows written only by spareparts.services (the ledger and what it explains)."""


@admin.register(Part)
class PartAdmin(SimpleHistoryAdmin):
    list_display = ["sku", "name", "unit", "critical", "vendor", "unit_cost"]
    list_filter = ["critical"]
    search_fields = ["sku", "name", "vendor"]
    filter_horizontal = ["compatible_models"]


@admin.register(Stockroom)
class StockroomAdmin(admin.ModelAdmin):
    list_display = ["name", "service_center"]
    list_select_related = ["service_center"]


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    """Thresholds may be edited here; levels only move through the ledger."""

    list_display = [
        "part",
        "stockroom",
        "on_hand",
        "reserved",
        "minimum",
        "reorder_point",
        "reorder_quantity",
    ]
    list_select_related = ["part", "stockroom"]
    list_filter = ["stockroom"]
    search_fields = ["part__sku", "part__name"]
    readonly_fields = ["part", "stockroom", "on_hand", "reserved"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "created_at",
        "kind",
        "part",
        "stockroom",
        "quantity",
        "on_hand_delta",
        "reserved_delta",
        "actor",
    ]
    list_filter = ["kind", "stockroom"]
    list_select_related = ["part", "stockroom", "actor"]
    search_fields = ["part__sku", "reason"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "part",
        "stockroom",
        "quantity",
        "used",
        "released",
        "status",
        "ticket",
        "served_from_own_centre",
    ]
    list_filter = ["status", "served_from_own_centre"]
    list_select_related = ["part", "stockroom", "ticket"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "part",
        "from_stockroom",
        "to_stockroom",
        "quantity",
        "status",
        "shipped_at",
    ]
    list_filter = ["status"]
    list_select_related = ["part", "from_stockroom", "to_stockroom"]


@admin.register(ProcurementRequest)
class ProcurementRequestAdmin(SimpleHistoryAdmin):
    list_display = [
        "id",
        "part",
        "quantity",
        "priority",
        "status",
        "source",
        "stockroom",
        "ticket",
        "expected_on",
    ]
    list_filter = ["status", "source", "priority"]
    list_select_related = ["part", "stockroom", "ticket"]
    readonly_fields = [
        "part",
        "quantity",
        "status",
        "source",
        "stockroom",
        "ticket",
        "requested_by",
        "ordered_at",
        "received_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
