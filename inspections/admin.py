from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionResult,
    MaintenancePlan,
    MaintenanceTask,
)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "active"]
    inlines = [ChecklistItemInline]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "site", "recurrence", "anchor_date", "default_engineer", "active"]
    list_filter = ["recurrence", "active"]
    list_select_related = ["site", "default_engineer"]


class InspectionResultInline(admin.TabularInline):
    model = InspectionResult
    extra = 0
    raw_id_fields = ["ticket", "equipment"]


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["site", "scheduled_for", "status", "assignee"]
    list_filter = ["status"]
    list_select_related = ["site", "assignee"]
    date_hierarchy = "scheduled_for"
    inlines = [InspectionResultInline]


@admin.register(MaintenancePlan)
class MaintenancePlanAdmin(SimpleHistoryAdmin):
    list_display = [
        "equipment",
        "task_kind",
        "interval_count",
        "interval_unit",
        "start_date",
        "active",
    ]
    list_select_related = ["equipment"]


@admin.register(MaintenanceTask)
class MaintenanceTaskAdmin(SimpleHistoryAdmin):
    list_display = ["equipment", "task_kind", "due_on", "status", "done_by"]
    list_filter = ["status", "task_kind"]
    list_select_related = ["equipment", "done_by"]
