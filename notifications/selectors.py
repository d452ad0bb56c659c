"""Every read of notifications and inbound e-mail, scoped to the caller: a user sees
only their own notifications; the inbound queue is for dispatch roles."""

from django.db.models import QuerySet

from accounts.models import User

from .models import InboundEmail, Notification

DISPATCH_ROLES = frozenset({User.Role.DISPATCHER, User.Role.MANAGER, User.Role.ADMIN})


def notifications_for(user: User) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("actor", "target_type")


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbound_visible_to(user: User) -> QuerySet[InboundEmail]:
    qs = InboundEmail.objects.select_related("ticket", "handled_by")
    if not user.is_authenticated or not (user.is_admin_role or user.role in DISPATCH_ROLES):
        return qs.none()
    return qs
