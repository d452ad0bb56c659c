"""Thin Celery tasks. The sweep derives its work from the clock rows, so a missed or
duplicated run delays nothing and notifies nothing twice."""

from dataclasses import asdict

from celery import shared_task

from . import services


@shared_task(name="sla.tasks.sweep_clocks", acks_late=True)
def sweep_clocks(batch_size: int = 500) -> dict:
    return asdict(services.sweep(batch_size=batch_size))
