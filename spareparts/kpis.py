"""Spare-parts KPIs for the SLA dashboard."""

from django.db.models import Count, Q

from .models import Reservation


def _pk(value):
    return getattr(value, "pk", value)


def parts_fill_rate(start, end, organization=None, site=None, service_center=None) -> tuple[int, int]:
    """(reservations served from the site's own centre, all reservations) made in
    [start, end). `service_center` counts the sites of that centre and, for a regional
    one, of its local children. One aggregate query."""
    qs = Reservation.objects.filter(created_at__gte=start, created_at__lt=end)
    if organization is not None:
        qs = qs.filter(ticket__organization_id=_pk(organization))
    if site is not None:
        qs = qs.filter(ticket__site_id=_pk(site))
    if service_center is not None:
        centre = _pk(service_center)
        qs = qs.filter(Q(ticket__site__service_center_id=centre) | Q(ticket__site__service_center__parent_id=centre))
    totals = qs.aggregate(total=Count("id"), own=Count("id", filter=Q(served_from_own_centre=True)))
    return totals["own"], totals["total"]
