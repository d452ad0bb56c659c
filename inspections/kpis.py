"""KPI for the SLA dashboard: inspections done on schedule."""

from datetime import timedelta

from django.db.models import Count, DateField, ExpressionWrapper, F, Q

from servicedesk.kpis import local_day, scope_q

from .models import Inspection, MaintenanceTask
from .services import grace_days


def _inspection_scope(**filters) -> Q:
    """Inspections carry their own service centre (the site's at generation)."""
    return scope_q(site_path="site", center_path="service_center", with_children=False, **filters)


def inspections_on_schedule(
    start, end, organization=None, site=None, service_center=None
) -> tuple[int, int]:
    """(done_on_time, due_total) over the inspections scheduled in [start, end) (start
    and end aware datetimes, read as dates in the server's zone; dates work too),
    cancelled ones excluded. On time: completed on or before the scheduled date plus
    the grace period (INSPECTION_GRACE_DAYS), by the site's local date. One query."""
    qs = Inspection.objects.filter(
        _inspection_scope(organization=organization, site=site, service_center=service_center),
        scheduled_for__gte=local_day(start),
        scheduled_for__lt=local_day(end),
    ).exclude(status=Inspection.Status.CANCELLED)
    deadline = ExpressionWrapper(
        F("scheduled_for") + timedelta(days=grace_days()), output_field=DateField()
    )
    totals = qs.aggregate(
        due=Count("pk"),
        on_time=Count(
            "pk", filter=Q(status=Inspection.Status.COMPLETED, completed_on__lte=deadline)
        ),
    )
    return totals["on_time"], totals["due"]


def missed_and_overdue(organization=None, site=None, service_center=None) -> tuple[int, int]:
    """(missed inspections, overdue maintenance tasks) right now, for the dashboards'
    warning tiles. Two queries."""
    filters = {"organization": organization, "site": site, "service_center": service_center}
    inspections = Inspection.objects.filter(
        _inspection_scope(**filters), status=Inspection.Status.MISSED
    )
    tasks = MaintenanceTask.objects.filter(
        scope_q(site_path="equipment__site", with_children=False, **filters),
        status=MaintenanceTask.Status.OVERDUE,
    )
    return inspections.count(), tasks.count()
