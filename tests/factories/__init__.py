"""factory-boy factories, one module per app; import them from here."""

from .accounts import EngineerProfileFactory, OrganizationFactory, ServiceCenterFactory, UserFactory
from .assets import EquipmentFactory, EquipmentModelFactory, ServiceContractFactory, SiteFactory

__all__ = [
    "EngineerProfileFactory",
    "EquipmentFactory",
    "EquipmentModelFactory",
    "OrganizationFactory",
    "ServiceCenterFactory",
    "ServiceContractFactory",
    "SiteFactory",
    "UserFactory",
]
