"""Generation of due inspections and maintenance tasks, and the sweep that marks
the ones left undone as missed / overdue.

Exactly once: the unique constraints (plan, scheduled_for) and (plan, due_on) hold
whatever runs concurrently; rows are inserted with ON CONFLICT DO NOTHING, so two
workers computing the same dates insert each date once.

A plan edited later: generation continues after the last date already generated for
the plan (or today, in the plan's time zone, whichever is later); monthly and quarterly
plans continue in the period after it (recurrence.resume_after), so an edited day of
month never adds a second inspection in a month or quarter already planned. Inspections
generated before the edit stay as they are (a dispatcher may cancel or reassign them);
the new rule applies from the next date on. Past dates are never back-filled: they would
be missed at once.
"""

import logging
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q

from inspections import recurrence
from inspections.models import Inspection, InspectionPlan, MaintenancePlan, MaintenanceTask

from . import _base as base

log = logging.getLogger(__name__)
BATCH_SIZE = 200


def _window_start(
    today: date, last: date | None, first: date, *, resume: date | None = None
) -> date:
    start = max(today, first)
    if last is None:
        return start
    return max(start, resume or last + timedelta(days=1))


def plan_dates(
    plan: InspectionPlan, *, now: datetime, horizon_days: int, last: date | None
) -> list[date]:
    zone = plan.zone_name
    today = recurrence.local_today(now, zone)
    resume = recurrence.resume_after(plan.recurrence, last) if last else None
    start = _window_start(today, last, plan.active_from, resume=resume)
    return recurrence.occurrences(
        recurrence=plan.recurrence,
        anchor=plan.anchor_date,
        rule=plan.rrule,
        zone=zone,
        start=start,
        end=today + timedelta(days=horizon_days),
        until=plan.active_until,
    )


def _generate_inspections(now: datetime, horizon_days: int) -> int:
    plans = (
        InspectionPlan.objects.filter(active=True)
        .select_related("site")
        .annotate(last_date=Max("inspections__scheduled_for"))
        .order_by("pk")
    )
    proposed = 0
    for plan in plans.iterator(chunk_size=BATCH_SIZE):
        try:
            dates = plan_dates(plan, now=now, horizon_days=horizon_days, last=plan.last_date)
        except ValueError:
            log.warning("inspection plan %s has an invalid rule; skipped", plan.pk)
            continue
        rows = [
            Inspection(
                plan=plan,
                site_id=plan.site_id,
                checklist_template_id=plan.checklist_template_id,
                scheduled_for=day,
                assignee_id=plan.default_engineer_id,
                service_center_id=plan.service_center_id or plan.site.service_center_id,
            )
            for day in dates
        ]
        Inspection.objects.bulk_create(rows, ignore_conflicts=True)
        proposed += len(rows)
    return proposed


def _generate_tasks(now: datetime, horizon_days: int) -> int:
    plans = (
        MaintenancePlan.objects.filter(active=True, equipment__critical=True)
        .select_related("equipment__site")
        .annotate(last_date=Max("tasks__due_on"))
        .order_by("pk")
    )
    proposed = 0
    for plan in plans.iterator(chunk_size=BATCH_SIZE):
        today = recurrence.local_today(now, plan.equipment.site.time_zone)
        dates = recurrence.interval_dates(
            start_date=plan.start_date,
            count=plan.interval_count,
            unit=plan.interval_unit,
            start=_window_start(today, plan.last_date, plan.start_date),
            end=today + timedelta(days=horizon_days),
        )
        rows = [
            MaintenanceTask(
                plan=plan,
                equipment_id=plan.equipment_id,
                task_kind=plan.task_kind,
                due_on=day,
                assignee_id=plan.assignee_id,
            )
            for day in dates
        ]
        MaintenanceTask.objects.bulk_create(rows, ignore_conflicts=True)
        proposed += len(rows)
    return proposed


