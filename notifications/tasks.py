from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=30, retry_backoff_max=1800,
             max_retries=6)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification; safe to run twice (the second run sends nothing)."""
    return services.notification_send_email(notification_id=notification_id)


@shared_task(autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=30, retry_backoff_max=1800,
             max_retries=6)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail a batch of notifications (the SLA sweep's); a retry after a failure sends
    only what is still unsent. Returns how many this run sent."""
    return sum(services.notification_send_email(notification_id=pk) for pk in notification_ids)
