"""Thin Celery tasks. The sweep derives its work from the clock rows, so a missed or
duplicated run delays nothing and notifies nothing twice."""

from dataclasses import asdict

from celery import shared_task

from . import services


@shared_task(name="sla.tasks.sweep_clocks", acks_late=True)
def sweep_clocks(batch_size: int = 500) -> dict:
    return asdict(services.sweep(batch_size=batch_size))


@shared_task(name="sla.tasks.compact_facts", acks_late=True)
def compact_facts() -> int:
    """Fold the dashboard's fresh fact rows, one row per key and day (safe to run
    twice or at once: each run folds exactly the rows it deleted)."""
    from . import facts

    return facts.compact()


@shared_task(name="sla.tasks.calendar_coverage")
def calendar_coverage() -> dict:
    """Daily: import next year's holidays once the package knows them officially (so it
    acts once a year), then warn the managers 90 days before a calendar's data ends."""
    imported = services.calendars_import_next_year()
    warned = services.calendars_notify_coverage()
    return {"imported": [[c.pk, year] for c, year in imported], "warned": [c.pk for c in warned]}
