"""Every read of assets, scoped to the caller in one place per model: customers see
their organisation's, staff the sites of their service centres (all when they have none)."""

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .availability import Figures, compute
from .models import (
    Downtime,
    Equipment,
    EquipmentModel,
    ServiceContract,
    ServiceTeam,
    ServiceTeamMember,
    Site,
)

# The service plan: a dedicated team of five or more (settings.SERVICE_TEAM_MIN_SIZE).
DEFAULT_TEAM_MIN_SIZE = 5


def sites_visible_to(user: User) -> QuerySet[Site]:
    qs = Site.objects.select_related("organization", "service_center")
    if user.is_customer:
        return qs.filter(organization_id=user.organization_id)
    if user.center_ids is None:
        return qs
    return qs.filter(service_center_id__in=user.center_ids)


def equipment_visible_to(user: User) -> QuerySet[Equipment]:
    qs = Equipment.objects.select_related("site", "site__organization", "equipment_model")
    if user.is_customer:
        return qs.filter(site__organization_id=user.organization_id)
    if user.center_ids is None:
        return qs
    return qs.filter(site__service_center_id__in=user.center_ids)


def equipment_models_visible_to(user: User) -> QuerySet[EquipmentModel]:
    return EquipmentModel.objects.all()


def contracts_visible_to(user: User) -> QuerySet[ServiceContract]:
    qs = ServiceContract.objects.select_related("organization").prefetch_related("sites")
    if user.is_customer:
        return qs.filter(organization_id=user.organization_id)
    if user.center_ids is None:
        return qs
    covered = Site.objects.filter(
        organization=OuterRef("organization"), service_center_id__in=user.center_ids
    )
    return qs.filter(Exists(covered))


# --- service teams (issue 18) ---------------------------------------------------------
def _team_rows(qs: QuerySet[ServiceTeam]) -> QuerySet[ServiceTeam]:
    members = ServiceTeamMember.objects.select_related("user", "user__engineer_profile")
    return qs.select_related("contract", "contract__organization").prefetch_related(
        Prefetch("members", queryset=members)
    )


def teams_visible_to(user: User) -> QuerySet[ServiceTeam]:
    """Teams of the contracts the user sees (customers: their own contracts' teams)."""
    return _team_rows(ServiceTeam.objects.filter(contract__in=contracts_visible_to(user)))


def team_for_site(site: Site, on: date | None = None) -> ServiceTeam | None:
    """The team of the contract in force on `on` (today) that covers the site; the
    contract that started last wins when several overlap."""
    on = on or timezone.localdate()
    return (
        _team_rows(ServiceTeam.objects.all())
        .filter(contract__sites=site, contract__starts_on__lte=on, contract__ends_on__gte=on)
        .order_by("-contract__starts_on", "-pk")
        .first()
    )


def is_senior(user: User) -> bool:
    """A senior engineer: a technical expert, a manager, or a tier ≥ 2 profile."""
    if user.role in (User.Role.EXPERT, User.Role.MANAGER):
        return True
    profile = getattr(user, "engineer_profile", None)
    return profile is not None and profile.tier >= 2


def team_min_size() -> int:
    return int(getattr(settings, "SERVICE_TEAM_MIN_SIZE", DEFAULT_TEAM_MIN_SIZE))


def team_warnings(team: ServiceTeam) -> list[str]:
    """Where the team falls short of the service plan's rule (five or more people,
    led by a senior engineer). Warnings, not errors: a team is still saved."""
    members = [m for m in team.members.all() if m.user.is_active]
    warnings = []
    if len(members) < team_min_size():
        warnings.append(
            str(_("The team has %(count)d members; the service plan asks for at least %(min)d."))
            % {"count": len(members), "min": team_min_size()}
        )
    lead = next((m.user for m in members if m.role == ServiceTeamMember.Role.LEAD), None)
    if lead is None:
        warnings.append(str(_("The team has no lead.")))
    elif not is_senior(lead):
        warnings.append(str(_("The team lead is not a senior engineer.")))
    return warnings


def downtimes_overlapping(units, start: datetime, end: datetime) -> QuerySet[Downtime]:
    """The downtime spans of `units` (a queryset or ids) that overlap [start, end)."""
    return Downtime.objects.filter(equipment__in=units, started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    )


def availability_by_unit(units, start: datetime, end: datetime) -> dict[int, Figures]:
    """Each unit's figures over [start, end): one query for the spans, whatever the
    number of units (the caller passes units already scoped)."""
    now = timezone.now()
    ids = [u.pk if hasattr(u, "pk") else u for u in units]
    spans: dict[int, list[Downtime]] = {pk: [] for pk in ids}
    for row in downtimes_overlapping(ids, start, end).order_by():
        spans[row.equipment_id].append(row)
    return {pk: compute(rows, start, end, now) for pk, rows in spans.items()}


def availability_total(figures: Iterable[Figures], start: datetime, end: datetime) -> Figures:
    """The sum over several units (a site, an organisation)."""
    total = Figures(start=start, end=end)
    for item in figures:
        total.add(item)
    return total


def availability_summary(units: QuerySet[Equipment], start: datetime, end: datetime) -> dict:
    """Per unit, per site and per organisation (and in total) over [start, end), for
    pages and reports: two queries (the units, their spans). Rows carry `display()`
    figures; the units are those the caller passes, already scoped."""
    units = list(units.select_related("site", "site__organization").order_by())
    by_unit = availability_by_unit(units, start, end)
    groups: dict[str, dict] = {"sites": {}, "organizations": {}}
    rows = []
    for unit in sorted(units, key=lambda u: (u.site.organization.name, u.site.name, u.name)):
        figures = by_unit[unit.pk]
        rows.append({"unit": unit, "figures": figures, **figures.display()})
        for key, owner in (("sites", unit.site), ("organizations", unit.site.organization)):
            group = groups[key].setdefault(
                owner.pk, {"name": str(owner), "units": 0, "figures": Figures(start, end)}
            )
            group["units"] += 1
            group["figures"].add(figures)
    total = availability_total(by_unit.values(), start, end)

    def shaped(key):
        return [{**g, **g["figures"].display()} for g in groups[key].values()]

    return {
        "units": rows,
        "sites": shaped("sites"),
        "organizations": shaped("organizations"),
        "total": {"units": len(units), "figures": total, **total.display()},
    }
