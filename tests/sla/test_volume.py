"""`manage.py load_volume` (issue 15) on the fast suite's database: realistic shares,
consistent rows, numbers that continue, and `Ticket.nearest_due_at` kept by the engine."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Min

from sla.models import Clock
from tickets import services
from tickets.models import Comment, Ticket, TicketEvent, Visit

pytestmark = pytest.mark.django_db
COUNTING = [Clock.State.RUNNING, Clock.State.BREACHED]


def test_load_volume_fills_every_table_consistently(world):
    call_command("load_volume", tickets=400, seed=7, stdout=io.StringIO())
    tickets = Ticket.objects.all()
    assert tickets.count() == 400
    statuses = Counter(tickets.values_list("status", flat=True))
    assert set(statuses) == set(Ticket.Status.values)
    assert 0.02 < sum(statuses[s] for s in Ticket.OPEN_STATUSES) / 400 < 0.15
    assert set(tickets.values_list("kind", flat=True)) == set(Ticket.Kind.values)
    assert set(tickets.values_list("channel", flat=True)) == set(Ticket.Channel.values)
    assert 3.5 < Clock.objects.count() / 400 < 6
    assert (
        TicketEvent.objects.count() >= 400
        and Comment.objects.count() > 100
        and Visit.objects.exists()
    )
    numbers = list(tickets.values_list("number", flat=True))
    assert len(set(numbers)) == 400
    # Every open ticket's nearest due time is its counting clocks' earliest.
    for ticket in tickets.filter(status__in=Ticket.OPEN_STATUSES):
        nearest = Clock.objects.filter(ticket=ticket, state__in=COUNTING).aggregate(
            m=Min("due_at")
        )["m"]
        assert ticket.nearest_due_at == nearest
    # A second load and a real report continue the numbers.
    call_command("load_volume", tickets=50, seed=8, stdout=io.StringIO())
    fresh = services.ticket_create(
        actor=world.dispatcher,
        organization=world.org_a,
        site=world.site_a,
        title="After the load",
        description="x",
        channel="phone",
    )
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 451
    assert fresh.number == max(n for n in numbers if n.startswith(fresh.number[:8]))


def test_nearest_due_follows_the_clocks(world):
    from tests.tickets.conftest import RESOLVE

    def nearest(ticket):
        ticket.refresh_from_db()
        expected = Clock.objects.filter(ticket=ticket, state__in=COUNTING).aggregate(
            m=Min("due_at")
        )["m"]
        assert ticket.nearest_due_at == expected
        return ticket.nearest_due_at

    ticket = services.ticket_create(
        actor=world.dispatcher,
        organization=world.org_a,
        site=world.site_a,
        title="Pump",
        description="x",
        channel="phone",
    )
    first = nearest(ticket)
    assert first is not None  # the triage clock
    ticket = services.ticket_triage(
        ticket=ticket, actor=world.dispatcher, severity="major", assignee=world.engineer1
    )
    assert nearest(ticket) != first  # triage met: the response clock is next
    ticket = services.ticket_respond(ticket=ticket, actor=world.engineer1, note="Called")
    nearest(ticket)
    ticket = services.ticket_resolve(ticket=ticket, actor=world.engineer1, **RESOLVE)
    nearest(ticket)
    ticket = services.ticket_follow_up(
        ticket=ticket, actor=world.dispatcher, recurred=False, satisfaction=5
    )
    assert nearest(ticket) is None


def test_load_volume_counts_its_tickets_into_the_daily_facts(world):
    """The loader adds the facts the services would have kept: a rebuild from the rows
    finds the same totals, and the dashboard reads the same figures from both."""
    from datetime import timedelta

    from django.utils import timezone

    from sla import dashboard_facts, facts, kpis
    from sla.models import DailyFact

    call_command("load_volume", tickets=300, seed=3, stdout=io.StringIO())
    call_command("load_volume", tickets=40, seed=4, stdout=io.StringIO())

    def totals():
        out = Counter()
        for row in DailyFact.objects.values_list(*facts.KEY, *facts.MEASURES):
            key, measures = row[: len(facts.KEY)], row[len(facts.KEY) :]
            for name, value in zip(facts.MEASURES, measures, strict=True):
                out[(key, name)] += value
        return +out

    loaded = totals()
    assert loaded
    facts.rebuild()
    assert totals() == loaded
    today = timezone.localdate()
    for start in (today - timedelta(days=30), today - timedelta(days=365)):
        f = kpis.filters_for(start=start, end=today)
        assert dashboard_facts.dashboard(world.manager, f) == kpis.dashboard_from_rows(
            world.manager, f
        )
