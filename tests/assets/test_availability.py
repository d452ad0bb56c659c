"""Availability, downtime, MTBF and MTTR against figures computed by hand, the unit's
status following its faults through the real ticket services, and the API endpoint."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from assets.availability import compute
from assets.models import Downtime, Equipment
from servicedesk import clock
from sla.models import Policy
from tickets import services

H = timedelta(hours=1)
K, IMP = Downtime.Kind, Downtime.Impact


def at(day, hour=0):
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def span(start, end, *, kind=K.UNPLANNED, impact=IMP.DOWN):
    return Downtime(kind=kind, impact=impact, started_at=start, ended_at=end)


# The period [1 March, 11 March) = 240 h, observed in full (now = 20 March):
#   A down     2 Mar 00-12      } overlapping: 00-18 = 18 h down, two failures
#   B down     2 Mar 06-18      }
#   C degraded 3 Mar 00-06      6 h degraded, not downtime
#   planned    5 Mar 00-10      10 h planned
#   D down     5 Mar 08-12      2 h of it inside the window: 2 h unplanned
#   E down     28 Feb 20 - 1 Mar 02: 2 h inside the period, began before: no failure
#   F down     10 Mar 20 - open: 4 h up to the period's end
# unplanned = 18 + 2 + 2 + 4 = 26 h; scheduled = 240 - 10 = 230 h
# availability = (230 - 26) / 230 = 204 / 230; failures A B C D F = 5
# MTBF = 204 h / 5 = 40.8 h; MTTR over the resolved A B C D = (12+12+6+4) / 4 = 8.5 h
HAND = [
    span(at(2), at(2, 12)),
    span(at(2, 6), at(2, 18)),
    span(at(3), at(3, 6), impact=IMP.DEGRADED),
    span(at(5), at(5, 10), kind=K.PLANNED),
    span(at(5, 8), at(5, 12)),
    span(datetime(2026, 2, 28, 20, tzinfo=UTC), at(1, 2)),
    span(at(10, 20), None),
]


def test_availability_matches_hand_computed_figures():
    f = compute(HAND, at(1), at(11), now=at(20))
    assert f.observed == 240 * H
    assert f.planned == 10 * H
    assert f.unplanned == 26 * H
    assert f.degraded == 6 * H
    assert f.scheduled == 230 * H
    assert f.availability == pytest.approx(204 / 230)
    assert f.failures == 5
    assert f.mtbf == timedelta(hours=40.8)
    assert f.mttr == timedelta(hours=8.5)
    data = f.as_dict()
    assert data["unplanned_downtime_seconds"] == 26 * 3600
    assert data["availability"] == round(204 / 230, 6)


def test_an_open_fault_runs_until_now_and_the_future_is_not_counted():
    # Period 1-31 March, now 11 March 00:00: observed 240 h; F open since 10 Mar 20:00.
    f = compute([span(at(10, 20), None)], at(1), at(31), now=at(11))
    assert f.observed == 240 * H
    assert f.unplanned == 4 * H
    assert f.availability == pytest.approx(236 / 240)
    assert f.failures == 1
    assert f.mttr is None  # not resolved yet
    assert f.mtbf == 236 * H


def test_period_boundaries_clip_spans_on_both_sides():
    # A fault from 28 Feb 22:00 to 3 Mar 02:00, period [1 Mar, 3 Mar): 48 h, all down.
    f = compute([span(datetime(2026, 2, 28, 22, tzinfo=UTC), at(3, 2))], at(1), at(3), now=at(20))
    assert f.unplanned == 48 * H
    assert f.availability == 0
    assert f.failures == 0 and f.mtbf is None


def test_a_period_all_planned_has_no_availability():
    f = compute([span(at(1), at(2), kind=K.PLANNED)], at(1), at(2), now=at(20))
    assert f.availability is None
    assert f.as_dict()["availability"] is None


def test_no_downtime_is_full_availability():
    f = compute([], at(1), at(2), now=at(20))
    assert f.availability == 1
    assert f.unplanned == timedelta()


# --- the unit's status follows the fault through the ticket services ---------------

RESOLVE = {"resolution": "remote", "cause": "c", "solution": "s", "prevention": "p"}


def _fault(world, moment, severity):
    with clock.at(moment):
        ticket = services.ticket_create(
            actor=world.dispatcher,
            organization=world.org_a,
            site=world.site_a,
            equipment=world.equipment_a,
            title="Stopped",
            description="It stopped",
            channel="phone",
        )
        return services.ticket_triage(ticket=ticket, actor=world.dispatcher, severity=severity)


def _status(world):
    return Equipment.objects.get(pk=world.equipment_a.pk).status


@pytest.mark.django_db
def test_major_fault_marks_the_unit_down_from_report_to_resolution(world):
    reported = datetime(2026, 3, 2, 1, tzinfo=UTC)
    ticket = _fault(world, reported, "major")
    assert _status(world) == "down"
    (row,) = Downtime.objects.filter(ticket_id=ticket.pk)
    assert (row.kind, row.impact, row.started_at, row.ended_at) == (
        "unplanned",
        "down",
        reported,
        None,
    )
    with clock.at(reported + 5 * H):
        services.ticket_respond(ticket=ticket, actor=world.dispatcher)
        services.ticket_resolve(ticket=ticket, actor=world.dispatcher, **RESOLVE)
    row.refresh_from_db()
    assert row.ended_at == reported + 5 * H
    assert _status(world) == "operational"
    assert row.history.count() == 2  # opened, then ended: kept in history


@pytest.mark.django_db
def test_urgent_is_degraded_a_change_to_general_clears_it_cancel_drops_it(world):
    ticket = _fault(world, datetime(2026, 3, 2, 1, tzinfo=UTC), "urgent")
    assert _status(world) == "degraded"
    other = _fault(world, datetime(2026, 3, 2, 2, tzinfo=UTC), "major")
    assert _status(world) == "down"  # the worst open fault wins
    with clock.at(datetime(2026, 3, 2, 3, tzinfo=UTC)):
        services.ticket_cancel(ticket=other, actor=world.dispatcher, reason="duplicate")
    assert _status(world) == "degraded"
    assert not Downtime.objects.filter(ticket_id=other.pk).exists()
    with clock.at(datetime(2026, 3, 2, 4, tzinfo=UTC)):
        services.ticket_triage(ticket=ticket, actor=world.dispatcher, severity="general")
    assert _status(world) == "operational"
    assert not Downtime.objects.filter(ticket_id=ticket.pk).exists()


@pytest.mark.django_db
def test_the_rules_are_the_policys(world):
    Policy.objects.filter(is_default=True).update(urgent_impact="down", major_impact="none")
    _fault(world, datetime(2026, 3, 2, 1, tzinfo=UTC), "urgent")
    assert _status(world) == "down"
    _fault(world, datetime(2026, 3, 2, 2, tzinfo=UTC), "major")
    assert Downtime.objects.count() == 1


@pytest.mark.django_db
def test_a_recurrence_opens_a_new_span(world):
    reported = datetime(2026, 3, 2, 1, tzinfo=UTC)
    ticket = _fault(world, reported, "major")
    with clock.at(reported + H):
        services.ticket_respond(ticket=ticket, actor=world.dispatcher)
        services.ticket_resolve(ticket=ticket, actor=world.dispatcher, **RESOLVE)
    with clock.at(reported + 3 * H):
        services.ticket_follow_up(
            ticket=ticket, actor=world.dispatcher, recurred=True, satisfaction=None
        )
    assert _status(world) == "down"
    spans = list(Downtime.objects.filter(ticket_id=ticket.pk).order_by("started_at"))
    assert [(s.started_at, s.ended_at) for s in spans] == [
        (reported, reported + H),
        (reported + 3 * H, None),
    ]


# --- the API ------------------------------------------------------------------------

URL = "/api/v1/equipment/{}/availability/"


@pytest.mark.django_db
def test_availability_endpoint_gives_the_hand_computed_figures(
    world, api, django_assert_num_queries
):
    unit = world.equipment_a
    for row in HAND:
        row.equipment = unit
        row.save()
    client = api.as_user(world.customer_a)
    # 1 session user... force_authenticate: the unit (scoped), the spans.
    with django_assert_num_queries(2):
        response = client.get(
            URL.format(unit.pk), {"from": "2026-03-01T00:00:00+00:00", "to": "2026-03-11T00:00:00Z"}
        )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["availability"] == round(204 / 230, 6)
    assert data["unplanned_downtime_seconds"] == 26 * 3600
    assert data["planned_downtime_seconds"] == 10 * 3600
    assert data["mtbf_seconds"] == int(40.8 * 3600)
    assert data["mttr_seconds"] == int(8.5 * 3600)
    assert data["failures"] == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"from": "yesterday"},
        {"to": "2026-13-01"},
        {"from": "2026-03-10", "to": "2026-03-01"},
        {"from": "2026-03-01T00:00:00"},  # no offset
        {"to": "9999-12-31"},
        {"from": "0001-01-01", "to": "2026-01-01"},
    ],
)
def test_bad_periods_are_400(world, api, query):
    response = api.as_user(world.manager).get(URL.format(world.equipment_a.pk), query)
    assert response.status_code == 400, response.content


@pytest.mark.django_db
def test_another_organisations_unit_is_404(world, api):
    response = api.as_user(world.customer_b).get(URL.format(world.equipment_a.pk))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_units_status_in_the_api_follows(world, api):
    _fault(world, datetime(2026, 3, 2, 1, tzinfo=UTC), "major")
    data = api.as_user(world.customer_a).get(f"/api/v1/equipment/{world.equipment_a.pk}/").json()
    assert data["status"] == "down"


# --- the pages ----------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_show_availability_in_english_and_chinese(world, client):
    _fault(world, clock.now() - timedelta(hours=3), "major")
    unit = world.equipment_a
    customer = world.customer_a
    customer.language = "en"
    customer.save()
    client.force_login(customer)
    page = client.get(f"/assets/equipment/{unit.pk}/").content.decode()
    assert 'data-testid="unit-availability"' in page and "Unplanned downtime (hours)" in page
    assert "ongoing" in page
    customer.language = "zh-hans"
    customer.save()
    page = client.get(f"/assets/equipment/{unit.pk}/").content.decode()
    assert "可用率" in page and "进行中" in page
    archive = client.get("/tickets/archive/").content.decode()
    assert 'data-testid="archive-availability-table"' in archive and unit.name in archive
    client.force_login(world.manager)
    dashboard = client.get("/sla/").content.decode()
    assert 'data-testid="availability-by-organisation"' in dashboard
    assert world.org_a.name in dashboard


@pytest.mark.django_db
def test_backfill_rebuilds_spans_from_the_timeline_once(world):
    from tickets.services.downtime import downtime_backfill

    reported = datetime(2026, 3, 2, 1, tzinfo=UTC)
    ticket = _fault(world, reported, "major")
    with clock.at(reported + H):
        services.ticket_respond(ticket=ticket, actor=world.dispatcher)
        services.ticket_resolve(ticket=ticket, actor=world.dispatcher, **RESOLVE)
    with clock.at(reported + 3 * H):
        services.ticket_reopen(ticket=ticket, actor=world.dispatcher, reason="again")
    expected = [(reported, reported + H), (reported + 3 * H, None)]
    Downtime.objects.all().delete()  # as before the spans existed
    Equipment.objects.filter(pk=world.equipment_a.pk).update(status="operational")
    assert downtime_backfill() == 1
    spans = Downtime.objects.filter(ticket_id=ticket.pk).order_by("started_at")
    assert [(s.started_at, s.ended_at) for s in spans] == expected
    assert _status(world) == "down"
    assert downtime_backfill() == 0  # idempotent


@pytest.mark.django_db
def test_a_maintenance_task_with_downtime_is_a_planned_window(world):
    from inspections import services as inspections
    from tests.factories.inspections import MaintenancePlanFactory, MaintenanceTaskFactory

    plan = MaintenancePlanFactory(equipment=world.equipment_a, task_kind="cleaning")
    task = MaintenanceTaskFactory(plan=plan, equipment=world.equipment_a, task_kind="cleaning")
    done = datetime(2026, 3, 5, 10, tzinfo=UTC)
    with time_machine.travel(done, tick=False):
        inspections.maintenance_task_complete(
            task=task, actor=world.dispatcher, downtime_minutes=90
        )
    (row,) = Downtime.objects.filter(kind="planned")
    assert (row.started_at, row.ended_at) == (done - 90 * timedelta(minutes=1), done)
    figures = compute([row], at(5), at(6), now=at(20))
    assert figures.planned == 90 * timedelta(minutes=1)
    assert figures.scheduled == 24 * H - 90 * timedelta(minutes=1)
    assert _status(world) == "operational"
