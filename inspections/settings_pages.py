"""Inspection and maintenance plans as settings pages (servicedesk.settings_pages),
written through inspections.services with the API's serializers' rules."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import MANAGERS
from accounts.selectors import engineers_of, service_centers_visible_to
from assets.selectors import contracts_visible_to, equipment_visible_to, sites_visible_to
from inspections import selectors, services
from inspections.api.serializers import InspectionPlanSerializer, MaintenancePlanSerializer
from inspections.models import InspectionPlan, MaintenancePlan
from servicedesk.settings_pages import SETTINGS_PAGES, SettingsPage

INSPECTION_PLANS = SettingsPage(
    namespace="inspections",
    key="plans",
    title=_("Inspection plans"),
    intro=_(
        "A plan generates the inspection visits of a site on its recurrence (monthly, "
        "quarterly or an RFC 5545 RRULE such as FREQ=WEEKLY;INTERVAL=2)."
    ),
    model=InspectionPlan,
    fields=[
        "name",
        "site",
        "contract",
        "recurrence",
        "rrule",
        "anchor_date",
        "time_zone",
        "default_engineer",
        "service_center",
        "checklist_template",
        "active_from",
        "active_until",
        "active",
    ],
    serializer=InspectionPlanSerializer,
    create=services.inspection_plan_create,
    update=services.inspection_plan_update,
    rows=lambda user: selectors.plans_visible_to(user).select_related("site"),
    columns=[
        (_("Name"), "name"),
        (_("Site"), lambda row: row.site),
        (_("Recurrence"), "recurrence"),
        (_("Active from"), "active_from"),
        (_("Active"), "active"),
    ],
    scoped={
        "site": sites_visible_to,
        "contract": contracts_visible_to,
        "default_engineer": engineers_of,
        "service_center": service_centers_visible_to,
        "checklist_template": selectors.checklist_templates_visible_to,
    },
    roles=MANAGERS,
    order=20,
)

MAINTENANCE_PLANS = SettingsPage(
    namespace="inspections",
    key="maintenance-plans",
    title=_("Maintenance plans"),
    intro=_("Recurring tasks on critical equipment: firmware updates, calibration, cleaning."),
    model=MaintenancePlan,
    fields=[
        "equipment",
        "task_kind",
        "title",
        "instructions",
        "interval_count",
        "interval_unit",
        "start_date",
        "assignee",
        "active",
    ],
    serializer=MaintenancePlanSerializer,
    create=services.maintenance_plan_create,
    update=services.maintenance_plan_update,
    rows=lambda user: selectors.maintenance_plans_visible_to(user).select_related("equipment"),
    columns=[
        (_("Equipment"), lambda row: row.equipment),
        (_("Task"), "task_kind"),
        (_("Every"), lambda row: f"{row.interval_count} {row.get_interval_unit_display()}"),
        (_("First due date"), "start_date"),
        (_("Active"), "active"),
    ],
    scoped={
        "equipment": lambda user: equipment_visible_to(user).filter(critical=True),
        "assignee": engineers_of,
    },
    roles=MANAGERS,
    order=21,
)

SETTINGS_PAGES.extend([INSPECTION_PLANS, MAINTENANCE_PLANS])
