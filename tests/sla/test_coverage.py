"""Calendar coverage through the API, the services and the scheduled task, with
time-machine: `covered_through`, the flag on clocks due past it, make-up days entered
by hand (API and page) that move open clocks, the yearly import when the package knows
the year, the 90-day notice to managers; and site time zones that differ from their
policy calendar's."""

import datetime
from datetime import date, timedelta

import pytest

from notifications.models import Notification
from sla import services
from sla.models import BusinessCalendar, CalendarDay, Clock, WorkingWindow
from sla.tasks import calendar_coverage
from tests.sla.conftest import cst
from tickets import services as tickets

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
API = "/api/v1/sla"


@pytest.fixture
def default_calendar(world):
    return BusinessCalendar.objects.get(is_default=True)


def _general_fault(world, site=None):
    ticket = tickets.ticket_create(
        actor=world.dispatcher,
        organization=world.org_a,
        site=site or world.site_a,
        title="Pump alarm",
        description="Alarm",
        channel="phone",
        equipment=world.equipment_a,
    )
    return tickets.ticket_triage(
        ticket=ticket, actor=world.dispatcher, severity="general", assignee=world.engineer1
    )


def _restore(ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, metric="restore")


def test_the_default_calendar_covers_only_the_years_with_the_official_notice(
    api, world, default_calendar
):
    # days are imported for 2025-2027, but 2027 has no make-up days yet (no notice in the package)
    assert default_calendar.days.filter(date__year=2027).exists()
    body = api.as_user(world.dispatcher).get(f"{API}/calendars/{default_calendar.pk}/").json()
    assert body["covered_through"] == "2026-12-31"


def test_a_clock_past_coverage_is_flagged_until_the_days_are_entered_by_hand(
    api, world, default_calendar, time_machine
):
    manager = api.as_user(world.manager)
    assert (
        manager.patch(
            f"{API}/calendars/{default_calendar.pk}/",
            {"covered_through": "2027-12-31"},
            format="json",
        ).status_code
        == 200
    )
    time_machine.move_to(cst(2028, 1, 24, 10), tick=False)  # Monday
    ticket = _general_fault(world)
    restore = _restore(ticket)
    # 27 business hours counted over Spring Festival as if it were worked: Thu 27 Jan
    assert restore.beyond_coverage and restore.due_at == cst(2028, 1, 27, 10)
    seen = api.as_user(world.dispatcher).get(f"/api/v1/tickets/{ticket.pk}/")
    manager = api.as_user(world.manager)
    assert {c["metric"]: c["beyond_coverage"] for c in seen.json()["sla"]}["restore"] is True

    time_machine.move_to(cst(2028, 1, 24, 11), tick=False)
    for offset in range(7):  # Spring Festival, Wed 26 Jan - Tue 1 Feb, entered by hand
        day = date(2028, 1, 26) + timedelta(days=offset)
        created = manager.post(
            f"{API}/calendar-days/",
            {"calendar": default_calendar.pk, "date": str(day), "kind": "holiday", "name": "春节"},
            format="json",
        )
        assert created.status_code == 201, created.content
    restore = _restore(ticket)
    assert (
        restore.due_at == cst(2028, 2, 3, 10) and restore.beyond_coverage
    )  # moved, still not declared
    assert (
        manager.patch(
            f"{API}/calendars/{default_calendar.pk}/",
            {"covered_through": "2028-12-31"},
            format="json",
        ).json()["covered_through"]
        == "2028-12-31"
    )
    restore = _restore(ticket)
    assert restore.due_at == cst(2028, 2, 3, 10) and not restore.beyond_coverage
    again = api.as_user(world.dispatcher).get(
        f"/api/v1/tickets/{ticket.pk}/", HTTP_IF_NONE_MATCH=seen["ETag"]
    )
    assert again.status_code == 200  # sync sees the moved due time


def test_a_make_up_day_entered_on_the_page_moves_open_clocks(
    client, world, default_calendar, time_machine
):
    time_machine.move_to(cst(2026, 12, 4, 17), tick=False)  # Friday 17:00
    ticket = _general_fault(world)
    assert _restore(ticket).due_at == cst(2026, 12, 9, 17)  # Mon, Tue, Wed 17:00
    client.force_login(world.dispatcher)
    page = client.get(f"/sla/calendars/{default_calendar.pk}/")
    assert (
        page.status_code == 200
        and b"2026-12-31" in page.content
        and b"day-form" not in page.content
    )
    assert (
        client.post(
            f"/sla/calendars/{default_calendar.pk}/", {"date": "2026-12-05", "kind": "workday"}
        ).status_code
        == 404
    )  # dispatchers read, managers write
    client.force_login(world.manager)
    response = client.post(
        f"/sla/calendars/{default_calendar.pk}/",
        {"date": "2026-12-05", "kind": "workday", "name": "调休"},
    )
    assert response.status_code == 302
    assert (
        CalendarDay.objects.get(calendar=default_calendar, date=date(2026, 12, 5)).kind == "workday"
    )
    assert _restore(ticket).due_at == cst(
        2026, 12, 8, 17
    )  # the Saturday is worked: one day earlier
    bad = client.post(
        f"/sla/calendars/{default_calendar.pk}/", {"date": "not a date", "kind": "workday"}
    )
    assert bad.status_code == 200 and "day-form" in bad.content.decode()


