"""The SLA API: scope (404 out of scope), roles (403), bad input (400, nothing
written), the holiday import, the dashboard, and lists in a fixed number of queries."""

from datetime import timedelta

import pytest

from sla.models import BusinessCalendar, CalendarDay, Clock, Policy, Target
from tests.factories.sla import BusinessCalendarFactory, PolicyFactory, report, triage
from tests.sla.conftest import cst

pytestmark = pytest.mark.django_db
REPORTED = cst(2026, 3, 2, 10, 0)


def test_clocks_are_scoped_to_the_callers_tickets(world, api):
    mine = report(site=world.site_a, at=REPORTED)
    theirs = report(site=world.site_b, at=REPORTED)
    client = api.as_user(world.customer_a)
    body = client.get("/api/v1/sla/clocks/").json()
    assert {row["ticket"] for row in body["results"]} == {mine.pk}
    other = theirs.sla_clocks.first()
    assert client.get(f"/api/v1/sla/clocks/{other.pk}/").status_code == 404
    assert api.as_user(world.dispatcher).get(f"/api/v1/sla/clocks/{other.pk}/").status_code == 200


def test_clock_filters(world, api):
    ticket = triage(report(site=world.site_a, at=REPORTED), REPORTED, "major")
    client = api.as_user(world.manager)
    rows = client.get("/api/v1/sla/clocks/", {"metric": "restore"}).json()["results"]
    assert [r["metric"] for r in rows] == ["restore"]
    rows = client.get(
        "/api/v1/sla/clocks/",
        {"due_before": (REPORTED + 3 * timedelta(hours=1)).isoformat(), "state": "running"},
    ).json()["results"]
    assert {r["metric"] for r in rows} == {"response", "arrival"}
    assert client.get("/api/v1/sla/clocks/", {"severity": "general"}).json()["results"] == []
    assert client.get("/api/v1/sla/clocks/", {"state": "nonsense"}).status_code == 400
    assert ticket.sla_clocks.count() == 4


def test_clock_list_is_a_fixed_number_of_queries(world, api, django_assert_num_queries):
    client = api.as_user(world.dispatcher)
    for _ in range(2):
        report(site=world.site_a, at=REPORTED)
    client.get("/api/v1/sla/clocks/")  # warm up
    # the page of clocks joined with their tickets, sites and centres (the user's
    # centres are cached on the user after the first request)
    with django_assert_num_queries(1):
        assert len(client.get("/api/v1/sla/clocks/").json()["results"]) == 4
    for _ in range(5):
        report(site=world.site_a, at=REPORTED)
    with django_assert_num_queries(1):
        assert len(client.get("/api/v1/sla/clocks/").json()["results"]) == 14


