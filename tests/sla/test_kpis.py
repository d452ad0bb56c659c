"""The dashboard's figures on a hand-built month of tickets, against numbers worked out
by hand below, and a fixed number of queries whatever the number of tickets."""

from datetime import timedelta

import pytest

from sla import kpis
from tests.factories.sla import dispatch, move, report, triage
from tests.sla.conftest import cst

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
MIN = timedelta(minutes=1)
MARCH = kpis.Filters(start=cst(2026, 3, 1), end=cst(2026, 4, 1))


def _resolve(ticket, at, resolution="remote"):
    return move(ticket, "resolved", at, status="resolved", resolved_at=at, resolution=resolution)


def _follow_up(ticket, at):
    return move(ticket, "followed_up", at, status="closed", followed_up_at=at, satisfaction=5)


@pytest.fixture
def month(world):
    """T1..T4 and T6 at Org A's site (T6 reported in February, resolved in March), T5 at Org B."""
    w, e = world, world.equipment_a
    t1 = triage(
        report(site=w.site_a, at=cst(2026, 3, 2, 10), equipment=e),
        cst(2026, 3, 2, 10, 10),
        "major",
        assignee=w.engineer2,
    )
    move(t1, "responded", cst(2026, 3, 2, 10, 30))
    _resolve(t1, cst(2026, 3, 2, 14))
    _follow_up(t1, cst(2026, 3, 3, 10))  # 20 h after resolution

    t2 = triage(
        report(site=w.site_a, at=cst(2026, 3, 3, 10), equipment=e),
        cst(2026, 3, 3, 10, 20),
        "urgent",
        assignee=w.engineer1,
    )  # triage 5 min late
    move(t2, "responded", cst(2026, 3, 3, 12))  # response 1 h late
    visit = dispatch(t2, cst(2026, 3, 3, 13), w.engineer1)
    move(
        t2, "arrived", cst(2026, 3, 3, 15), visit=visit
    )  # departure exactly on time, arrival 1 h late
    _resolve(t2, cst(2026, 3, 5, 12), "onsite")  # 50 h: restore 2 h late
    _follow_up(t2, cst(2026, 3, 6, 18))  # 30 h: follow-up late

    t3 = triage(
        report(site=w.site_a, at=cst(2026, 3, 9, 10), equipment=e),
        cst(2026, 3, 9, 10, 5),
        "general",
    )
    move(t3, "responded", cst(2026, 3, 9, 11))
    _resolve(t3, cst(2026, 3, 9, 13))  # follow-up still running

    t4 = report(site=w.site_a, at=cst(2026, 3, 10, 10), kind="consultation")
    move(t4, "cancelled", cst(2026, 3, 10, 10, 5), status="cancelled")

    t5 = triage(
        report(site=w.site_b, at=cst(2026, 3, 4, 10), equipment=w.equipment_b),
        cst(2026, 3, 4, 10, 10),
        "general",
    )
    _resolve(t5, cst(2026, 3, 4, 12))

    t6 = triage(
        report(site=w.site_a, at=cst(2026, 2, 27, 10), equipment=e),
        cst(2026, 2, 27, 10, 10),
        "major",
    )
    _resolve(t6, cst(2026, 3, 1, 10))  # 48 h, resolved in March
    return world


def test_ticket_figures_for_one_organisation(month):
    data = kpis.dashboard(
        month.manager, kpis.Filters(**{**vars(MARCH), "organization": month.org_a.pk})
    )
    assert data["tickets_reported"] == 4
    assert data["triaged_within_15_min"] == {"count": 2, "total": 3, "rate": round(2 / 3, 4)}
    assert data["remote_resolution"] == {
        "count": 3,
        "total": 4,
        "rate": 0.75,
    }  # T1, T3, T6 of T1, T2, T3, T6
    assert data["mttr_hours"] == 26.25  # (4 + 50 + 3 + 48) / 4
    assert data["follow_up_within_24h"] == {"count": 1, "total": 4, "rate": 0.25}


def test_compliance_per_metric_and_state_counts(month):
    data = kpis.dashboard(
        month.manager, kpis.Filters(**{**vars(MARCH), "organization": month.org_a.pk})
    )
    # decided: T1 5 (its arrival, due 12:00, stopped at the 14:00 remote resolution is a
    # miss), T2 6, T3 3 (arrival stopped in time, follow-up running); on time: 4 + 1 + 3
    assert data["compliance"] == {"met_on_time": 8, "total": 14, "rate": round(8 / 14, 4)}
    rates = {
        row["metric"]: (row["met_on_time"], row["total"]) for row in data["compliance_by_metric"]
    }
    assert rates == {
        "triage": (2, 3),
        "response": (2, 3),
        "departure": (1, 1),
        "arrival": (0, 2),
        "restore": (2, 3),
        "follow_up": (1, 2),
    }
    restore = next(row for row in data["compliance_by_metric"] if row["metric"] == "restore")
    assert restore["by_severity"] == [
        {"severity": "major", "met_on_time": 1, "total": 1, "rate": 1.0},
        {"severity": "urgent", "met_on_time": 0, "total": 1, "rate": 0.0},
        {"severity": "general", "met_on_time": 1, "total": 1, "rate": 1.0},
    ]
    # met: T1 4, T2 6, T3 3; stopped: the arrivals of T1 and T3, both of T4; running: T3 follow-up
    assert data["clocks_by_state"] == {
        "running": 1,
        "paused": 0,
        "breached": 0,
        "met": 13,
        "stopped": 4,
    }
    assert data["breaches_by_centre"] == [
        {"service_center": month.local.pk, "name": "Local", "breaches": 6, "later_stopped": 1}
    ]
    assert [
        (row["engineer"], row["breaches"], row["later_stopped"])
        for row in data["breaches_by_engineer"]
    ] == [(month.engineer1.pk, 5, 0), (month.engineer2.pk, 1, 1)]
    assert data["breached_later_stopped"] == 1


