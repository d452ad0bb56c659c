"""Preventive maintenance: plans on critical equipment, completing and skipping tasks,
and the firmware version a completed update records on the equipment."""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from assets.models import Equipment
from assets.services import planned_downtime_record
from inspections.models import MaintenancePlan, MaintenanceTask
from inspections.transitions import TASK_ACTION_ROLES, TASK_TRANSITIONS
from servicedesk.errors import InvalidTransition, ServiceError

from . import _base as base

MAX_WINDOW_MINUTES = 7 * 24 * 60


def check_plan_equipment(equipment: Equipment) -> None:
    if not equipment.critical:
        raise ServiceError(_("Maintenance plans cover critical equipment only."), field="equipment")


def equipment_set_firmware(*, equipment: Equipment, version: str) -> Equipment:
    """Records a new firmware version on the equipment, inside the caller's
    transaction; django-simple-history keeps the old value."""
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    equipment.firmware_version = version
    equipment.save(update_fields=["firmware_version", "updated_at"])
    return equipment


def _lock(task: MaintenanceTask) -> MaintenanceTask:
    locked = (
        MaintenanceTask.objects.select_for_update(of=("self",))
        .select_related("equipment")
        .get(pk=task.pk)
    )
    seen = getattr(task, "status", None)
    if seen and seen != locked.status and locked.status not in MaintenanceTask.OPEN_STATUSES:
        raise InvalidTransition(
            _("The task changed meanwhile (it is now %(status)s); reload it.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def maintenance_task_complete(
    *,
    task: MaintenanceTask,
    actor: User,
    notes: str = "",
    new_version: str = "",
    downtime_minutes: int = 0,
) -> MaintenanceTask:
    """Done; `downtime_minutes` > 0: the unit was out of service for the work, a planned
    maintenance window ending now (planned downtime, outside the scheduled time of the
    availability figures)."""
    base.check_role(actor, TASK_ACTION_ROLES["complete"], "complete")
    task = _lock(task)
    target = base.check_transition(TASK_TRANSITIONS, task, "complete")
    base.check_worker(actor, task.assignee_id)
    new_version = (new_version or "").strip()
    fields = ["status", "done_at", "done_by", "notes"]
    if task.task_kind == MaintenancePlan.TaskKind.FIRMWARE_UPDATE:
        if not new_version:
            raise ServiceError(_("Enter the firmware version installed."), field="new_version")
        task.previous_firmware_version = task.equipment.firmware_version
        task.new_firmware_version = new_version
        fields += ["previous_firmware_version", "new_firmware_version"]
        equipment_set_firmware(equipment=task.equipment, version=new_version)
    task.status, task.done_at, task.done_by, task.notes = (
        target,
        base.now(),
        actor,
        (notes or "").strip(),
    )
    base.save(task, *fields)
    if downtime_minutes:
        if not 0 < downtime_minutes <= MAX_WINDOW_MINUTES:
            raise ServiceError(
                _("Give the downtime in minutes, at most a week."), field="downtime_minutes"
            )
        planned_downtime_record(
            equipment=task.equipment,
            starts_at=task.done_at - timedelta(minutes=downtime_minutes),
            ends_at=task.done_at,
            actor=None,  # the task's own role and worker checks above apply
            note=f"{task.get_task_kind_display()} · {task.due_on:%Y-%m-%d}",
        )
    return task


@transaction.atomic
def maintenance_task_skip(*, task: MaintenanceTask, actor: User, reason: str) -> MaintenanceTask:
    if not (reason or "").strip():
        raise ServiceError(_("Give a reason."), field="reason")
    base.check_role(actor, TASK_ACTION_ROLES["skip"], "skip")
    task = _lock(task)
    task.status = base.check_transition(TASK_TRANSITIONS, task, "skip")
    task.notes, task.done_by, task.done_at = reason.strip(), actor, base.now()
    base.save(task, "status", "notes", "done_by", "done_at")
    return task
