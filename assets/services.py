"""Write use cases of assets: sites, equipment models, equipment and service contracts
(dispatchers write sites and equipment, managers contracts). The related rows named in
the input must be in the actor's scope; a contract's change tells training through
assets.ports, in the same transaction."""

from django.db import transaction

from accounts.models import Organization, ServiceCenter
from accounts.roles import DISPATCH, MANAGERS
from accounts.selectors import organizations_visible_to, service_centers_visible_to
from servicedesk import crud

from . import ports
from .models import Equipment, EquipmentModel, ServiceContract, Site
from .selectors import contracts_visible_to, equipment_visible_to, sites_visible_to

CONTRACT_M2M = ("sites",)


def _check_site_input(actor, fields: dict) -> None:
    organization: Organization | None = fields.get("organization")
    center: ServiceCenter | None = fields.get("service_center")
    crud.check_visible(actor, organization, organizations_visible_to)
    crud.check_visible(actor, center, service_centers_visible_to)


# --- sites -----------------------------------------------------------------------------
def site_create(*, actor, **fields) -> Site:
    crud.check_role(actor, DISPATCH)
    _check_site_input(actor, fields)
    return crud.create(Site, actor=actor, fields=fields)


def site_update(site: Site, /, *, actor, **fields) -> Site:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, site, sites_visible_to)
    _check_site_input(actor, fields)
    return crud.update(site, actor=actor, fields=fields)


def site_delete(site: Site, /, *, actor) -> None:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, site, sites_visible_to)
    crud.delete(site, actor=actor)


# --- equipment models (the shared catalogue) ---------------------------------------------
def equipment_model_create(*, actor, **fields) -> EquipmentModel:
    crud.check_role(actor, DISPATCH)
    return crud.create(EquipmentModel, actor=actor, fields=fields)


def equipment_model_update(equipment_model: EquipmentModel, /, *, actor, **fields) -> EquipmentModel:
    crud.check_role(actor, DISPATCH)
    return crud.update(equipment_model, actor=actor, fields=fields)


def equipment_model_delete(equipment_model: EquipmentModel, /, *, actor) -> None:
    crud.check_role(actor, DISPATCH)
    crud.delete(equipment_model, actor=actor)


# --- equipment -------------------------------------------------------------------------
def equipment_create(*, actor, **fields) -> Equipment:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, fields.get("site"), sites_visible_to)
    return crud.create(Equipment, actor=actor, fields=fields)


def equipment_update(equipment: Equipment, /, *, actor, **fields) -> Equipment:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, equipment, equipment_visible_to)
    crud.check_visible(actor, fields.get("site"), sites_visible_to)
    return crud.update(equipment, actor=actor, fields=fields)


def equipment_delete(equipment: Equipment, /, *, actor) -> None:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, equipment, equipment_visible_to)
    crud.delete(equipment, actor=actor)


# --- service contracts (managers) --------------------------------------------------------
def _check_contract_input(actor, fields: dict) -> None:
    crud.check_visible(actor, fields.get("organization"), organizations_visible_to)
    for site in fields.get("sites") or ():
        crud.check_visible(actor, site, sites_visible_to)


@transaction.atomic
def contract_create(*, actor, **fields) -> ServiceContract:
    crud.check_role(actor, MANAGERS)
    _check_contract_input(actor, fields)
    contract = crud.create(ServiceContract, actor=actor, fields=fields, many=CONTRACT_M2M)
    ports.contract_changed(contract=contract, actor=actor)
    return contract


@transaction.atomic
def contract_update(contract: ServiceContract, /, *, actor, **fields) -> ServiceContract:
    crud.check_role(actor, MANAGERS)
    crud.check_visible(actor, contract, contracts_visible_to)
    _check_contract_input(actor, fields)
    contract = crud.update(contract, actor=actor, fields=fields, many=CONTRACT_M2M)
    ports.contract_changed(contract=contract, actor=actor)
    return contract


def contract_delete(contract: ServiceContract, /, *, actor) -> None:
    crud.check_role(actor, MANAGERS)
    crud.check_visible(actor, contract, contracts_visible_to)
    crud.delete(contract, actor=actor)
