"""Issue 18, must show: the upgrade assessment approved end to end in the browser.
engineer1 drafts the assessment of an upgrade ticket with its quote and sends it;
customer_a, on a phone in Chinese, reads it and its PDF and approves it; the upgrade
is then a planned maintenance task."""

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from inspections.models import MaintenanceTask, UpgradeAssessment
from tests.factories.tickets import TicketFactory
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_assessment_drafted_proposed_and_approved_in_the_browser(world, page, login, live_server):
    world.equipment_a.firmware_version = "3.9"
    world.equipment_a.save()
    ticket = TicketFactory(
        site=world.site_a,
        kind=Ticket.Kind.UPGRADE,
        title="Controller firmware upgrade",
        equipment=world.equipment_a,
        assignee=world.engineer1,
        reporter=world.customer_a,
        status=Ticket.Status.TRIAGED,
        severity=Ticket.Severity.GENERAL,
    )

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "engineer1")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("assessment-link").click()
    form = page.get_by_test_id("assessment-form")
    assert form.locator("input[name=current_version]").input_value() == "3.9"
    form.locator("input[name=target_version]").fill("4.2.1")
    form.locator("textarea[name=proposal]").fill("Upgrade the controller to 4.2.1")
    form.locator("textarea[name=risks]").fill("Rollback takes an hour")
    form.locator("input[name=downtime_hours]").fill("3")
    form.locator("input[name=planned_for]").fill("2027-03-01")
    line = page.get_by_test_id("quote-line-0")
    line.locator("input[name$=description]").fill("Firmware licence")
    line.locator("input[name$=unit_price]").fill("12000")
    second = page.get_by_test_id("quote-line-1")
    second.locator("input[name$=description]").fill("Engineer on site")
    second.locator("input[name$=quantity]").fill("2")
    second.locator("input[name$=unit_price]").fill("1500")
    page.get_by_test_id("save-assessment").click()
    page.wait_for_url(f"{live_server.url}/inspections/assessments/*/")
    assert "15000.00 CNY" in page.get_by_test_id("total-CNY").inner_text()
    page.get_by_test_id("propose").click()
    page.wait_for_load_state()
    assessment = UpgradeAssessment.objects.get()
    assert assessment.status == "proposed"
    page.context.clear_cookies()

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "customer_a")
    page.evaluate("document.cookie = 'django_language=zh-hans; path=/'")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("assessment-link").click()
    assert page.get_by_test_id("assessment-status").inner_text() == "待决定"
    assert "Upgrade the controller to 4.2.1" in page.get_by_test_id("proposal").inner_text()
    # Nothing wider than the phone's screen (the quote table scrolls inside its wrapper).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_download() as download_info:
        page.get_by_test_id("assessment-pdf").click()
    content = Path(download_info.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "升级评估" in text and "15000.00 CNY" in text and "4.2.1" in text
    page.get_by_test_id("approve").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("assessment-status").inner_text() == "已批准"
    assert "2027-03-01" in page.get_by_test_id("planned-task").inner_text()

    assessment.refresh_from_db()
    task = MaintenanceTask.objects.get()
    assert assessment.status == "approved" and assessment.maintenance_task == task
    assert assessment.decided_by == world.customer_a
    assert task.due_on == date(2027, 3, 1) and task.equipment == world.equipment_a
