"""The manager reads the SLA dashboard in Chromium: KPI tiles and SVG charts, the
organisation filter, and the CSV exports of the filtered period."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest

from tests.factories.sla import report, triage
from tests.sla.conftest import cst

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REPORTED = cst(2026, 3, 2, 10, 0)
NO_CLOCKS = {"running": 0, "paused": 0, "breached": 0, "met": 0, "stopped": 0}


@pytest.fixture
def march(world):
    """Organisation A: two faults triaged after 30 minutes (late). Organisation B: one
    fault triaged after 5 minutes (on time). So the triage share is 1/3 for all, 0/2
    for A and 1/1 for B."""
    late = [
        triage(
            report(site=world.site_a, at=REPORTED + timedelta(hours=i)),
            REPORTED + timedelta(hours=i, minutes=30),
            "major",
            assignee=world.engineer1,
        )
        for i in range(2)
    ]
    on_time = triage(
        report(site=world.site_b, at=REPORTED), REPORTED + timedelta(minutes=5), "general"
    )
    return late, on_time


def _tile(page, key):
    """A KPI tile as (label, value, footer with its whitespace collapsed)."""
    tile = page.get_by_test_id(f"tile-{key}")
    return tuple(
        " ".join(tile.locator(part).inner_text().split()) for part in ("header", ".value", "footer")
    )


def _bars(page):
    """The bar chart "Clocks by state" as {state: count}: its texts come as label, value."""
    texts = page.locator("svg[aria-label='Clocks by state'] text").all_text_contents()
    return dict(zip(texts[::2], (float(v) for v in texts[1::2]), strict=True))


def _download_csv(page, testid):
    with page.expect_download() as download_info:
        page.get_by_test_id(testid).click()
    download = download_info.value
    # the export starts with a byte-order mark, for Excel
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return download.suggested_filename, list(csv.reader(io.StringIO(text)))


def test_manager_filters_the_dashboard_by_organisation_and_exports_csv(
    world, march, page, login, live_server
):
    late, on_time = march
    login(page, "manager")
    page.get_by_test_id("nav").filter(has_text="SLA dashboard").click()
    page.wait_for_url(f"{live_server.url}/sla/")
    assert page.locator("h1").inner_text() == "SLA dashboard"

    filters = page.get_by_test_id("dashboard-filters")
    filters.get_by_label("From").fill("2026-03-01")
    filters.get_by_label("To").fill("2026-03-31")
    filters.get_by_label("Step").select_option("month")  # the page opens on weeks (issue 16)
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**/sla/?from=2026-03-01&to=2026-03-31*")

    label, value, footer = _tile(page, "triage")
    assert (label, value) == ("Triaged within 15 min", "33%")
    assert footer.startswith("1 / 3") and "goal 100%" in footer
    assert "bad" in page.get_by_test_id("tile-triage").get_attribute("class").split()
    assert _tile(page, "compliance") == ("SLA compliance", "33%", "1 / 3 · goal 95%")
    assert _tile(page, "mttr")[0] == "MTTR (hours)"

    charts = page.locator("svg[data-testid=chart]")
    assert charts.count() == 3
    assert [charts.nth(i).get_attribute("aria-label") for i in range(3)] == [
        "Compliance trend",
        "Clocks by state",
        "MTTR trend (hours)",
    ]
    trend = charts.nth(0)
    assert (
        trend.locator("polyline").count() == 1
        and trend.locator('circle:not([fill="transparent"])').count() == 1
    )  # one month (each point also has a wider transparent circle for hovering)
    assert "2026-03-01" in trend.locator("text").all_text_contents()
    assert trend.locator("line[stroke-dasharray]").count() == 1  # the 95 % goal
    assert charts.nth(1).locator("rect").count() == len(NO_CLOCKS)  # one bar per clock state
    # Four clocks per fault; the triage clock is met (late for A), the others still run.
    assert _bars(page) == {**NO_CLOCKS, "running": 9, "met": 3}

    page.get_by_test_id("filter-organization").select_option(label="Org B")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(f"**/sla/?*organization={world.org_b.pk}*")
    assert page.get_by_test_id("filter-organization").input_value() == str(world.org_b.pk)
    assert filters.get_by_label("From").input_value() == "2026-03-01"  # the period is kept
    label, value, footer = _tile(page, "triage")
    assert value == "100%" and footer.startswith("1 / 1")
    assert "good" in page.get_by_test_id("tile-triage").get_attribute("class").split()
    assert _tile(page, "compliance")[1:] == ("100%", "1 / 1 · goal 95%")
    assert _bars(page) == {**NO_CLOCKS, "running": 3, "met": 1}

    name, rows = _download_csv(page, "export-clocks-csv")
    assert name == "sla-clocks-20260301-20260331.csv"
    assert rows[0] == [
        "ticket",
        "severity",
        "metric",
        "state",
        "breached",
        "started_at",
        "due_at",
        "met_at",
        "paused_total_minutes",
        "service_center",
        "assignee",
    ]
    assert len(rows) == 1 + 4 and {row[0] for row in rows[1:]} == {
        on_time.number
    }  # its four clocks
    assert all(row[1] == "general" and row[9] == "Local" for row in rows[1:])

    name, rows = _download_csv(page, "export-kpis-csv")
    assert name == "sla-kpis-20260301-20260331.csv"
    assert rows[0] == ["kpi", "metric", "severity", "count", "total", "rate"]
    assert ["triaged_within_15_min", "", "", "1", "1", "1.0"] in rows

    page.get_by_test_id("filter-organization").select_option(label="Org A")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(f"**/sla/?*organization={world.org_a.pk}*")
    assert _tile(page, "triage")[1:] == ("0%", "0 / 2 · goal 100%")
    assert _tile(page, "compliance")[1:] == ("0%", "0 / 2 · goal 95%")
    assert _bars(page) == {**NO_CLOCKS, "running": 6, "met": 2}
    name, rows = _download_csv(page, "export-kpis-csv")
    assert ["triaged_within_15_min", "", "", "0", "2", "0.0"] in rows
    name, rows = _download_csv(page, "export-clocks-csv")
    assert {row[0] for row in rows[1:]} == {t.number for t in late}
