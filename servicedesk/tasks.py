from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import IdempotencyKey

IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)


@shared_task
def heartbeat() -> str:
    """Proves the worker and beat run; also forgets idempotency keys older than a day."""
    IdempotencyKey.objects.filter(created_at__lt=timezone.now() - IDEMPOTENCY_KEY_LIFETIME).delete()
    return "ok"


@shared_task
def ping(value: str) -> str:
    return value
