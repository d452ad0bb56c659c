"""In Chromium: customer_a (customer admin) enrols a colleague, the trainer marks
attendance and a passing score on the attendance sheet (htmx), and the certificate
downloads from the customer's trainings."""

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.factories.training import SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enrol_a_colleague_record_a_pass_and_download_the_certificate(
    world, operational, page, login, live_server
):
    world.customer_a2.first_name, world.customer_a2.last_name = "小明", "王"
    world.customer_a2.save()
    # Starts in two minutes: the customer may still enrol, and the trainer records it a little
    # later.
    start = timezone.now() + datetime.timedelta(minutes=2)
    session = SessionFactory(
        course=operational,
        organization=world.org_a,
        trainer=world.engineer1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )

    page.set_viewport_size({"width": 375, "height": 812})
    login(page, "customer_a")
    page.goto(f"{live_server.url}/training/")
    page.get_by_test_id("session-link").first.click()
    page.get_by_test_id("trainee").select_option(str(world.customer_a2.pk))
    page.get_by_test_id("enrol").click()
    page.wait_for_load_state()
    assert "小明 王" in page.get_by_test_id("enrollment-row").inner_text()
    assert page.get_by_test_id("seats-left").inner_text().startswith("9")

    # The session begins: move it into the past rather than wait.
    type(session).objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    page.context.clear_cookies()
    login(page, "engineer1")
    page.goto(f"{live_server.url}/training/sessions/{session.pk}/attendance/")
    row = page.get_by_test_id("attendance-row")
    row.get_by_test_id("attended").check()
    row.get_by_test_id("score").fill("86")
    row.get_by_test_id("passed-box").check()
    row.get_by_test_id("save-attendance").click()
    page.get_by_test_id("row-saved").wait_for(timeout=10_000)  # the row was swapped by htmx
    assert page.url.endswith(f"/training/sessions/{session.pk}/attendance/")

    page.context.clear_cookies()
    login(page, "customer_a")
    page.goto(f"{live_server.url}/training/my/")
    with page.expect_download() as download_info:
        page.get_by_test_id("certificate").first.click()
    content = Path(download_info.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "小明" in text and operational.title.split()[0] in text
