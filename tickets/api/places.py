"""Where a new report is: its site (with the organisation and the service centre) and
its unit, looked up and checked against the caller's scope in one query (issue 15: the
create request looked up the caller's centres, then the organisation, the site and the
unit, one query each).

The scope test is the one of `assets.selectors.sites_visible_to` and
`equipment_visible_to` written as two EXISTS columns of the same row, so the caller's
centres (`User.center_ids`) need no query of their own: `covered` (the site's centre is
one of the caller's or a child of one) and `restricted` (the caller has centres at all;
staff without centres see everything). tests/tickets/test_report_place.py holds it
against the selectors for every kind of user. Whatever this does not find (another
organisation's id, a unit of another site) the serializer's fields look up the usual
way, so errors stay those of the scoped fields."""

from django.db.models import Exists, OuterRef, Q

from accounts.models import ServiceCenter, User
from assets.models import Equipment, Site


def _pk(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scope_columns(user: User, centre: OuterRef) -> dict:
    return {
        "covered": Exists(
            ServiceCenter.objects.filter(Q(staff=user) | Q(parent__staff=user), pk=centre)
        ),
        "restricted": Exists(User.service_centers.through.objects.filter(user_id=user.pk)),
    }


def _visible(user: User, row, site: Site) -> bool:
    if user.is_customer:
        return site.organization_id == user.organization_id
    if user.is_admin_role:
        return True
    if "center_ids" in user.__dict__:  # already known for this request
        return user.center_ids is None or site.service_center_id in user.center_ids
    return row.covered or not row.restricted


def report_place(user: User, *, site, equipment=None) -> dict:
    """{"organization", "site", "equipment"} as far as found and visible to `user`
    (ids as sent; an empty dict when nothing is)."""
    site_id, equipment_id = _pk(site), _pk(equipment)
    if site_id is None or (equipment is not None and equipment_id is None):
        return {}
    ask_scope = not (user.is_customer or user.is_admin_role or "center_ids" in user.__dict__)
    if equipment_id is not None:
        qs = Equipment.objects.select_related(
            "site__organization", "site__service_center", "equipment_model"
        ).filter(pk=equipment_id, site_id=site_id)
        centre = OuterRef("site__service_center_id")
    else:
        qs = Site.objects.select_related("organization", "service_center").filter(pk=site_id)
        centre = OuterRef("service_center_id")
    if ask_scope:
        qs = qs.annotate(**_scope_columns(user, centre))
    row = next(iter(qs.order_by()[:1]), None)  # one row by its id: no ORDER BY
    if row is None:
        return {}
    place = row.site if equipment_id is not None else row
    if not _visible(user, row, place):
        return {}
    found = {"site": place, "organization": place.organization}
    if equipment_id is not None:
        found["equipment"] = row
    return found
