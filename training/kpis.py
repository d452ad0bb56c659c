"""KPI for the SLA dashboard: operator training within one month of delivery."""

from datetime import date, datetime

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from assets.models import ServiceContract

from .models import TrainingObligation


def _day(moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def _pk(value):
    return getattr(value, "pk", value)


def training_within_month(start, end, organization=None, site=None, service_center=None) -> tuple[int, int]:
    """(fulfilled_in_time, due_total) over the obligations due in [start, end) (aware
    datetimes read as dates in the server's zone; dates work too), cancelled ones
    left out. In time: fulfilled by a session held on or before the due date. The
    site and centre filters go through the contract's covered sites (a regional
    centre includes its local children). One aggregate query."""
    qs = TrainingObligation.objects.filter(due_on__gte=_day(start), due_on__lt=_day(end)).exclude(
        status=TrainingObligation.Status.CANCELLED)
    if organization is not None:
        qs = qs.filter(organization_id=_pk(organization))
    sites = ServiceContract.sites.through.objects.filter(servicecontract_id=OuterRef("contract_id"))
    if site is not None:
        qs = qs.filter(Exists(sites.filter(site_id=_pk(site))))
    if service_center is not None:
        centre = _pk(service_center)
        qs = qs.filter(Exists(sites.filter(Q(site__service_center_id=centre)
                                           | Q(site__service_center__parent_id=centre))))
    totals = qs.aggregate(
        due=Count("pk"),
        in_time=Count("pk", filter=Q(status=TrainingObligation.Status.FULFILLED, fulfilled_on__lte=F("due_on"))),
    )
    return totals["in_time"], totals["due"]
