"""engineer1, on site, reserves a power supply on the visit page, records it as used,
completes the visit and finds the part on the service confirmation PDF."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from spareparts.models import Reservation, Stock
from tests.factories.spareparts import PartFactory, StockroomFactory
from tests.factories.tickets import png_upload
from tickets import services
from tickets.models import Visit

from .conftest import receive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_visit_on_site(w) -> Visit:
    """A fault of organisation A brought through the ticket services to a visit on
    site with all five steps recorded and the customer's signature."""
    ticket = services.ticket_create(
        actor=w.customer_a,
        organization=w.org_a,
        site=w.site_a,
        channel="portal",
        title="UPS alarm",
        description="The UPS beeps and shows E05.",
        equipment=w.equipment_a,
    )
    ticket = services.ticket_triage(
        ticket=ticket, actor=w.dispatcher, severity="major", assignee=w.engineer1
    )
    ticket = services.ticket_respond(
        ticket=ticket, actor=w.engineer1, note="Power supply suspected"
    )
    visit = services.ticket_dispatch(ticket=ticket, actor=w.dispatcher, engineer=w.engineer1)
    visit = services.visit_depart(visit=visit, actor=w.engineer1)
    visit = services.visit_check_in(
        visit=visit, actor=w.engineer1, latitude="31.3", longitude="120.6"
    )
    for phase in Visit.PHASE_ORDER:
        services.visit_record_phase(
            visit=visit, actor=w.engineer1, phase=phase, notes=f"{phase}: power supply"
        )
    return services.visit_sign(
        visit=Visit.objects.get(pk=visit.pk),
        actor=w.customer_a,
        signer_name="王芳",
        signature=png_upload(),
    )


def _submit(page, button):
    page.get_by_test_id(button).click()
    page.wait_for_load_state()
    return page.locator("main .message").first.inner_text()


def test_engineer_reserves_and_uses_a_part_which_appears_on_the_confirmation_pdf(
    world, page, login, live_server
):
    room = StockroomFactory(service_center=world.local, name="Local stockroom")
    part = PartFactory(
        sku="PSU-24",
        name="24 V power supply",
        compatible_models=[world.equipment_a.equipment_model],
    )
    PartFactory(sku="FAN-80", name="80 mm fan")  # another part in the list, not chosen
    receive(part, room, 5)
    visit = _signed_visit_on_site(world)
    assert visit.status == Visit.Status.ON_SITE

    login(page, "engineer1")
    page.goto(f"{live_server.url}/tickets/visits/{visit.pk}/")
    block = page.get_by_test_id("visit-parts")
    assert "No parts used yet." in block.inner_text()
    page.get_by_test_id("parts-part").select_option(label="PSU-24 · 24 V power supply")
    page.get_by_test_id("parts-quantity").fill("2")
    assert _submit(page, "parts-reserve") == "Reserved 2 × 24 V power supply from Local stockroom."
    reserved = page.get_by_test_id("parts-reserved").locator("tbody tr")
    assert reserved.count() == 1
    cells = reserved.first.locator("td").all_inner_texts()
    assert (
        cells[0] == "PSU-24 24 V power supply"
        and cells[1] == "2 / 2"
        and cells[2] == "Local stockroom"
    )
    assert Stock.objects.get(part=part, stockroom=room).reserved == 2

    page.get_by_test_id("parts-part").select_option(label="PSU-24 · 24 V power supply")
    page.get_by_test_id("parts-quantity").fill("2")
    assert _submit(page, "parts-use") == "Recorded 2 × 24 V power supply as used."
    assert page.get_by_test_id("parts-used").locator("tbody tr td").all_inner_texts() == [
        "PSU-24",
        "24 V power supply",
        "2 pcs",
    ]
    assert "0 / 2" in page.get_by_test_id("parts-reserved").inner_text()
    assert "(2 used)" in page.get_by_test_id("parts-reserved").inner_text()
    stock = Stock.objects.get(part=part, stockroom=room)
    assert (stock.on_hand, stock.reserved) == (3, 0)
    assert Reservation.objects.get(visit=visit).used == 2
    # recorded through the visit's use case: the ticket's timeline shows it
    assert visit.ticket.events.filter(kind="parts_used").count() == 1

    page.locator("textarea[name=complete-work_summary]").fill("Replaced the power supply")
    page.get_by_test_id("visit-complete").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("visit-status").inner_text().lower() == "completed"
    assert page.get_by_test_id("parts-used").locator("tbody tr td").all_inner_texts() == [
        "PSU-24",
        "24 V power supply",
        "2 pcs",
    ]

    with page.expect_download() as download_info:
        page.get_by_test_id("confirmation-pdf").click()
    content = Path(download_info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert visit.number in text and "Parts used" in text
    assert re.search(r"PSU-24\s*24 V power supply\s*2\b", text), text
    assert "FAN-80" not in text
