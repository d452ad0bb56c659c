"""Every read of assets, scoped to the caller in one place per model: customers see
their organisation's, staff the sites of their service centres (all when they have none)."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User

from .models import Equipment, EquipmentModel, ServiceContract, Site


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
