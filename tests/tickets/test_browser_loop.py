"""The whole repair loop in Chromium, each person in their own browser context."""

import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.factories.accounts import PASSWORD
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(browser, live_server, username, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def _act(page, action, fields=None):
    if fields is not None:
        page.click(f"[data-testid=open-{action}]")
        for selector, value in fields.items():
            if selector.startswith("select"):
                page.select_option(selector.split(":", 1)[1], value)
            elif selector.startswith("check"):
                page.check(selector.split(":", 1)[1])
            else:
                page.fill(selector, value)
    page.click(f"[data-testid=action-{action}]")
    page.wait_for_load_state()


def test_fault_report_runs_the_whole_loop(world, browser, live_server, tmp_path):
    photo = tmp_path / "fault.png"
    Image.new("RGB", (40, 30), "red").save(photo)

    customer = _session(browser, live_server, "customer_a")
    customer.goto(f"{live_server.url}/tickets/new/")
    customer.select_option("select[name=site]", str(world.site_a.pk))
    customer.fill("input[name=title]", "信号控制器离线 PLC offline")
    customer.fill("textarea[name=description]", "控制柜报警，PLC 无响应。")
    customer.set_input_files("input[name=files]", str(photo))
    customer.click("[data-testid=submit-report]")
    customer.wait_for_load_state()
    ticket = Ticket.objects.get(title__startswith="信号控制器")
    assert ticket.attachments.count() == 1
    detail = f"{live_server.url}/tickets/{ticket.pk}/"

    dispatcher = _session(browser, live_server, "dispatcher")
    dispatcher.goto(detail)
    _act(
        dispatcher,
        "triage",
        {
            "select:select[name=triage-severity]": "major",
            "select:select[name=triage-assignee]": str(world.engineer1.pk),
        },
    )
    assert Ticket.objects.get(pk=ticket.pk).status == "triaged"

    engineer = _session(browser, live_server, "engineer1", viewport={"width": 375, "height": 812})
    engineer.goto(detail)
    _act(engineer, "respond", {"input[name=respond-note]": "远程诊断：需要现场更换模块"})
    _act(engineer, "dispatch", {"select:select[name=dispatch-engineer]": str(world.engineer1.pk)})
    assert "/tickets/visits/" in engineer.url
    visit_url = engineer.url
    engineer.click("[data-testid=visit-depart]")
    engineer.wait_for_load_state()
    engineer.click("[data-testid=visit-check-in]")
    engineer.wait_for_load_state()
    for note in [
        "诊断：电源模块损坏",
        "方案：更换电源模块",
        "实施：已更换",
        "测试：运行正常",
        "验收：客户确认",
    ]:
        engineer.fill("[data-testid=phase-notes]", note)
        engineer.click("[data-testid=phase-save]")
        engineer.wait_for_load_state()
    assert engineer.locator("[data-testid=phases] li").filter(has_text="✓").count() == 5

    customer.goto(visit_url)
    customer.fill("[data-testid=signer-name]", "王芳")
    customer.locator("[data-testid=signature-pad]").scroll_into_view_if_needed()
    pad = customer.locator("[data-testid=signature-pad]").bounding_box()
    customer.mouse.move(pad["x"] + 20, pad["y"] + 40)
    customer.mouse.down()
    for step in range(1, 12):
        customer.mouse.move(pad["x"] + 20 + step * 15, pad["y"] + 40 + (step % 3) * 20)
    customer.mouse.up()
    customer.click("[data-testid=sign]")
    customer.wait_for_load_state()
    assert customer.locator("[data-testid=signed]").count() == 1, customer.locator(
        "main"
    ).inner_text()[:600]

    engineer.goto(visit_url)
    engineer.click("[data-testid=visit-complete]")
    engineer.wait_for_load_state()
    engineer.goto(detail)
    _act(
        engineer,
        "resolve",
        {
            "select:select[name=resolve-resolution]": "onsite",
            "textarea[name=resolve-cause]": "电源模块老化",
            "textarea[name=resolve-solution]": "更换电源模块",
            "textarea[name=resolve-prevention]": "季度巡检检查电源",
        },
    )
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"

    dispatcher.goto(detail)
    _act(
        dispatcher,
        "follow-up",
        {
            "select:select[name=follow-up-satisfaction]": "5",
            "input[name=follow-up-note]": "No recurrence",
        },
    )
    ticket.refresh_from_db()
    assert ticket.status == "closed"

    customer.goto(f"{live_server.url}/tickets/archive/")
    assert ticket.number in customer.locator("[data-testid=archive-case]").first.inner_text()
    customer.goto(visit_url)
    with customer.expect_download() as download:
        customer.click("[data-testid=confirmation-pdf]")
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert ticket.number in text
    assert "电源模块" in re.sub(r"\s+", "", text)
