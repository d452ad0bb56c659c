"""Role checks for the API. Every view states who may read and who may write (with
the role sets of accounts.roles); a view that states nothing lets nobody but admins
in (fail closed). Only the user's `role` and `is_admin_role` are read here, so this
shared base needs no domain app."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


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
    message = _("Your role may not do this.")  # in the request's language

    def has_permission(self, request, view):
        if has_role(request.user, roles_for(request, view)):
            return True
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        # On a detail route the object is looked up first, so an object outside the
        # caller's scope answers 404 and only one in scope answers 403.
        return bool(lookup and lookup in getattr(view, "kwargs", {}))

    def has_object_permission(self, request, view, obj):
        return has_role(request.user, roles_for(request, view))
