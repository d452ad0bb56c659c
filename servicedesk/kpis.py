"""What the apps' KPI modules share: the dashboard's filters (organisation, site,
service centre) as one Q over the row's path to its site, and reading a period's
bounds as local dates. One home, so the figures of sla, inspections, training and
spareparts filter alike."""

from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone


def pk_of(value):
    """A model instance's pk, or the value itself (an id)."""
    return getattr(value, "pk", value)


def local_day(moment: date | datetime) -> date:
    """An aware datetime as a date in the server's zone (dates pass unchanged)."""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def scope_q(
    *,
    site_path: str,
    organization=None,
    site=None,
    service_center=None,
    organization_path: str = "",
    center_path: str = "",
    with_children: bool = True,
) -> Q:
    """The filters as a Q on rows that reach their site through `site_path` ("site",
    "ticket__site"…). The organisation is `<site_path>__organization` unless
    `organization_path` says otherwise, the centre `<site_path>__service_center`
    unless `center_path` does; a regional centre includes its local children unless
    `with_children` is False. Filters left as None do not restrict."""
    q = Q()
    if organization is not None:
        path = organization_path or f"{site_path}__organization"
        q &= Q(**{f"{path}_id": pk_of(organization)})
    if site is not None:
        q &= Q(**{f"{site_path}_id": pk_of(site)})
    if service_center is not None:
        path, centre = center_path or f"{site_path}__service_center", pk_of(service_center)
        in_centre = Q(**{f"{path}_id": centre})
        if with_children:
            in_centre |= Q(**{f"{path}__parent_id": centre})
        q &= in_centre
    return q
