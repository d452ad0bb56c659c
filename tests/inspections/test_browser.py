"""engineer1 does today's inspection on a phone; customer_a reads the report and its PDF."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.factories.inspections import InspectionFactory, InspectionPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_engineer_fills_the_checklist_on_a_phone_and_customer_downloads_the_pdf(
    world, page, login, live_server
):
    plan = InspectionPlanFactory(
        site=world.site_a, contract=world.contract_a, default_engineer=world.engineer1
    )
    today = timezone.localdate()
    InspectionFactory(plan=plan, assignee=world.engineer1, scheduled_for=today - timedelta(days=40))
    inspection = InspectionFactory(plan=plan, assignee=world.engineer1, scheduled_for=today)

    page.set_viewport_size({"width": 375, "height": 812})
    login(page, "engineer1")
    page.goto(f"{live_server.url}/inspections/")
    page.get_by_test_id("inspection-link").filter(has_text=today.isoformat()).click()
    page.get_by_test_id("start").click()
    page.get_by_test_id("ok-1").check()
    page.get_by_test_id("value-2").fill("15.8")  # above the 14.4 V limit
    voltage = inspection.checklist_template.items.get(order=2)
    flag = page.locator(f"#item-{voltage.pk} [data-testid=limit-flag]")
    flag.wait_for(state="visible", timeout=10_000)
    assert "Out of limit" in flag.inner_text()
    page.get_by_test_id("text-3").fill("Backups verified")
    page.get_by_test_id("save-results").click()
    page.wait_for_load_state()
    assert page.locator(".checklist-item.out-of-limit").count() == 1
    page.get_by_test_id("findings").fill("UPS battery over voltage")
    page.get_by_test_id("complete").click()
    page.wait_for_url(f"{live_server.url}/inspections/{inspection.pk}/")
    assert page.get_by_test_id("status").inner_text().lower() == "completed"
    assert page.viewport_size["width"] == 375
    page.get_by_test_id("logout").dispatch_event("click")
    page.wait_for_load_state()

    page.context.clear_cookies()
    login(page, "customer_a")
    page.goto(f"{live_server.url}/inspections/")
    page.get_by_test_id("inspection-link").first.click()
    assert "Site A" in page.get_by_test_id("inspection-title").inner_text()
    assert "UPS battery over voltage" in page.get_by_test_id("findings").inner_text()
    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    content = Path(download_info.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Site A" in text and "UPS battery voltage" in text
    page.get_by_test_id("acknowledge").click()
    page.wait_for_load_state()
    inspection.refresh_from_db()
    assert inspection.acknowledged_by == world.customer_a
