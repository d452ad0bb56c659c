"""Inspection plans and maintenance plans: created, changed and deleted by dispatchers
(a plan with inspections or tasks is set inactive instead of deleted)."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import DISPATCH
from assets.selectors import equipment_visible_to, sites_visible_to
from servicedesk.crud import EntityServices, check_visible

from ..models import InspectionPlan, MaintenancePlan
from ..selectors import maintenance_plans_visible_to, plans_visible_to


def _check_plan_input(actor, fields: dict) -> None:
    check_visible(actor, fields.get("site"), sites_visible_to)
    check_visible(actor, fields.get("equipment"), equipment_visible_to)


inspection_plan_create, inspection_plan_update, inspection_plan_delete = EntityServices(
    InspectionPlan,
    roles=DISPATCH,
    visible=plans_visible_to,
    check_input=_check_plan_input,
    in_use=_(
        "The plan has inspections; set it inactive or give it an end date instead of deleting it."
    ),
).functions
maintenance_plan_create, maintenance_plan_update, maintenance_plan_delete = EntityServices(
    MaintenancePlan,
    roles=DISPATCH,
    visible=maintenance_plans_visible_to,
    check_input=_check_plan_input,
    in_use=_("The plan has tasks; set it inactive instead of deleting it."),
).functions
