"""Shared steps of the inspection and maintenance use cases."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from inspections.transitions import next_status
from notifications.services import (
    notify_after_commit,  # noqa: F401 - the services call it through b.
)
from servicedesk.errors import InvalidTransition, PermissionDenied

Role = User.Role
DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.MANAGER, Role.ADMIN})
# Days after its date before an open inspection counts as missed (settings.py is shared,
# so the default lives here).
DEFAULT_GRACE_DAYS = 3


def grace_days() -> int:
    return int(getattr(settings, "INSPECTION_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def now() -> datetime:
    return timezone.now()


def check_role(actor: User, roles, action: str) -> None:
    if not (actor.is_admin_role or actor.role in roles):
        raise PermissionDenied(_("Your role may not do “%(action)s”.") % {"action": action})


def check_transition(table: dict, obj, action: str) -> str:
    target = next_status(table, action, obj.status)
    if target is None:
        raise InvalidTransition(
            _("“%(action)s” is not possible while it is %(status)s.")
            % {"action": action, "status": obj.get_status_display()}
        )
    return target


def check_worker(actor: User, assignee_id: int | None) -> None:
    """Field work: the assignee, any field engineer of the scope while unassigned,
    or dispatch roles."""
    if actor.is_admin_role or actor.role in DISPATCH_ROLES:
        return
    if assignee_id is None or assignee_id == actor.pk:
        return
    raise PermissionDenied(_("This work is assigned to another engineer."))


def save(instance, *fields: str) -> None:
    instance.save(update_fields=[*fields, "updated_at"])


def dispatchers_for_site(site) -> list[User]:
    """Dispatchers of the site's centre (or its regional parent) and those without centres."""
    center = site.service_center
    centers = [center.pk] + ([center.parent_id] if center.parent_id else [])
    qs = User.objects.filter(role=Role.DISPATCHER, is_active=True)
    return list(qs.filter(service_centers__in=centers).distinct()) + list(
        qs.filter(service_centers__isnull=True)
    )
