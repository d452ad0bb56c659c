"""The role sets views and pages name in `read_roles`, `write_roles` and `roles=`
(checked by servicedesk.api.permissions.RolePermission and `has_role`)."""

from .models import User

Role = User.Role
ALL_ROLES = frozenset(Role)
CUSTOMERS = frozenset(User.CUSTOMER_ROLES)
STAFF = frozenset(User.STAFF_ROLES)
FIELD_STAFF = frozenset(User.FIELD_ROLES)
DISPATCH = frozenset(User.DISPATCH_ROLES)
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
USER_ADMINS = frozenset({Role.ADMIN, Role.CUSTOMER_ADMIN})
