"""Inspection plans and maintenance plans: created, changed and deleted by dispatchers
(a plan with inspections or tasks is set inactive instead of deleted)."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import DISPATCH
from assets.selectors import equipment_visible_to, sites_visible_to
from servicedesk import crud

from ..models import InspectionPlan, MaintenancePlan
from ..selectors import maintenance_plans_visible_to, plans_visible_to


def _check_plan_input(actor, fields: dict) -> None:
    crud.check_visible(actor, fields.get("site"), sites_visible_to)
    crud.check_visible(actor, fields.get("equipment"), equipment_visible_to)


def inspection_plan_create(*, actor, **fields) -> InspectionPlan:
    crud.check_role(actor, DISPATCH)
    _check_plan_input(actor, fields)
    return crud.create(InspectionPlan, actor=actor, fields=fields)


def inspection_plan_update(plan: InspectionPlan, /, *, actor, **fields) -> InspectionPlan:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, plan, plans_visible_to)
    _check_plan_input(actor, fields)
    return crud.update(plan, actor=actor, fields=fields)


def inspection_plan_delete(plan: InspectionPlan, /, *, actor) -> None:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, plan, plans_visible_to)
    crud.delete(plan, actor=actor, in_use=_(
        "The plan has inspections; set it inactive or give it an end date instead of deleting it."))


def maintenance_plan_create(*, actor, **fields) -> MaintenancePlan:
    crud.check_role(actor, DISPATCH)
    _check_plan_input(actor, fields)
    return crud.create(MaintenancePlan, actor=actor, fields=fields)


def maintenance_plan_update(plan: MaintenancePlan, /, *, actor, **fields) -> MaintenancePlan:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, plan, maintenance_plans_visible_to)
    _check_plan_input(actor, fields)
    return crud.update(plan, actor=actor, fields=fields)


def maintenance_plan_delete(plan: MaintenancePlan, /, *, actor) -> None:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, plan, maintenance_plans_visible_to)
    crud.delete(plan, actor=actor,
                in_use=_("The plan has tasks; set it inactive instead of deleting it."))
