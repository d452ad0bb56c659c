"""The clock engine on the default policy (DESIGN.md section 4), with fixed instants.
Tickets are built on the models and moved with `clocks_on_ticket_event`, as the
ticket services do inside their transactions."""

from datetime import timedelta

import pytest

from sla.models import Clock
from tests.factories.sla import dispatch, move, report, triage
from tests.sla.conftest import cst

pytestmark = pytest.mark.django_db
S = Clock.State
H = timedelta(hours=1)


def test_a_report_starts_triage_and_response_on_the_strictest_targets(world, clocks_of):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = report(site=world.site_a, at=reported)
    clocks = clocks_of(ticket)
    assert set(clocks) == {"triage", "response"}
    assert clocks["triage"].due_at == reported + timedelta(minutes=15)
    assert clocks["response"].due_at == reported + H  # severity unknown: a report may be major
    assert clocks["response"].warn_at == reported + timedelta(minutes=48)  # 80 % of an hour
    assert all(c.state == S.RUNNING for c in clocks.values())


def test_triage_meets_triage_and_sets_severity_targets_from_the_report_time(world, clocks_of):
    reported = cst(2026, 3, 2, 10, 0)  # a Monday
    ticket = triage(
        report(site=world.site_a, at=reported), reported + timedelta(minutes=10), "urgent"
    )
    clocks = clocks_of(ticket)
    assert set(clocks) == {"triage", "response", "arrival", "restore"}
    assert clocks["triage"].state == S.MET and not clocks["triage"].breached
    assert clocks["response"].due_at == reported + H
    assert clocks["arrival"].due_at == reported + 4 * H
    assert clocks["restore"].due_at == reported + 48 * H
    assert clocks["restore"].clock_kind == "24x7"


def test_other_kinds_run_no_on_site_clocks(world, clocks_of, django_user_model):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported, kind="consultation"), reported, "major")
    dispatch(ticket, reported + H, world.engineer1)
    assert set(clocks_of(ticket)) == {"triage", "response", "restore"}


def test_late_triage_is_breached_and_stays_met(world, clocks_of):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(
        report(site=world.site_a, at=reported), reported + timedelta(minutes=16), "major"
    )
    clock = clocks_of(ticket)["triage"]
    assert (clock.state, clock.breached, clock.met_at) == (
        S.MET,
        True,
        reported + timedelta(minutes=16),
    )


def test_friday_evening_general_fault_restores_in_three_working_days_on_wednesday(world, clocks_of):
    # Fri 19:00, after hours: Mon 9 h + Tue 9 h + Wed 9 h → Wednesday 18:00.
    reported = cst(2026, 3, 6, 19, 0)
    ticket = triage(
        report(site=world.site_a, at=reported), reported + timedelta(minutes=5), "general"
    )
    restore = clocks_of(ticket)["restore"]
    assert restore.clock_kind == "business" and restore.duration == 27 * H
    assert restore.due_at == cst(2026, 3, 11, 18, 0)
    # Friday 17:30: half an hour on Friday, then Mon, Tue, and 8.5 h on Wednesday.
    ticket = triage(
        report(site=world.site_a, at=cst(2026, 3, 6, 17, 30)), cst(2026, 3, 6, 17, 35), "general"
    )
    assert clocks_of(ticket)["restore"].due_at == cst(2026, 3, 11, 17, 30)


def test_general_restore_skips_national_day_and_counts_the_make_up_saturday(world, clocks_of):
    # Wed 30 Sep 17:00: 1 h, then 1–7 Oct off, Thu 8 and Fri 9 (18 h), Sat 10 Oct is a
    # make-up working day: 8 more hours → 17:00 that Saturday.
    reported = cst(2026, 9, 30, 17, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "general")
    assert clocks_of(ticket)["restore"].due_at == cst(2026, 10, 10, 17, 0)


def test_pause_and_resume_move_the_restore_due_time_by_exactly_the_paused_span(world, clocks_of):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "major")
    move(ticket, "waiting_customer", reported + 2 * H)
    paused = clocks_of(ticket)["restore"]
    assert paused.state == S.PAUSED and paused.paused_at == reported + 2 * H
    move(ticket, "resumed", reported + 5 * H + timedelta(seconds=17))
    restore = clocks_of(ticket)["restore"]
    span = 3 * H + timedelta(seconds=17)
    assert restore.state == S.RUNNING
    assert restore.due_at == reported + 24 * H + span
    assert restore.warn_at == reported + timedelta(hours=19.2) + span
    assert restore.paused_total == span
    # the response clock did not pause
    assert clocks_of(ticket)["response"].due_at == reported + H


def test_a_pause_on_a_business_clock_moves_due_by_the_business_time_paused(world, clocks_of):
    # Mon 10:00 general: due Thu 10:00 (27 h). Waiting from Mon 17:00 to Tue 11:00 is
    # 1 h + 2 h = 3 working hours: due moves to Thu 13:00.
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "general")
    assert clocks_of(ticket)["restore"].due_at == cst(2026, 3, 5, 10, 0)
    move(ticket, "waiting_customer", cst(2026, 3, 2, 17, 0))
    move(ticket, "resumed", cst(2026, 3, 3, 11, 0))
    restore = clocks_of(ticket)["restore"]
    assert restore.due_at == cst(2026, 3, 5, 13, 0)
    assert restore.paused_total == 3 * H