def generate_due(*, now: datetime | None = None, horizon_days: int = 30) -> dict[str, int]:
    """Create the inspections and maintenance tasks falling due within the horizon, for
    every active plan. Safe to run twice and concurrently. Returns the rows proposed
    (rows that already existed are skipped by the database)."""
    now = now or base.now()
    with transaction.atomic():
        inspections = _generate_inspections(now, horizon_days)
    with transaction.atomic():
        tasks = _generate_tasks(now, horizon_days)
    return {"inspections": inspections, "tasks": tasks}


def _claim(model, pk: int, from_statuses, **changes) -> bool:
    """The conditional UPDATE that makes the sweep exactly-once: only the worker that
    moves the row out of `from_statuses` gets 1 and notifies."""
    return model.objects.filter(pk=pk, status__in=from_statuses).update(**changes) == 1


def _mark_inspection_missed(inspection: Inspection, now: datetime) -> bool:
    with transaction.atomic():
        if not _claim(
            Inspection,
            inspection.pk,
            Inspection.OPEN_STATUSES,
            status=Inspection.Status.MISSED,
            missed_at=now,
            updated_at=now,
        ):
            return False
        # The UPDATE above claimed the row; saving the same values writes its history row.
        inspection.status, inspection.missed_at = Inspection.Status.MISSED, now
        base.save(inspection, "status", "missed_at")
        base.notify_after_commit(
            recipients=base.dispatchers_for_site(inspection.site),
            event="inspection_missed",
            target=inspection,
            context={"scheduled_for": inspection.scheduled_for.isoformat()},
        )
    return True


def _mark_task_overdue(task: MaintenanceTask, now: datetime) -> bool:
    with transaction.atomic():
        if not _claim(
            MaintenanceTask,
            task.pk,
            [MaintenanceTask.Status.DUE],
            status=MaintenanceTask.Status.OVERDUE,
            overdue_at=now,
            updated_at=now,
        ):
            return False
        task.status, task.overdue_at = MaintenanceTask.Status.OVERDUE, now
        base.save(task, "status", "overdue_at")
        base.notify_after_commit(
            recipients=base.dispatchers_for_site(task.equipment.site),
            event="maintenance_overdue",
            target=task,
            context={"due_on": task.due_on.isoformat()},
        )
    return True


def mark_missed(*, now: datetime | None = None, grace_days: int | None = None) -> dict[str, int]:
    """Open inspections whose date plus the grace period has passed (in the site's or
    plan's zone) become missed; due maintenance tasks past their date become overdue.
    Dispatchers are told once per inspection or task."""
    now = now or base.now()
    grace = base.grace_days() if grace_days is None else grace_days
    # No zone is more than a day ahead of UTC: this bound keeps the candidates few.
    latest = now.date() + timedelta(days=1)
    candidates = (
        Inspection.objects.filter(
            status__in=Inspection.OPEN_STATUSES, scheduled_for__lt=latest - timedelta(days=grace)
        )
        .select_related("plan", "site", "site__service_center")
        .order_by("scheduled_for", "pk")
    )
    missed = 0
    for inspection in candidates[: BATCH_SIZE * 10]:
        zone = inspection.plan.zone_name if inspection.plan else inspection.site.time_zone
        if inspection.scheduled_for + timedelta(days=grace) < recurrence.local_today(now, zone):
            missed += _mark_inspection_missed(inspection, now)
    tasks = (
        MaintenanceTask.objects.filter(Q(status=MaintenanceTask.Status.DUE), due_on__lt=latest)
        .select_related("equipment__site__service_center")
        .order_by("due_on", "pk")
    )
    overdue = 0
    for task in tasks[: BATCH_SIZE * 10]:
        if task.due_on < recurrence.local_today(now, task.equipment.site.time_zone):
            overdue += _mark_task_overdue(task, now)
    return {"missed": missed, "overdue": overdue}


__all__ = ["generate_due", "mark_missed", "plan_dates"]
