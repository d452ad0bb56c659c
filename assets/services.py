"""Write use cases of assets: sites, equipment models, equipment and service contracts
(dispatchers write sites and equipment, managers contracts). The related rows named in
the input must be in the actor's scope; a contract's change tells training through
assets.ports, in the same transaction."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.roles import DISPATCH, MANAGERS
from accounts.selectors import organizations_visible_to, service_centers_visible_to
from servicedesk.crud import EntityServices, check_role, check_visible
from servicedesk.errors import PermissionDenied, ServiceError

from . import ports
from .models import (
    Downtime,
    Equipment,
    EquipmentModel,
    ServiceContract,
    ServiceTeam,
    ServiceTeamMember,
    Site,
)
from .selectors import contracts_visible_to, equipment_visible_to, sites_visible_to


def _check_site_input(actor, fields: dict) -> None:
    check_visible(actor, fields.get("organization"), organizations_visible_to)
    check_visible(actor, fields.get("service_center"), service_centers_visible_to)


def _check_equipment_input(actor, fields: dict) -> None:
    check_visible(actor, fields.get("site"), sites_visible_to)


def _check_contract_input(actor, fields: dict) -> None:
    check_visible(actor, fields.get("organization"), organizations_visible_to)
    for site in fields.get("sites") or ():
        check_visible(actor, site, sites_visible_to)


def _contract_changed(contract: ServiceContract, actor) -> None:
    ports.contract_changed(contract=contract, actor=actor)


site_create, site_update, site_delete = EntityServices(
    Site, roles=DISPATCH, visible=sites_visible_to, check_input=_check_site_input
).functions
equipment_model_create, equipment_model_update, equipment_model_delete = EntityServices(
    EquipmentModel, roles=DISPATCH
).functions
equipment_create, equipment_update, equipment_delete = EntityServices(
    Equipment, roles=DISPATCH, visible=equipment_visible_to, check_input=_check_equipment_input
).functions
contract_create, contract_update, contract_delete = EntityServices(
    ServiceContract,
    roles=MANAGERS,
    visible=contracts_visible_to,
    check_input=_check_contract_input,
    after_save=_contract_changed,
    many=["sites"],
).functions


# --- service teams (issue 18) ---------------------------------------------------------
@transaction.atomic
def contract_team_set(
    *, contract: ServiceContract, actor, lead, members, name: str = ""
) -> ServiceTeam:
    """Replace the contract's team: `lead` plus `members` (users; the lead may be among
    them). Managers only; every person an active staff member. Below the plan's rule
    the team is still saved (assets.selectors.team_warnings says why it falls short)."""
    check_role(actor, MANAGERS)
    check_visible(actor, contract, contracts_visible_to)
    people = list(dict.fromkeys([p for p in [lead, *members] if p is not None]))
    for person in people:
        if not (person.is_active and person.is_staff_role):
            raise ServiceError(_("Team members are active service staff."), field="members")
    if lead is None:
        raise ServiceError(_("Choose the team lead."), field="lead")
    team, _created = ServiceTeam.objects.select_for_update().get_or_create(contract=contract)
    if name != team.name:
        team.name = name
        team._history_user = actor
        team.save()
    keep = {p.pk for p in people}
    for old in team.members.exclude(user_id__in=keep):
        old._history_user = actor
        old.delete()
    current = {m.user_id: m for m in team.members.all()}
    # The old lead steps down first: one lead per team is a database constraint.
    for member in current.values():
        if member.role == ServiceTeamMember.Role.LEAD and member.user_id != lead.pk:
            _set_role(member, ServiceTeamMember.Role.MEMBER, actor)
    for person in people:
        role = (
            ServiceTeamMember.Role.LEAD if person.pk == lead.pk else ServiceTeamMember.Role.MEMBER
        )
        member = current.get(person.pk)
        if member is None:
            member = ServiceTeamMember(team=team, user=person, role=role)
            member._history_user = actor
            member.save()
        elif member.role != role:
            _set_role(member, role, actor)
    return team


def _set_role(member: ServiceTeamMember, role: str, actor) -> None:
    member.role = role
    member._history_user = actor
    member.save(update_fields=["role", "updated_at"])


# --- downtime: the ticket services call these inside their own transaction -------
_WORST = {Downtime.Impact.DOWN: 2, Downtime.Impact.DEGRADED: 1}
_STATUS = {
    Downtime.Impact.DOWN: Equipment.Status.DOWN,
    Downtime.Impact.DEGRADED: Equipment.Status.DEGRADED,
}


def equipment_refresh_status(*, equipment_id: int) -> Equipment:
    """The unit's status follows its open faults: the worst impact, else operational.
    Saved (and kept in history) only when it changes."""
    unit = Equipment.objects.select_for_update().get(pk=equipment_id)
    impacts = Downtime.objects.filter(
        equipment_id=equipment_id, kind=Downtime.Kind.UNPLANNED, ended_at__isnull=True
    ).values_list("impact", flat=True)
    worst = max(impacts, key=_WORST.__getitem__, default=None)
    status = _STATUS[worst] if worst else Equipment.Status.OPERATIONAL
    if unit.status != status:
        unit.status = status
        unit.save(update_fields=["status", "updated_at"])
    return unit


@transaction.atomic
def downtime_track_fault(
    *, equipment_id: int, ticket_id: int, reference: str, impact: str, since: datetime
) -> None:
    """A fault's impact is known (triage) or changed (a new severity): every span of the
    fault takes the impact; the first one opens at `since` (the report time). No impact
    (a general fault, by the policy's rules) removes the fault's spans."""
    spans = Downtime.objects.select_for_update().filter(ticket_id=ticket_id)
    if not impact:
        spans.delete()
    elif spans.exists():
        for span in spans.exclude(impact=impact, equipment_id=equipment_id):
            span.impact, span.equipment_id = impact, equipment_id
            span.save(update_fields=["impact", "equipment", "updated_at"])
    else:
        Downtime.objects.create(
            equipment_id=equipment_id,
            kind=Downtime.Kind.UNPLANNED,
            impact=impact,
            started_at=since,
            ticket_id=ticket_id,
            reference=reference,
        )
    equipment_refresh_status(equipment_id=equipment_id)


@transaction.atomic
def downtime_end_fault(*, ticket_id: int, at: datetime) -> None:
    """The fault is resolved: its open span ends."""
    for span in Downtime.objects.select_for_update().filter(
        ticket_id=ticket_id, ended_at__isnull=True
    ):
        span.ended_at = max(at, span.started_at)
        span.save(update_fields=["ended_at", "updated_at"])
        equipment_refresh_status(equipment_id=span.equipment_id)


@transaction.atomic
def downtime_reopen_fault(
    *, equipment_id: int, ticket_id: int, reference: str, impact: str, at: datetime
) -> None:
    """The fault recurred: a new span from now, with the fault's impact."""
    open_spans = Downtime.objects.filter(ticket_id=ticket_id, ended_at__isnull=True)
    if impact and not open_spans.exists():
        Downtime.objects.create(
            equipment_id=equipment_id,
            kind=Downtime.Kind.UNPLANNED,
            impact=impact,
            started_at=at,
            ticket_id=ticket_id,
            reference=reference,
        )
    equipment_refresh_status(equipment_id=equipment_id)


@transaction.atomic
def downtime_drop_fault(*, ticket_id: int) -> None:
    """The report was cancelled: it was no outage of the unit."""
    units = set(Downtime.objects.filter(ticket_id=ticket_id).values_list("equipment_id", flat=True))
    Downtime.objects.filter(ticket_id=ticket_id).delete()
    for equipment_id in units:
        equipment_refresh_status(equipment_id=equipment_id)


@transaction.atomic
def planned_downtime_record(
    *, equipment: Equipment, starts_at: datetime, ends_at: datetime, actor, note: str = ""
) -> Downtime:
    """A planned maintenance window (firmware update, calibration, cleaning): planned
    downtime, left out of the scheduled time."""
    if actor is not None and not (actor.is_admin_role or actor.role in DISPATCH):
        raise PermissionDenied(_("Your role may not plan maintenance windows."))
    if ends_at <= starts_at:
        raise ServiceError(_("The window must end after it starts."), field="ends_at")
    return Downtime.objects.create(
        equipment=equipment,
        kind=Downtime.Kind.PLANNED,
        impact=Downtime.Impact.DOWN,
        started_at=starts_at,
        ended_at=ends_at,
        note=note[:300],
    )