def test_two_pauses_add_up(world, clocks_of):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "major")
    for start, end in ((1, 2), (4, 7)):
        move(ticket, "waiting_customer", reported + start * H)
        move(ticket, "resumed", reported + end * H)
    assert clocks_of(ticket)["restore"].due_at == reported + 28 * H


def test_severity_change_after_triage_recomputes_from_the_report_and_keeps_met_clocks(
    world, clocks_of
):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(
        report(site=world.site_a, at=reported), reported + timedelta(minutes=5), "general"
    )
    assert clocks_of(ticket)["restore"].clock_kind == "business"
    move(ticket, "triaged", reported + 3 * H, data={"old_severity": "general"}, severity="major")
    clocks = clocks_of(ticket)
    assert clocks["response"].due_at == reported + H
    assert clocks["arrival"].due_at == reported + 2 * H
    assert clocks["restore"].due_at == reported + 24 * H and clocks["restore"].clock_kind == "24x7"
    assert clocks["triage"].state == S.MET and clocks["triage"].met_at == reported + timedelta(
        minutes=5
    )
    assert clocks["arrival"].severity == "major"


def test_a_met_clock_is_not_judged_again_on_a_severity_change(world, clocks_of):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "general")
    move(ticket, "responded", reported + 90 * timedelta(minutes=1))  # within general's 2 h
    move(ticket, "triaged", reported + 2 * H, data={"old_severity": "general"}, severity="major")
    response = clocks_of(ticket)["response"]
    assert (response.state, response.breached, response.due_at) == (S.MET, False, reported + 2 * H)


def test_dispatch_runs_departure_from_the_dispatch_and_arrival_meets_both(world, clocks_of):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "general")
    visit = dispatch(ticket, reported + 3 * H, world.engineer1)
    departure = clocks_of(ticket)["departure"]
    assert departure.visit == visit and departure.due_at == reported + 7 * H  # 4 h after dispatch
    move(ticket, "arrived", reported + 5 * H, visit=visit)
    clocks = clocks_of(ticket)
    assert clocks["departure"].state == S.MET and clocks["arrival"].state == S.MET
    assert not clocks["arrival"].breached  # 5 h < 8 h
    assert clocks["response"].state == S.MET  # on site is contact with the customer


def test_resolution_meets_restore_starts_follow_up_and_stops_unused_on_site_clocks(
    world, clocks_of
):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "major")
    move(ticket, "responded", reported + H / 2)
    move(ticket, "resolved", reported + 30 * H)
    clocks = clocks_of(ticket)
    assert clocks["restore"].state == S.MET and clocks["restore"].breached  # 30 h > 24 h, met late
    assert clocks["arrival"].state == S.STOPPED
    assert clocks["follow_up"].due_at == reported + 54 * H
    move(ticket, "followed_up", reported + 40 * H)
    assert clocks_of(ticket)["follow_up"].state == S.MET


def test_reopen_continues_restore_with_the_working_span_as_a_pause(world, clocks_of):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "major")
    move(ticket, "resolved", reported + 4 * H)
    move(ticket, "reopened", reported + 10 * H)
    clocks = clocks_of(ticket)
    assert clocks["restore"].state == S.RUNNING and clocks["restore"].met_at is None
    assert clocks["restore"].due_at == reported + 30 * H  # 20 h were left
    assert clocks["follow_up"].state == S.STOPPED
    move(ticket, "resolved", reported + 12 * H)
    assert clocks_of(ticket)["follow_up"].state == S.RUNNING
    assert clocks_of(ticket)["follow_up"].started_at == reported + 12 * H


def test_a_breached_clock_met_later_keeps_its_breach(world, clocks_of):
    from sla.services import sweep

    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "major")
    sweep(now=reported + 2 * H)
    assert clocks_of(ticket)["response"].state == S.BREACHED
    move(ticket, "responded", reported + 3 * H)
    response = clocks_of(ticket)["response"]
    assert (response.state, response.breached, response.breached_at) == (
        S.MET,
        True,
        reported + 2 * H,
    )


def test_cancel_stops_every_open_clock(world, clocks_of):
    reported = cst(2026, 3, 2, 10, 0)
    ticket = triage(report(site=world.site_a, at=reported), reported, "major")
    move(ticket, "cancelled", reported + H)
    states = {m: c.state for m, c in clocks_of(ticket).items()}
    assert states == {
        "triage": S.MET,
        "response": S.STOPPED,
        "arrival": S.STOPPED,
        "restore": S.STOPPED,
    }


def test_a_contract_policy_wins_over_the_default(world, clocks_of):
    from tests.factories.sla import TargetFactory

    target = TargetFactory(metric="response", severity="major", duration=timedelta(minutes=30))
    world.contract_a.sla_policy = target.policy
    world.contract_a.save()
    reported = cst(2026, 3, 2, 10, 0)
    ticket = report(site=world.site_a, at=reported)
    clocks = clocks_of(ticket)
    assert set(clocks) == {"response"}  # that policy has no triage target
    assert clocks["response"].due_at == reported + timedelta(minutes=30)
    assert clocks["response"].policy == target.policy
