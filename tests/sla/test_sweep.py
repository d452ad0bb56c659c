"""The sweep: exactly one warning and one breach per clock and stage, whoever runs it
how often; catch-up after downtime without a flood; restore breaches escalate."""

from datetime import timedelta

import pytest

from notifications.models import Notification
from sla.models import Clock
from sla.services import sweep
from sla.tasks import sweep_clocks
from tests.factories.sla import report, triage
from tests.sla.conftest import cst

pytestmark = pytest.mark.django_db
S = Clock.State
H = timedelta(hours=1)
REPORTED = cst(2026, 3, 2, 10, 0)


def _events(event):
    return list(
        Notification.objects.filter(event=event)
        .values_list("recipient__username", "target_id")
        .order_by("recipient__username", "target_id")
    )


def test_the_warning_goes_once_to_the_centres_dispatchers(world):
    ticket = report(site=world.site_a, at=REPORTED)
    response = ticket.sla_clocks.get(metric="response")
    first = sweep(now=REPORTED + timedelta(minutes=50))  # past 48 min, before 60
    again = sweep(now=REPORTED + timedelta(minutes=51))
    assert (first.warned, first.breached, again.warned) == (
        1,
        1,
        0,
    )  # triage (15 min) is already breached
    assert _events("sla_warning") == [("dispatcher", response.pk)]
    response.refresh_from_db()
    assert response.warned_at == REPORTED + timedelta(minutes=50) and response.state == S.RUNNING


def test_the_breach_goes_once_to_managers_and_the_next_tier(world):
    ticket = triage(
        report(site=world.site_a, at=REPORTED), REPORTED + timedelta(minutes=5), "major"
    )
    response = ticket.sla_clocks.get(metric="response")
    sweep(now=REPORTED + timedelta(minutes=50))
    result = sweep(now=REPORTED + timedelta(minutes=61))
    sweep(now=REPORTED + timedelta(minutes=62))
    assert result.breached == 1
    # the regional manager (parent centre) and the regional expert (tier 2 of a tier-1 ticket)
    assert _events("sla_breach") == [("expert", response.pk), ("manager", response.pk)]
    response.refresh_from_db()
    assert (response.state, response.breached, response.breached_at) == (
        S.BREACHED,
        True,
        REPORTED + timedelta(minutes=61),
    )


def test_after_hours_of_downtime_each_clock_gets_only_its_breach(world):
    tickets = [triage(report(site=world.site_a, at=REPORTED), REPORTED, "major") for _ in range(3)]
    result = sweep(now=REPORTED + 30 * H, batch_size=2)  # several batches
    # per ticket: response, arrival and restore are all past due; triage was met
    assert (result.warned, result.breached) == (0, 9)
    assert Notification.objects.filter(event="sla_warning").count() == 0
    clocks = Clock.objects.filter(ticket__in=tickets).exclude(metric="triage")
    assert all(c.warned_at == REPORTED + 30 * H and c.state == S.BREACHED for c in clocks)
    assert sweep(now=REPORTED + 31 * H).breached == 0
    assert Notification.objects.filter(event="sla_breach").count() == 9 * 2


def test_paused_met_and_stopped_clocks_are_never_swept(world):
    ticket = triage(report(site=world.site_a, at=REPORTED), REPORTED, "major")
    from tests.factories.sla import move

    move(ticket, "responded", REPORTED + H / 2)
    move(ticket, "waiting_customer", REPORTED + H)
    move(ticket, "cancelled", REPORTED + H)
    result = sweep(now=REPORTED + 100 * H)
    assert (result.warned, result.breached) == (0, 0)


def test_a_restore_breach_escalates_the_ticket_once(world, django_capture_on_commit_callbacks):
    from tickets.models import TicketEvent

    ticket = triage(report(site=world.site_a, at=REPORTED), REPORTED, "major")
    assert ticket.tier == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(now=REPORTED + 25 * H).escalated == 1
    assert sweep(now=REPORTED + 26 * H).escalated == 0
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.assignee) == (2, world.expert)
    event = TicketEvent.objects.get(ticket=ticket, kind="escalated")
    assert event.actor is None and "SLA breach" in event.note
    told = Notification.objects.filter(
        event="ticket_escalated", recipient=world.expert, target_id=ticket.pk
    )
    assert told.count() == 1


def test_a_refused_escalation_keeps_the_breach(world):
    from tickets.models import Ticket

    ticket = triage(report(site=world.site_a, at=REPORTED), REPORTED, "major")
    # no active expert covers the site's centre: tier 2 cannot take it
    world.expert.is_active = False
    world.expert.save(update_fields=["is_active"])
    result = sweep(now=REPORTED + 25 * H)
    assert (result.breached, result.escalated) == (3, 0)
    assert ticket.sla_clocks.get(metric="restore").state == S.BREACHED
    ticket.refresh_from_db()
    assert (ticket.tier, Ticket.objects.get(pk=ticket.pk).assignee_id) == (1, None)


def test_the_task_sweeps_now(world):
    report(site=world.site_a, at=REPORTED)
    assert sweep_clocks.apply().get() == {"warned": 0, "breached": 2, "escalated": 0}
    assert sweep_clocks.apply().get() == {"warned": 0, "breached": 0, "escalated": 0}


def test_the_sweep_runs_a_fixed_number_of_queries_per_clock(world, django_assert_max_num_queries):
    for _ in range(2):
        report(site=world.site_a, at=REPORTED)
    with django_assert_max_num_queries(40) as few:
        sweep(now=REPORTED + 2 * H)
    for _ in range(6):
        report(site=world.site_a, at=REPORTED + 3 * H)
    with django_assert_max_num_queries(200) as many:
        sweep(now=REPORTED + 5 * H)
    # scans and staff are per batch; per claimed clock: savepoint, UPDATE, notification
    # INSERT, release (4 on SQLite); 4 clocks then 12 clocks claimed
    assert len(many) - len(few) <= (12 - 4) * 6
