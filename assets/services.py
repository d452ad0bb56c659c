"""Write use cases of assets: sites, equipment models, equipment and service contracts
(dispatchers write sites and equipment, managers contracts). The related rows named in
the input must be in the actor's scope; a contract's change tells training through
assets.ports, in the same transaction."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.roles import DISPATCH, MANAGERS
from accounts.selectors import organizations_visible_to, service_centers_visible_to
from servicedesk.crud import EntityServices, check_role, check_visible
from servicedesk.errors import ServiceError

from . import ports
from .models import (
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
