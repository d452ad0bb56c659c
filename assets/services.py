"""Write use cases of assets: sites, equipment models, equipment and service contracts
(dispatchers write sites and equipment, managers contracts). The related rows named in
the input must be in the actor's scope; a contract's change tells training through
assets.ports, in the same transaction."""

from accounts.roles import DISPATCH, MANAGERS
from accounts.selectors import organizations_visible_to, service_centers_visible_to
from servicedesk.crud import EntityServices, check_visible

from . import ports
from .models import Equipment, EquipmentModel, ServiceContract, Site
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
