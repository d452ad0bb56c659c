from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from . import ports
from .models import Equipment, EquipmentModel, ServiceContract, Site


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "organization", "service_center", "time_zone"]
    list_filter = ["service_center", "organization"]
    list_select_related = ["organization", "service_center"]
    search_fields = ["name", "code", "address"]


@admin.register(EquipmentModel)
class EquipmentModelAdmin(SimpleHistoryAdmin):
    list_display = ["manufacturer", "model_number", "category", "vendor_name"]
    search_fields = ["manufacturer", "model_number"]


@admin.register(Equipment)
class EquipmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "serial_number",
        "site",
        "equipment_model",
        "critical",
        "status",
        "firmware_version",
    ]
    list_filter = ["critical", "status", "equipment_model"]
    list_select_related = ["site", "equipment_model"]
    search_fields = ["name", "serial_number"]


@admin.register(ServiceContract)
class ServiceContractAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "organization",
        "starts_on",
        "ends_on",
        "delivery_date",
        "inspection_frequency",
    ]
    list_select_related = ["organization"]
    filter_horizontal = ["sites"]
    search_fields = ["number", "title"]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            ports.contract_changed(contract=obj, actor=request.user)
