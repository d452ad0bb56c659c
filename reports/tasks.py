"""Thin Celery tasks: the beat schedule's check for the periodic reports, and the
build of one report (claimed by a conditional update: safe to run twice)."""

from celery import shared_task

from . import services


@shared_task(name="reports.tasks.schedule_operation_reports", acks_late=True)
def schedule_operation_reports() -> int:
    return len(services.reports_schedule())


@shared_task(
    name="reports.tasks.build_operation_report",
    acks_late=True,
    time_limit=15 * 60,
    soft_time_limit=14 * 60,
)
def build_operation_report(report_id: int) -> str:
    report = services.report_build(report_id=report_id)
    return "" if report is None else report.status
