"""Every write on inspections and maintenance: one transaction, a row lock, the
transition table checked, history through django-simple-history, side effects after
commit. The use cases live in the modules of this package; import them from here."""

from ._base import DEFAULT_GRACE_DAYS, grace_days
from .generation import generate_due, mark_missed
from .maintenance import (
    check_plan_equipment,
    equipment_set_firmware,
    maintenance_task_complete,
    maintenance_task_skip,
)
from .plans import (
    inspection_plan_create,
    inspection_plan_delete,
    inspection_plan_update,
    maintenance_plan_create,
    maintenance_plan_delete,
    maintenance_plan_update,
)
from .reports import render_report, report_filename, send_report
from .upgrades import (
    assessment_approve,
    assessment_create,
    assessment_decline,
    assessment_filename,
    assessment_propose,
    assessment_revise,
    assessment_update,
    render_assessment,
)
from .work import (
    inspection_acknowledge,
    inspection_assign,
    inspection_cancel,
    inspection_complete,
    inspection_raise_ticket,
    inspection_record_results,
    inspection_start,
    missing_required,
)

__all__ = [
    "assessment_approve",
    "assessment_create",
    "assessment_decline",
    "assessment_filename",
    "assessment_propose",
    "assessment_revise",
    "assessment_update",
    "render_assessment",
    "DEFAULT_GRACE_DAYS",
    "check_plan_equipment",
    "equipment_set_firmware",
    "generate_due",
    "grace_days",
    "inspection_acknowledge",
    "inspection_assign",
    "inspection_cancel",
    "inspection_complete",
    "inspection_raise_ticket",
    "inspection_record_results",
    "inspection_start",
    "maintenance_task_complete",
    "maintenance_task_skip",
    "mark_missed",
    "missing_required",
    "render_report",
    "report_filename",
    "send_report",
    "inspection_plan_create",
    "inspection_plan_delete",
    "inspection_plan_update",
    "maintenance_plan_create",
    "maintenance_plan_delete",
    "maintenance_plan_update",
]
