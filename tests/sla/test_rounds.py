"""Fresh rounds through the real ticket services, with time-machine: each resolution
starts a follow-up round judged on its own, and each dispatched visit has its own
departure (and arrival) clock, reopen or not."""

from datetime import timedelta

import pytest
import time_machine

from sla import kpis
from sla.models import Clock
from sla.services import sweep
from tests.sla.conftest import cst
from tickets import services

pytestmark = pytest.mark.django_db
S = Clock.State
H = timedelta(hours=1)
T0 = cst(2026, 3, 2, 10, 0)  # a Monday
RESOLVE = {
    "resolution": "remote",
    "cause": "Loose cable",
    "solution": "Re-seated it",
    "prevention": "Ties",
}


def _rounds(ticket, metric):
    return list(Clock.objects.filter(ticket=ticket, metric=metric).order_by("round"))


def _at(delta):
    return time_machine.travel(T0 + delta, tick=False)


def _triaged(world):
    ticket = services.ticket_create(
        actor=world.dispatcher,
        organization=world.org_a,
        site=world.site_a,
        title="Pump alarm",
        description="Alarm",
        channel="phone",
        equipment=world.equipment_a,
    )
    ticket = services.ticket_triage(
        ticket=ticket, actor=world.dispatcher, severity="major", assignee=world.engineer1
    )
    return services.ticket_respond(ticket=ticket, actor=world.engineer1, note="Called")


def test_a_follow_up_round_on_time_after_a_late_one_counts_as_on_time(world):
    with _at(timedelta(0)):
        ticket = _triaged(world)
    with _at(2 * H):
        ticket = services.ticket_resolve(ticket=ticket, actor=world.engineer1, **RESOLVE)
    with _at(27 * H):
        sweep()  # the first round's 24 h passed: breached
        ticket = services.ticket_follow_up(
            ticket=ticket, actor=world.dispatcher, recurred=True, satisfaction=None
        )
    with _at(30 * H):
        ticket = services.ticket_resolve(ticket=ticket, actor=world.engineer1, **RESOLVE)
    with _at(31 * H):
        services.ticket_follow_up(
            ticket=ticket, actor=world.dispatcher, recurred=False, satisfaction=5
        )
    first, second = _rounds(ticket, "follow_up")
    assert (first.round, first.state, first.breached, first.met_at) == (1, S.MET, True, T0 + 27 * H)
    assert (second.round, second.state, second.breached, second.started_at) == (
        2,
        S.MET,
        False,
        T0 + 30 * H,
    )
    assert second.due_at == T0 + 54 * H and second.breached_at is None
    month = kpis.dashboard(world.manager, kpis.Filters(start=cst(2026, 3, 1), end=cst(2026, 4, 1)))
    follow_up = next(r for r in month["compliance_by_metric"] if r["metric"] == "follow_up")
    assert (follow_up["met_on_time"], follow_up["total"]) == (1, 2)


def test_a_visit_dispatched_after_a_reopen_runs_its_own_departure_and_arrival(world):
    with _at(timedelta(0)):
        ticket = _triaged(world)
    with _at(H):
        first = services.ticket_dispatch(
            ticket=ticket, actor=world.dispatcher, engineer=world.engineer1
        )
    with _at(90 * timedelta(minutes=1)):
        services.visit_cancel(visit=first, actor=world.dispatcher, reason="Fixed by phone")
        ticket = services.ticket_resolve(ticket=ticket, actor=world.engineer1, **RESOLVE)
    (arrival,) = _rounds(ticket, "arrival")  # the report's arrival clock: stopped before its 2 h
    assert (arrival.state, arrival.breached, arrival.visit_id) == (S.STOPPED, False, None)
    with _at(5 * H):
        ticket = services.ticket_reopen(ticket=ticket, actor=world.customer_a, reason="Alarm again")
        second = services.ticket_dispatch(
            ticket=ticket, actor=world.dispatcher, engineer=world.engineer2
        )
    with _at(6 * H):
        services.visit_depart(visit=second, actor=world.engineer2)
    with _at(8 * H):
        services.visit_check_in(visit=second, actor=world.engineer2)
    departures = _rounds(ticket, "departure")
    assert [(c.round, c.visit_id, c.state, c.breached) for c in departures] == [
        (1, first.pk, S.STOPPED, False),
        (2, second.pk, S.MET, False),
    ]
    assert departures[1].started_at == T0 + 5 * H and departures[1].met_at == T0 + 6 * H
    arrivals = _rounds(ticket, "arrival")
    assert [(c.round, c.visit_id, c.state, c.breached) for c in arrivals] == [
        (1, None, S.STOPPED, False),
        (2, second.pk, S.MET, True),
    ]  # 3 h after dispatch: 1 h late
    assert arrivals[1].due_at == T0 + 7 * H


def test_a_cancelled_visit_hands_the_reports_arrival_clock_to_the_next_visit(world):
    with _at(timedelta(0)):
        ticket = _triaged(world)
        first = services.ticket_dispatch(
            ticket=ticket, actor=world.dispatcher, engineer=world.engineer1
        )
    (arrival,) = _rounds(ticket, "arrival")
    assert arrival.visit_id == first.pk
    with _at(H / 2):
        services.visit_cancel(visit=first, actor=world.dispatcher, reason="Engineer ill")
        second = services.ticket_dispatch(
            ticket=ticket, actor=world.dispatcher, engineer=world.engineer2
        )
    with _at(H + H / 2):
        services.visit_check_in(visit=second, actor=world.engineer2)
    (arrival,) = _rounds(ticket, "arrival")
    assert (arrival.visit_id, arrival.state, arrival.breached, arrival.due_at) == (
        second.pk,
        S.MET,
        False,
        T0 + 2 * H,
    )
    assert [(c.visit_id, c.state) for c in _rounds(ticket, "departure")] == [
        (first.pk, S.STOPPED),
        (second.pk, S.MET),
    ]
