"""Write use cases of accounts. A customer admin manages their own organisation's
users and nobody else's; only admins create staff."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from servicedesk import crud
from servicedesk.errors import PermissionDenied, ServiceError

from .models import Organization, ServiceCenter, User
from .roles import ADMINS


def _check_managed(actor: User, *, role: str, organization, service_centers=None) -> None:
    if actor.is_admin_role:
        return
    if service_centers:
        # Service centres decide which staff work a user sees: staff-only, admins set them.
        raise ServiceError(
            _("Only administrators assign service centres."), field="service_centers"
        )
    if actor.role != User.Role.CUSTOMER_ADMIN:
        raise PermissionDenied(_("Only administrators and customer admins manage users."))
    if role not in User.CUSTOMER_ROLES:
        raise ServiceError(_("A customer admin can only create customer accounts."), field="role")
    if organization is not None and organization.pk != actor.organization_id:
        raise ServiceError(
            _("A customer admin can only manage their own organisation."), field="organization"
        )


@transaction.atomic
def user_create(*, actor: User, password: str | None = None, service_centers=(), **fields) -> User:
    if actor.role == User.Role.CUSTOMER_ADMIN:
        fields["organization"] = actor.organization
    fields.setdefault("role", User.Role.CUSTOMER)
    _check_managed(
        actor,
        role=fields["role"],
        organization=fields.get("organization"),
        service_centers=service_centers,
    )
    user = User(**fields)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if service_centers:
        user.service_centers.set(service_centers)
    return user


@transaction.atomic
def user_update(
    *, actor: User, user: User, password: str | None = None, service_centers=None, **fields
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_managed(
        actor,
        role=fields.get("role", user.role),
        organization=fields.get("organization", user.organization),
        service_centers=service_centers,
    )
    if user.pk == actor.pk and not fields.get("is_active", True):
        raise ServiceError(_("You cannot deactivate your own account."), field="is_active")
    if user.pk == actor.pk and fields.get("role", user.role) != user.role:
        raise ServiceError(_("You cannot change your own role."), field="role")
    if actor.role == User.Role.CUSTOMER_ADMIN:
        fields.pop("organization", None)
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if service_centers is not None:
        user.service_centers.set(service_centers)
    return user


# --- organisations and service centres (admins) ------------------------------------
organization_create, organization_update, organization_delete = crud.EntityServices(
    Organization, roles=ADMINS
).functions
service_center_create, service_center_update, service_center_delete = crud.EntityServices(
    ServiceCenter, roles=ADMINS
).functions
