from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=30, retry_backoff_max=1800,
             max_retries=6)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification; safe to run twice (the second run sends nothing)."""
    return services.notification_send_email(notification_id=notification_id)
