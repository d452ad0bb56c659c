"""The dispatcher's desk in Chromium (issue 16): the queue's filters, sorting, saved
view and bulk assignment at 1280 px, its cards at 390 px in Chinese, the report form
refusing a bad file without filing a ticket, the conversation with a photo inline.
Screenshots go to var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories.accounts import PASSWORD
from tickets import services
from tickets.models import CannedReply, SavedView, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _session(browser, live_server, username, viewport=WIDE):
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def _shot(page, name, **kwargs):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), **kwargs)


def _queue_of_three(world, build):
    tickets = []
    for title, severity in (("Pump alarm", "major"), ("Screen dark", "general"), ("UPS beeps", "")):
        ticket = build.new(title=title)
        if severity:
            ticket = services.ticket_triage(
                ticket=ticket, actor=world.dispatcher, severity=severity
            )
        tickets.append(ticket)
    return tickets


def _rows(page) -> list[str]:
    return page.locator("[data-testid=ticket-row]").evaluate_all(
        "rows => rows.map(r => r.dataset.number)"
    )


def test_queue_filters_sorts_saves_a_view_and_assigns_in_bulk(world, build, browser, live_server):
    major, general, new = _queue_of_three(world, build)
    page = _session(browser, live_server, "dispatcher")
    page.goto(f"{live_server.url}/tickets/queue/")
    assert set(_rows(page)) == {major.number, general.number, new.number}
    assert page.locator("[data-testid=countdown]").count() == 3
    _shot(page, "queue-1280-en.png", full_page=True)

    # Sorting: the severity header, then the other way round.
    page.click("[data-testid=sort-severity]")
    page.wait_for_load_state()
    assert _rows(page) == [major.number, general.number, new.number]
    page.click("[data-testid=sort-severity]")
    page.wait_for_load_state()
    assert _rows(page) == [new.number, general.number, major.number]

    # Filters (folded away until asked for): severity major only.
    page.click("[data-testid=toggle-filters]")
    page.select_option("[data-testid=filter-severity]", "major")
    page.click("[data-testid=apply-filters]")
    page.wait_for_load_state()
    assert _rows(page) == [major.number]

    # Saved view, then back to everything, then the view again.
    page.click("[data-testid=open-save-view]")
    page.fill("[data-testid=view-name]", "Major only")
    page.click("[data-testid=save-view]")
    page.wait_for_load_state()
    assert SavedView.objects.get(owner=world.dispatcher).query == "severity=major&sort=-severity"
    page.goto(f"{live_server.url}/tickets/queue/")
    assert len(_rows(page)) == 3
    page.get_by_test_id("saved-view").filter(has_text="Major only").click()
    page.wait_for_load_state()
    assert _rows(page) == [major.number]

    # Bulk: assign the two triaged reports to engineer2 in one go.
    page.goto(f"{live_server.url}/tickets/queue/?status=triaged")
    page.locator("[data-testid=select-ticket]").nth(0).check()
    page.locator("[data-testid=select-ticket]").nth(1).check()
    page.select_option("[data-testid=bulk-action]", "assign")
    page.select_option("#bulk select[name=assignee]", str(world.engineer2.pk))
    page.click("[data-testid=bulk-apply]")
    page.wait_for_load_state()
    assert "2" in page.locator(".message-success").inner_text()
    assert set(Ticket.objects.filter(assignee=world.engineer2).values_list("pk", flat=True)) == {
        major.pk,
        general.pk,
    }
    cells = page.locator("[data-testid=assignee-cell]").all_inner_texts()
    assert cells and all(str(world.engineer2) in c for c in cells)


def test_queue_on_a_phone_in_chinese_is_cards_without_sideways_scroll(
    world, build, browser, live_server
):
    _queue_of_three(world, build)
    world.dispatcher.language = "zh-hans"
    world.dispatcher.save(update_fields=["language"])
    page = _session(browser, live_server, "dispatcher", viewport=PHONE)
    page.goto(f"{live_server.url}/tickets/queue/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    row = page.locator("[data-testid=ticket-row]").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    _shot(page, "queue-390-zh-hans.png", full_page=True)


def test_report_form_with_a_bad_file_files_no_ticket(world, browser, live_server, tmp_path):
    good = tmp_path / "leak.png"
    Image.new("RGB", (60, 40), "blue").save(good)
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"this is not a picture")
    page = _session(browser, live_server, "customer_a")
    page.goto(f"{live_server.url}/tickets/new/")
    assert "png" in page.locator("#id_files_helptext").inner_text()
    page.select_option("select[name=site]", str(world.site_a.pk))
    # htmx fills the equipment list with the site's units.
    page.wait_for_selector(
        f"select[name=equipment] option[value='{world.equipment_a.pk}']", state="attached"
    )
    page.select_option("select[name=equipment]", str(world.equipment_a.pk))
    page.fill("input[name=title]", "Water on the floor")
    page.fill("textarea[name=description]", "Leak under the cabinet.")
    page.set_input_files("input[name=files]", [str(good), str(bad)])
    page.click("[data-testid=submit-report]")
    page.wait_for_load_state()
    assert "broken.png" in page.locator("main").inner_text()
    assert not Ticket.objects.exists()
    page.set_input_files("input[name=files]", [str(good)])
    page.click("[data-testid=submit-report]")
    page.wait_for_load_state()
    ticket = Ticket.objects.get()
    assert ticket.attachments.count() == 1 and ticket.equipment == world.equipment_a


def test_conversation_shows_one_stream_with_the_photo_inline(
    world, build, browser, live_server, tmp_path
):
    ticket = build.ticket("triaged")
    picture = tmp_path / "cabinet.png"
    Image.new("RGB", (320, 200), (30, 90, 160)).save(picture)
    comment = services.comment_add(
        ticket=ticket, author=world.customer_a, body="The cabinet after the storm."
    )
    services.attachment_add(
        ticket=ticket,
        uploaded_by=world.customer_a,
        file=SimpleUploadedFile("cabinet.png", picture.read_bytes(), content_type="image/png"),
        comment=comment,
    )
    CannedReply.objects.create(
        title="Ask for the log", body_en="Please send the PLC log.", body_zh_hans="请发送日志。"
    )
    page = _session(browser, live_server, "dispatcher")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    stream = page.get_by_test_id("conversation")
    photo = stream.get_by_test_id("inline-photo")
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=inline-photo]');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    kinds = stream.locator("> li").evaluate_all("items => items.map(i => i.dataset.testid)")
    assert kinds[0] == "entry-event" and "entry-comment" in kinds
    page.click("[data-testid=insert-canned]")
    body = page.locator("textarea[name=body]")
    assert body.input_value() == "Please send the PLC log."
    body.fill(body.input_value() + " @engineer1")
    page.click("[data-testid=add-comment]")
    page.wait_for_load_state()
    assert world.engineer1.notifications.filter(event="ticket_mentioned").count() == 1
    page.get_by_test_id("conversation").scroll_into_view_if_needed()
    _shot(page, "ticket-conversation-1280-en.png", full_page=True)
