"""The availability and operation-report pages in a real browser, in English and
Chinese, at 390 px and 1280 px: nothing wider than the screen, the figures shown,
no English left on the Chinese pages' new parts. Screenshots go to
<SERVICEDESK_VAR_DIR or /tmp>/screens-18a for a person to look at."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from reports import services
from reports.models import OperationReport
from servicedesk import clock
from tickets import services as tickets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/screens-18a"))


def _fault(world):
    with clock.at(timezone.now() - timedelta(hours=5)):
        ticket = tickets.ticket_create(
            actor=world.dispatcher,
            organization=world.org_a,
            site=world.site_a,
            equipment=world.equipment_a,
            title="Stopped",
            description="Stopped",
            channel="phone",
        )
        tickets.ticket_triage(ticket=ticket, actor=world.dispatcher, severity="major")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_availability_and_reports_pages(world, page, login, live_server, width, language):
    SCREENS.mkdir(parents=True, exist_ok=True)
    _fault(world)
    report = OperationReport.objects.create(
        organization=world.org_a,
        kind="monthly",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        language=language,
    )
    services.report_build(report_id=report.pk)
    for user in (world.customer_a, world.manager):
        user.language = language
        user.save()
    page.set_viewport_size({"width": width, "height": 900})
    zh = language == "zh-hans"
    login(page, "customer_a")
    pages = [
        (
            f"/assets/equipment/{world.equipment_a.pk}/",
            "unit-availability",
            "可用率" if zh else "Availability",
        ),
        (
            "/tickets/archive/",
            "archive-availability",
            "设备可用率" if zh else "Equipment availability",
        ),
        ("/reports/", "report-list", "运行报告" if zh else "Operation reports"),
    ]
    for path, testid, words in pages:
        page.goto(f"{live_server.url}{path}")
        section = page.locator(f"[data-testid={testid}]")
        assert words in page.content()
        assert section.is_visible()
        assert _fits(page), path
        if zh:
            text = section.inner_text()
            for english in (
                "Availability",
                "Unplanned",
                "Planned",
                "Failures",
                "ongoing",
                "Download",
            ):
                assert english not in text, (path, english)
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=SCREENS / f"{name}-{language}-{width}.png", full_page=True)
    page.context.clear_cookies()
    login(page, "manager")
    page.goto(f"{live_server.url}/sla/")
    assert page.locator("[data-testid=availability-by-organisation]").is_visible()
    page.goto(f"{live_server.url}/reports/")
    assert page.locator("[data-testid=generate-report]").is_visible()
    assert _fits(page)
    page.screenshot(path=SCREENS / f"reports-manager-{language}-{width}.png", full_page=True)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    assert page.locator("[data-testid=report-pdf]").is_visible()
    assert _fits(page)
