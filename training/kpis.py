"""KPI for the SLA dashboard: operator training within one month of delivery."""

from django.db.models import Count, Exists, F, OuterRef, Q

from assets.models import ServiceContract
from servicedesk.kpis import local_day, scope_q

from .models import TrainingObligation


def training_within_month(
    start, end, organization=None, site=None, service_center=None
) -> tuple[int, int]:
    """(fulfilled_in_time, due_total) over the obligations due in [start, end) (aware
    datetimes read as dates in the server's zone; dates work too), cancelled ones
    left out. In time: fulfilled by a session held on or before the due date. The
    site and centre filters go through the contract's covered sites (a regional
    centre includes its local children). One aggregate query."""
    qs = TrainingObligation.objects.filter(
        due_on__gte=local_day(start), due_on__lt=local_day(end)
    ).exclude(status=TrainingObligation.Status.CANCELLED)
    qs = qs.filter(
        scope_q(site_path="", organization_path="organization", organization=organization)
    )
    if site is not None or service_center is not None:
        covered = ServiceContract.sites.through.objects.filter(
            servicecontract_id=OuterRef("contract_id")
        )
        qs = qs.filter(
            Exists(
                covered.filter(scope_q(site_path="site", site=site, service_center=service_center))
            )
        )
    totals = qs.aggregate(
        due=Count("pk"),
        in_time=Count(
            "pk",
            filter=Q(status=TrainingObligation.Status.FULFILLED, fulfilled_on__lte=F("due_on")),
        ),
    )
    return totals["in_time"], totals["due"]