@pytest.fixture
def berlin(world):
    calendar = BusinessCalendar.objects.create(
        name="Berlin office",
        time_zone="Europe/Berlin",
        country="DE",
        covered_through=date(2026, 12, 31),
    )
    for weekday in range(5):
        WorkingWindow.objects.create(
            calendar=calendar, weekday=weekday, start=datetime.time(9), end=datetime.time(17)
        )
    return calendar


def test_the_scheduled_task_imports_next_year_once_the_package_knows_it(
    world, default_calendar, berlin, time_machine, eager_celery
):
    time_machine.move_to(cst(2026, 11, 28, 3), tick=False)
    first = calendar_coverage.delay().get()
    # Germany's 2027 is rule-based (known); China's 2027 waits for its notice
    assert first["imported"] == [[berlin.pk, 2027]]
    berlin.refresh_from_db()
    default_calendar.refresh_from_db()
    assert berlin.covered_through == date(
        2027, 12, 31
    ) and default_calendar.covered_through == date(2026, 12, 31)
    assert berlin.days.filter(date=date(2027, 12, 25), kind="holiday").exists()
    imported = Notification.objects.filter(event="sla_holidays_imported")
    assert list(imported.values_list("recipient__username", flat=True)) == ["manager"]
    # China's coverage ends in 33 days: the managers are warned, once
    assert first["warned"] == [default_calendar.pk]
    assert calendar_coverage.delay().get() == {"imported": [], "warned": []}
    assert (
        Notification.objects.filter(event="sla_calendar_coverage", recipient=world.manager).count()
        == 1
    )


def test_the_coverage_notice_comes_ninety_days_ahead(world, default_calendar):
    assert services.calendars_notify_coverage(today=date(2026, 10, 1)) == []  # 91 days ahead
    assert services.calendars_notify_coverage(today=date(2026, 10, 2)) == [default_calendar]
    assert services.calendars_notify_coverage(today=date(2026, 10, 3)) == []
    services.calendar_set_coverage(calendar=default_calendar, covered_through=date(2027, 12, 31))
    assert services.calendars_notify_coverage(today=date(2027, 10, 2)) == [
        default_calendar
    ]  # the new end


def test_a_site_outside_its_calendars_time_zone_is_warned_about(client, world, time_machine):
    world.site_a.time_zone = "Europe/Berlin"
    world.site_a.save(update_fields=["time_zone"])
    time_machine.move_to(cst(2026, 3, 2, 10), tick=False)
    ticket = _general_fault(world)  # restore runs on the default (Shanghai) business calendar
    client.force_login(world.manager)
    for url in (f"/assets/sites/{world.site_a.pk}/", f"/tickets/{ticket.pk}/", "/sla/"):
        html = client.get(url).content.decode()
        assert "Europe/Berlin" in html and "Asia/Shanghai" in html, url
    site_b = client.get(f"/assets/sites/{world.site_b.pk}/").content.decode()
    assert "time-zone-warning" not in site_b


def test_the_dashboard_api_carries_the_coverage_and_time_zone_warnings(
    api, world, default_calendar, time_machine
):
    world.site_a.time_zone = "Europe/Berlin"
    world.site_a.save(update_fields=["time_zone"])
    time_machine.move_to(cst(2026, 12, 30, 10), tick=False)
    _general_fault(world)  # due in January 2027: past the default calendar's coverage
    body = api.as_user(world.manager).get(f"{API}/dashboard/").json()
    assert body["clocks_beyond_coverage"] == 1
    assert body["calendars_ending"] == [
        {
            "calendar": default_calendar.pk,
            "name": default_calendar.name,
            "covered_through": "2026-12-31",
        }
    ]
    assert [
        (row["name"], row["site_time_zone"], row["calendar_time_zone"])
        for row in body["sites_off_their_calendar"]
    ] == [("Site A", "Europe/Berlin", "Asia/Shanghai")]
