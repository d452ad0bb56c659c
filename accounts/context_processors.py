from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User

Role = User.Role
EVERYONE = set(Role)
STAFF = set(User.STAFF_ROLES)
CUSTOMERS = set(User.CUSTOMER_ROLES)

# (label, url name, roles). Entries whose page does not exist yet are left out,
# so an app adds its pages here once and the menu follows.
NAVIGATION = [
    (_("Home"), "home", EVERYONE),
    (_("Queue"), "tickets:queue", {Role.DISPATCHER, Role.MANAGER, Role.ADMIN}),
    (_("My work"), "tickets:my_work", {Role.ENGINEER, Role.EXPERT}),
    (_("Fault reports"), "tickets:list", EVERYONE),
    (_("Report a fault"), "tickets:create", CUSTOMERS | {Role.DISPATCHER}),
    (_("Visits"), "tickets:visit_list", STAFF),
    (_("Inspections"), "inspections:list", EVERYONE),
    (_("Calendar"), "inspections:calendar", {Role.DISPATCHER, Role.MANAGER, Role.ADMIN}),
    (_("Spare parts"), "spareparts:stock", STAFF),
    (_("Training"), "training:catalogue", EVERYONE),
    (_("Service archive"), "tickets:archive", CUSTOMERS),
    (_("Knowledge base"), "kb:list", EVERYONE),
    (_("Sites"), "assets:site_list", EVERYONE),
    (_("Equipment"), "assets:equipment_list", EVERYONE),
    (_("SLA dashboard"), "sla:dashboard", {Role.MANAGER, Role.ADMIN, Role.DISPATCHER}),
    (_("Inbound e-mail"), "tickets:inbound", {Role.DISPATCHER, Role.MANAGER, Role.ADMIN}),
    (_("Users"), "accounts:user_list", {Role.CUSTOMER_ADMIN, Role.ADMIN}),
    (_("Webhooks and robots"), "notifications:endpoint_list", {Role.ADMIN}),  # issue 17
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, roles in NAVIGATION:
        if user.role not in roles and not user.is_admin_role:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": label,
                "url": url,
                "active": request.path == url or (url != "/" and request.path.startswith(url)),
            }
        )
    return {"nav_items": items}


def background_status(request):
    """Managers and admins see a banner when the worker or beat stopped
    (servicedesk.heartbeats); everyone else pays nothing."""
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or not (user.role == Role.MANAGER or user.is_admin_role)
    ):
        return {}
    from django.db import DatabaseError

    from servicedesk import heartbeats

    try:
        return {"background_stopped_at": heartbeats.stopped_since()}
    except DatabaseError:
        return {}
