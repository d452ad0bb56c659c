"""Role checks for the API. Every view states who may read and who may write;
a view that states nothing lets nobody but admins in (fail closed)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import User

Role = User.Role
ALL_ROLES = frozenset(Role)
CUSTOMERS = frozenset(User.CUSTOMER_ROLES)
STAFF = frozenset(User.STAFF_ROLES)
FIELD_STAFF = frozenset({Role.ENGINEER, Role.EXPERT})
DISPATCH = frozenset({Role.DISPATCHER, Role.MANAGER, Role.ADMIN})
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
USER_ADMINS = frozenset({Role.ADMIN, Role.CUSTOMER_ADMIN})


def roles_for(request, view) -> frozenset:
    """The roles allowed for this request: an @action's `roles`, else the view's
    `read_roles` for safe methods and `write_roles` for the rest."""
    action_roles = getattr(view, "roles", None)
    if action_roles is not None:
        return frozenset(action_roles)
    if request.method in SAFE_METHODS:
        return frozenset(getattr(view, "read_roles", ()))
    return frozenset(getattr(view, "write_roles", ()))


def has_role(user, roles) -> bool:
    return bool(user and user.is_authenticated and (user.is_admin_role or user.role in roles))


class RolePermission(BasePermission):
    message = "Your role may not do this."

    def has_permission(self, request, view):
        if has_role(request.user, roles_for(request, view)):
            return True
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        # On a detail route the object is looked up first, so an object outside the
        # caller's scope answers 404 and only one in scope answers 403.
        return bool(lookup and lookup in getattr(view, "kwargs", {}))

    def has_object_permission(self, request, view, obj):
        return has_role(request.user, roles_for(request, view))