def test_managers_write_policies_and_dispatchers_may_not(world, api):
    calendar = BusinessCalendar.objects.get(is_default=True)
    body = {"name": "Gold", "calendar": calendar.pk}
    assert (
        api.as_user(world.dispatcher).post("/api/v1/sla/policies/", body, format="json").status_code
        == 403
    )
    assert api.as_user(world.customer_a).get("/api/v1/sla/policies/").status_code == 403
    response = api.as_user(world.manager).post(
        "/api/v1/sla/policies/", {**body, "is_default": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert list(Policy.objects.filter(is_default=True).values_list("name", flat=True)) == ["Gold"]


def test_bad_target_is_400_and_writes_nothing(world, api):
    policy = PolicyFactory()
    client = api.as_user(world.manager)
    before = Target.objects.count()
    response = client.post(
        "/api/v1/sla/targets/",
        {
            "policy": policy.pk,
            "severity": "major",
            "metric": "restore",
            "duration": "0",
            "warning_ratio": "1.5",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"duration", "warning_ratio"}
    assert Target.objects.count() == before
    ok = client.post(
        "/api/v1/sla/targets/",
        {
            "policy": policy.pk,
            "severity": "major",
            "metric": "restore",
            "duration": "04:00:00",
            "clock": "business",
        },
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["warning_ratio"] == "0.80"
    again = client.post(
        "/api/v1/sla/targets/",
        {"policy": policy.pk, "severity": "major", "metric": "restore", "duration": "05:00:00"},
        format="json",
    )
    assert again.status_code == 400 and "metric" in again.json()


def test_calendar_with_a_lunch_break_and_bad_windows(world, api):
    client = api.as_user(world.manager)
    windows = [
        {"weekday": 0, "start": "09:00", "end": "12:00"},
        {"weekday": 0, "start": "13:00", "end": "18:00"},
    ]
    response = client.post(
        "/api/v1/sla/calendars/",
        {"name": "Berlin", "time_zone": "Europe/Berlin", "windows": windows},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()["windows"]) == 2
    bad = client.post(
        "/api/v1/sla/calendars/",
        {
            "name": "Bad",
            "time_zone": "Mars/Base",
            "windows": [
                {"weekday": 0, "start": "09:00", "end": "12:00"},
                {"weekday": 0, "start": "11:00", "end": "18:00"},
            ],
        },
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()) == {"time_zone", "windows"}
    assert not BusinessCalendar.objects.filter(name="Bad").exists()


def test_import_holidays_action(world, api):
    calendar = BusinessCalendarFactory()
    url = f"/api/v1/sla/calendars/{calendar.pk}/import-holidays/"
    assert (
        api.as_user(world.dispatcher).post(url, {"years": "2026"}, format="json").status_code == 403
    )
    client = api.as_user(world.manager)
    assert client.post(url, {"years": "soon"}, format="json").status_code == 400
    assert client.post(url, {"years": "2026", "country": "XX"}, format="json").json() == {
        "country": ["The holidays package has no calendar for this country."]
    }
    response = client.post(url, {"years": "2026", "country": "CN"}, format="json")
    assert response.status_code == 200
    assert response.json()["workdays"] == 6
    assert CalendarDay.objects.get(calendar=calendar, date="2026-10-10").kind == "workday"
    assert (
        client.post(url, {"years": "2026", "country": "CN"}, format="json").status_code == 200
    )  # idempotent
    assert CalendarDay.objects.filter(calendar=calendar).count() == sum(response.json().values())


def test_a_calendar_in_use_cannot_be_deleted(world, api):
    calendar = BusinessCalendar.objects.get(is_default=True)
    response = api.as_user(world.manager).delete(f"/api/v1/sla/calendars/{calendar.pk}/")
    assert response.status_code == 409
    assert BusinessCalendar.objects.filter(pk=calendar.pk).exists()


def test_dashboard_roles_filters_and_errors(world, api):
    triage(report(site=world.site_a, at=REPORTED), REPORTED, "major")
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    assert api.as_user(world.customer_a).get("/api/v1/sla/dashboard/", query).status_code == 403
    assert api.as_user(world.engineer1).get("/api/v1/sla/dashboard/", query).status_code == 403
    client = api.as_user(world.manager)
    body = client.get(
        "/api/v1/sla/dashboard/", {**query, "organization": world.org_a.pk, "bucket": "week"}
    ).json()
    assert body["tickets_reported"] == 1 and body["series"][0]["bucket"] == "2026-03-02"
    assert body["triaged_within_15_min"]["rate"] == 1.0
    assert (
        client.get("/api/v1/sla/dashboard/", {**query, "organization": world.org_b.pk}).json()[
            "tickets_reported"
        ]
        == 0
    )
    bad = client.get(
        "/api/v1/sla/dashboard/", {"from": "2026-13-01", "severity": "huge", "organization": 999999}
    )
    assert bad.status_code == 400 and set(bad.json()) == {"from", "severity", "organization"}
    reversed_period = client.get(
        "/api/v1/sla/dashboard/", {"from": "2026-03-31", "to": "2026-03-01"}
    )
    assert reversed_period.status_code == 400 and "to" in reversed_period.json()


def test_contract_takes_a_policy(world, api):
    policy = PolicyFactory()
    response = api.as_user(world.admin).patch(
        f"/api/v1/contracts/{world.contract_a.pk}/", {"sla_policy": policy.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    world.contract_a.refresh_from_db()
    assert world.contract_a.sla_policy == policy


def test_ticket_api_shows_clocks_without_a_query_per_row(world, api, django_assert_max_num_queries):
    for _ in range(2):
        report(site=world.site_a, at=REPORTED)
    client = api.as_user(world.dispatcher)
    client.get("/api/v1/tickets/")
    with django_assert_max_num_queries(6) as few:
        body = client.get("/api/v1/tickets/").json()
    assert {c["metric"] for c in body["results"][0]["sla"]} == {"triage", "response"}
    for _ in range(5):
        report(site=world.site_a, at=REPORTED)
    with django_assert_max_num_queries(6) as many:
        client.get("/api/v1/tickets/")
    assert len(many) == len(few)
    assert Clock.objects.count() == 14
