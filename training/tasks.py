"""Thin Celery tasks: they call one service, which is exactly-once by conditional
UPDATE, so running twice or concurrently changes nothing more."""

from celery import shared_task

from . import services


@shared_task(name="training.tasks.check_obligations", acks_late=True)
def check_obligations() -> dict:
    return services.check_obligations()
