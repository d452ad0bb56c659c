"""Spare-parts KPIs for the SLA dashboard."""

from django.db.models import Count, Q

from servicedesk.kpis import scope_q

from .models import Reservation


def parts_fill_rate(
    start, end, organization=None, site=None, service_center=None
) -> tuple[int, int]:
    """(reservations served from the site's own centre, all reservations) made in
    [start, end). `service_center` counts the sites of that centre and, for a regional
    one, of its local children. One aggregate query."""
    qs = Reservation.objects.filter(
        scope_q(
            site_path="ticket__site",
            organization_path="ticket__organization",
            organization=organization,
            site=site,
            service_center=service_center,
        ),
        created_at__gte=start,
        created_at__lt=end,
    )
    totals = qs.aggregate(total=Count("id"), own=Count("id", filter=Q(served_from_own_centre=True)))
    return totals["own"], totals["total"]
