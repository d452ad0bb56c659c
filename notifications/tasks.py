"""Thin tasks over the outbox (notifications.outbox). Every one of them is safe to run
twice or concurrently: rows are claimed before they are sent."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from . import outbox, services

# A database error (an outage) retries the run with capped backoff; the periodic run
# would deliver the rows anyway.
RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": settings.TASK_RETRY_BACKOFF_MAX,
    "max_retries": 8,
    "acks_late": True,
}


@shared_task(name="notifications.tasks.deliver_outbox", **RETRY)
def deliver_outbox() -> dict:
    """Deliver whatever is due: after each commit that wrote outbox rows (the fast
    path) and periodically (everything the fast path missed, retries, expired leases)."""
    return dict(outbox.deliver_due())


@shared_task(name="notifications.tasks.send_notification_email", **RETRY)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification if it is still due; safe to run twice."""
    return services.notification_send_email(notification_id=notification_id)


@shared_task(name="notifications.tasks.send_notification_emails", **RETRY)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail a batch of notifications still due; returns how many this run sent."""
    keys = [f"{services.EMAIL_KIND}:{pk}" for pk in notification_ids]
    return outbox.deliver_due(keys=keys)["sent"]
