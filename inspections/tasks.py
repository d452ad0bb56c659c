"""Thin Celery tasks: they take ids, re-load, and call one service. Safe to run twice
and concurrently (the services are exactly-once by constraint or conditional UPDATE)."""

from celery import shared_task

from . import services
from .models import Inspection


@shared_task(name="inspections.tasks.generate_due", acks_late=True)
def generate_due(horizon_days: int = 30) -> dict:
    return services.generate_due(horizon_days=horizon_days)


@shared_task(name="inspections.tasks.mark_missed", acks_late=True)
def mark_missed() -> dict:
    return services.mark_missed()


@shared_task(name="inspections.tasks.send_report", acks_late=True)
def send_report(inspection_id: int) -> bool:
    inspection = (
        Inspection.objects.select_related("site", "site__organization", "plan")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        return False
    return services.send_report(inspection=inspection)