def test_mtbf_per_unit_and_organisation(month):
    data = kpis.dashboard(
        month.manager, kpis.Filters(**{**vars(MARCH), "organization": month.org_a.pk})
    )
    # 744 h in March minus 4 + 50 + 3 h down, over 3 failures
    (unit,) = data["mtbf_equipment"]
    assert (unit["equipment"], unit["failures"], unit["operating_hours"], unit["mtbf_hours"]) == (
        month.equipment_a.pk,
        3,
        687.0,
        229.0,
    )
    assert data["mtbf_organizations"] == [
        {
            "organization": month.org_a.pk,
            "name": "Org A",
            "units": 1,
            "failures": 3,
            "operating_hours": 687.0,
            "mtbf_hours": 229.0,
        }
    ]


def test_weekly_series(month):
    data = kpis.dashboard(
        month.manager,
        kpis.Filters(**{**vars(MARCH), "organization": month.org_a.pk, "bucket": "week"}),
    )
    assert [
        (str(r["bucket"]), r["tickets"], r["mttr_hours"], r["met_on_time"], r["decided"])
        for r in data["series"]
    ] == [("2026-03-02", 2, 27.0, 5, 11), ("2026-03-09", 2, 3.0, 3, 3)]


def test_filters_by_site_centre_and_severity(month):
    both = kpis.dashboard(month.manager, MARCH)
    assert both["tickets_reported"] == 5 and both["remote_resolution"]["total"] == 5
    site_b = kpis.dashboard(month.manager, kpis.Filters(**{**vars(MARCH), "site": month.site_b.pk}))
    assert site_b["tickets_reported"] == 1 and site_b["mttr_hours"] == 2.0
    regional = kpis.dashboard(
        month.manager, kpis.Filters(**{**vars(MARCH), "service_center": month.regional.pk})
    )
    assert regional["tickets_reported"] == 5  # the local centre is its child
    urgent = kpis.dashboard(month.manager, kpis.Filters(**{**vars(MARCH), "severity": "urgent"}))
    assert urgent["tickets_reported"] == 1 and urgent["compliance"] == {
        "met_on_time": 1,
        "total": 6,
        "rate": round(1 / 6, 4),
    }


def test_the_dashboard_is_a_fixed_number_of_queries(month, django_assert_num_queries):
    manager = month.manager
    kpis.dashboard(manager, MARCH)  # warms the manager's centre ids
    # 1 ticket figures, 1 clock cells, 2 series, 2 breaches, 2 MTBF, 3 other apps
    with django_assert_num_queries(11):
        before = kpis.dashboard(manager, MARCH)
    for day in range(10, 20):
        ticket = triage(
            report(site=month.site_a, at=cst(2026, 3, day, 9), equipment=month.equipment_a),
            cst(2026, 3, day, 9, 5),
            "major",
        )
        _resolve(ticket, cst(2026, 3, day, 11))
    with django_assert_num_queries(11):
        after = kpis.dashboard(manager, MARCH)
    assert after["tickets_reported"] == before["tickets_reported"] + 10


def test_a_miss_counts_whatever_happened_after_and_the_breach_lists_agree(world):
    """A breach later stopped (remote resolution after the arrival deadline, a cancel
    after a swept breach, a close without the follow-up call) is a miss in compliance
    and in the breach lists alike."""
    from sla.services import sweep

    w, e, april = world, world.equipment_a, kpis.Filters(start=cst(2026, 4, 1), end=cst(2026, 5, 1))
    # 1: arrival (major: 2 h) swept as breached, then resolved remotely: arrival stopped
    t1 = triage(
        report(site=w.site_a, at=cst(2026, 4, 6, 10), equipment=e),
        cst(2026, 4, 6, 10, 5),
        "major",
        assignee=w.engineer1,
    )
    move(t1, "responded", cst(2026, 4, 6, 10, 20))
    sweep(now=cst(2026, 4, 6, 12, 30))
    _resolve(t1, cst(2026, 4, 6, 13))
    # 2: resolved on time, then closed without the call after the follow-up's due time
    # (no sweep ran in between): the stop itself records the miss
    t2 = triage(
        report(site=w.site_a, at=cst(2026, 4, 7, 10), equipment=e),
        cst(2026, 4, 7, 10, 5),
        "major",
        assignee=w.engineer1,
    )
    move(t2, "responded", cst(2026, 4, 7, 10, 20))
    _resolve(t2, cst(2026, 4, 7, 11))
    move(t2, "closed", cst(2026, 4, 20, 10), status="closed")
    # 3: cancelled before any due time: nothing decided
    t3 = report(site=w.site_a, at=cst(2026, 4, 8, 10))
    move(t3, "cancelled", cst(2026, 4, 8, 10, 5), status="cancelled")

    data = kpis.dashboard(w.manager, april)
    rates = {
        row["metric"]: (row["met_on_time"], row["total"]) for row in data["compliance_by_metric"]
    }
    assert rates["arrival"] == (0, 1) and rates["follow_up"] == (0, 1)
    misses = data["compliance"]["total"] - data["compliance"]["met_on_time"]
    assert misses == 2
    assert sum(r["breaches"] for r in data["breaches_by_centre"]) == misses
    assert sum(r["breaches"] for r in data["breaches_by_engineer"]) == misses
    assert (
        data["breached_later_stopped"]
        == 2
        == sum(r["later_stopped"] for r in data["breaches_by_centre"])
    )
    series = data["series"]
    assert sum(r["decided"] - r["met_on_time"] for r in series) == misses
