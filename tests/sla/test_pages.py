"""The dashboard page, its htmx partial and the exports: roles (404 for others),
figures equal to the API's, SVG charts, CSV and XLSX."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.factories.sla import report, triage
from tests.sla.conftest import cst

pytestmark = pytest.mark.django_db
REPORTED = cst(2026, 3, 2, 10, 0)
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def tickets(world):
    late = triage(
        report(site=world.site_a, at=REPORTED),
        REPORTED + timedelta(minutes=30),
        "major",
        assignee=world.engineer1,
    )
    on_time = triage(
        report(site=world.site_b, at=REPORTED), REPORTED + timedelta(minutes=5), "general"
    )
    return late, on_time


def test_only_dispatch_roles_see_the_dashboard(client, world):
    for user in (world.customer_a, world.engineer1):
        client.force_login(user)
        assert client.get("/sla/").status_code == 404
        assert client.get("/sla/export/clocks.csv").status_code == 404


def test_dashboard_shows_tiles_charts_and_tables(client, world, tickets):
    client.force_login(world.manager)
    response = client.get("/sla/", MARCH)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="tile-triage"' in html and "50%" in html  # one of two triaged within 15 min
    assert html.count('data-testid="chart"') == 3  # the bell is an SVG icon too
    assert 'hx-trigger="every 30s"' in html
    assert "Local" in html  # breaches by centre (the late triage)


def test_dashboard_filters_by_organisation_and_reports_bad_input(client, world, tickets):
    client.force_login(world.manager)
    html = client.get("/sla/", {**MARCH, "organization": world.org_b.pk}).content.decode()
    assert "100%" in html and "1 / 1" in html
    bad = client.get("/sla/", {"from": "not-a-date"})
    assert bad.status_code == 200 and "message-error" in bad.content.decode()


def test_the_about_to_breach_partial_lists_warned_running_clocks(
    client, world, tickets, time_machine
):
    time_machine.move_to(REPORTED + timedelta(minutes=50))  # response (1 h) past 80 %
    client.force_login(world.dispatcher)
    html = client.get("/sla/about-to-breach/").content.decode()
    assert html.count('data-testid="breach-row"') == 1 and tickets[0].number in html


def test_csv_exports_of_clocks_and_kpis(client, world, tickets):
    client.force_login(world.manager)
    response = client.get("/sla/export/clocks.csv", MARCH)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ticket", "severity", "metric"] and len(rows) == 1 + 8
    kpi_rows = list(
        csv.reader(
            io.StringIO(client.get("/sla/export/kpis.csv", MARCH).content.decode("utf-8-sig"))
        )
    )
    assert ["triaged_within_15_min", "", "", "1", "2", "0.5"] in kpi_rows
    only_b = client.get(
        "/sla/export/clocks.csv", {**MARCH, "organization": world.org_b.pk}
    ).content.decode()
    assert tickets[1].number in only_b and tickets[0].number not in only_b


def test_xlsx_export_has_both_sheets(client, world, tickets):
    client.force_login(world.manager)
    response = client.get("/sla/export/all.xlsx", MARCH)
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["KPIs", "Clocks"]
    assert len(list(workbook["Clocks"].iter_rows())) == 9
    assert client.get("/sla/export/all.csv", MARCH).status_code == 404


def test_dashboard_page_is_a_fixed_number_of_queries(
    client, world, tickets, django_assert_max_num_queries
):
    client.force_login(world.manager)
    client.get("/sla/", MARCH)
    with django_assert_max_num_queries(40) as few:
        client.get("/sla/", MARCH)
    for _ in range(5):
        triage(report(site=world.site_a, at=REPORTED), REPORTED, "urgent")
    with django_assert_max_num_queries(40) as many:
        client.get("/sla/", MARCH)
    assert len(many) == len(few)
