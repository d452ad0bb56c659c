"""Every read of accounts data, scoped to the caller in one place per model."""

from django.db.models import QuerySet

from .models import Organization, ServiceCenter, User


def organizations_visible_to(user: User) -> QuerySet[Organization]:
    qs = Organization.objects.all()
    if user.is_customer:
        return qs.filter(pk=user.organization_id)
    if user.center_ids is None:
        return qs
    # The organisations with a site one of the user's centres serves (`sites` is the
    # reverse of assets' Site.organization: read here without importing assets).
    covered = Organization.objects.filter(sites__service_center_id__in=user.center_ids)
    return qs.filter(pk__in=covered.values("pk"))


def service_centers_visible_to(user: User) -> QuerySet[ServiceCenter]:
    # Customers may see which centre serves them; the list is not sensitive.
    return ServiceCenter.objects.select_related("parent")


def users_visible_to(user: User) -> QuerySet[User]:
    qs = User.objects.select_related("organization", "engineer_profile").prefetch_related(
        "service_centers"
    )
    if user.is_admin_role:
        return qs
    if user.is_customer:
        if user.role == User.Role.CUSTOMER_ADMIN:
            return qs.filter(organization_id=user.organization_id)
        return qs.filter(pk=user.pk)
    # Staff see their colleagues and the customers of the organisations they serve.
    customers = qs.filter(organization__in=organizations_visible_to(user))
    return qs.filter(role__in=User.STAFF_ROLES) | customers


def engineers_of(user: User) -> QuerySet[User]:
    """Field staff the caller may assign work to."""
    qs = User.objects.filter(role__in=User.FIELD_ROLES, is_active=True)
    if user.center_ids is not None:
        qs = qs.filter(service_centers__in=user.center_ids).distinct()
    return qs


def endpoint_scope_choices() -> dict:
    """What an admin may limit a webhook or group robot to (notifications.ports): every
    service centre and customer organisation, by name (two queries)."""
    return {
        "centres": list(ServiceCenter.objects.order_by("name").values_list("pk", "name")),
        "organizations": list(Organization.objects.order_by("name").values_list("pk", "name")),
    }
