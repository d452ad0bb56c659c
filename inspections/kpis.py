"""KPI for the SLA dashboard: inspections done on schedule."""

from datetime import date, datetime, timedelta

from django.db.models import Count, DateField, ExpressionWrapper, F, Q
from django.utils import timezone

from .models import Inspection
from .services import grace_days


def _day(moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def _pk(value):
    return getattr(value, "pk", value)


def inspections_on_schedule(start, end, organization=None, site=None, service_center=None) -> tuple[int, int]:
    """(done_on_time, due_total) over the inspections scheduled in [start, end) (start
    and end aware datetimes, read as dates in the server's zone; dates work too),
    cancelled ones excluded. On time: completed on or before the scheduled date plus
    the grace period (INSPECTION_GRACE_DAYS), by the site's local date. One query."""
    qs = Inspection.objects.filter(scheduled_for__gte=_day(start), scheduled_for__lt=_day(end)).exclude(
        status=Inspection.Status.CANCELLED)
    if organization is not None:
        qs = qs.filter(site__organization_id=_pk(organization))
    if site is not None:
        qs = qs.filter(site_id=_pk(site))
    if service_center is not None:
        qs = qs.filter(service_center_id=_pk(service_center))
    deadline = ExpressionWrapper(F("scheduled_for") + timedelta(days=grace_days()), output_field=DateField())
    totals = qs.aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=Q(status=Inspection.Status.COMPLETED, completed_on__lte=deadline)),
    )
    return totals["on_time"], totals["due"]


def missed_and_overdue(organization=None, site=None, service_center=None) -> tuple[int, int]:
    """(missed inspections, overdue maintenance tasks) right now, for the dashboards'
    warning tiles. Two queries."""
    from .models import MaintenanceTask

    inspections = Inspection.objects.filter(status=Inspection.Status.MISSED)
    tasks = MaintenanceTask.objects.filter(status=MaintenanceTask.Status.OVERDUE)
    if organization is not None:
        inspections = inspections.filter(site__organization_id=_pk(organization))
        tasks = tasks.filter(equipment__site__organization_id=_pk(organization))
    if site is not None:
        inspections, tasks = inspections.filter(site_id=_pk(site)), tasks.filter(equipment__site_id=_pk(site))
    if service_center is not None:
        inspections = inspections.filter(service_center_id=_pk(service_center))
        tasks = tasks.filter(equipment__site__service_center_id=_pk(service_center))
    return inspections.count(), tasks.count()
