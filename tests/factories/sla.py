"""SLA factories, and tickets reported straight on the models with their clocks
started by the SLA engine (so these tests do not depend on the ticket services)."""

import datetime
import itertools

import factory

from sla.models import BusinessCalendar, CalendarDay, Policy, Target, WorkingWindow
from sla.services import clocks_on_ticket_event
from tickets.models import Ticket, Visit

_numbers = itertools.count(1)


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar

    name = factory.Sequence(lambda n: f"Calendar {n}")
    time_zone = "Asia/Shanghai"


class WorkingWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingWindow

    calendar = factory.SubFactory(BusinessCalendarFactory)
    weekday = 0
    start = datetime.time(9)
    end = datetime.time(18)


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay

    calendar = factory.SubFactory(BusinessCalendarFactory)
    date = datetime.date(2026, 10, 1)
    kind = CalendarDay.Kind.HOLIDAY


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    name = factory.Sequence(lambda n: f"Policy {n}")
    calendar = factory.SubFactory(BusinessCalendarFactory)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    policy = factory.SubFactory(PolicyFactory)
    severity = "major"
    metric = "response"
    duration = datetime.timedelta(hours=1)


def default_policy() -> Policy:
    return Policy.objects.select_related("calendar").get(is_default=True)


def report(*, site, at, kind="fault", equipment=None, **fields) -> Ticket:
    """A ticket reported at `at`, its clocks started."""
    n = next(_numbers)
    ticket = Ticket.objects.create(
        number=f"FR-S-{n:06d}",
        title=f"Fault {n}",
        description="Broken",
        organization=site.organization,
        site=site,
        kind=kind,
        reported_at=at,
        equipment=equipment,
        **fields,
    )
    clocks_on_ticket_event(ticket=ticket, event="reported", at=at)
    return ticket


def move(ticket: Ticket, event: str, at, *, visit=None, data=None, **fields) -> Ticket:
    """Change the ticket's fields as the ticket service would, then tell the engine."""
    for name, value in fields.items():
        setattr(ticket, name, value)
    if fields:
        ticket.save(update_fields=[*fields, "updated_at"])
    clocks_on_ticket_event(ticket=ticket, event=event, at=at, visit=visit, data=data)
    return ticket


def triage(ticket: Ticket, at, severity="general", **fields) -> Ticket:
    return move(
        ticket,
        "triaged",
        at,
        severity=severity,
        status=Ticket.Status.TRIAGED,
        triaged_at=at,
        **fields,
    )


def dispatch(ticket: Ticket, at, engineer) -> Visit:
    n = next(_numbers)
    visit = Visit.objects.create(
        ticket=ticket, number=f"WO-S-{n:06d}", engineer=engineer, dispatched_at=at
    )
    move(ticket, "dispatched", at, visit=visit, status=Ticket.Status.ONSITE)
    return visit
