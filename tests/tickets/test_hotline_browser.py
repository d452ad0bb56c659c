"""Issue 18: the hotline screen in the browser. The dispatcher types the caller's
number, htmx shows who is calling (organisation, site, equipment, recent reports, the
service team first among the engineers), and one submit registers and triages."""

import pytest

from assets import services as asset_services
from tests.factories.tickets import TicketFactory
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_dispatcher_registers_and_triages_a_call_on_one_screen(
    world, page, login, live_server, width
):
    world.customer_a2.phone = "+86 (21) 6123-4567"
    world.customer_a2.save()
    TicketFactory(site=world.site_a, reporter=world.customer_a2, title="Earlier pump alarm")
    asset_services.contract_team_set(
        contract=world.contract_a, actor=world.manager, lead=world.engineer2, members=[]
    )

    page.set_viewport_size({"width": width, "height": 900})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/tickets/hotline/")
    page.get_by_test_id("caller-phone").fill("021 6123 4567")
    page.get_by_test_id("caller-organization").wait_for(timeout=10_000)
    assert page.get_by_test_id("caller-organization").inner_text() == "Org A"
    assert "Earlier pump alarm" in page.get_by_test_id("caller-recent").inner_text()
    site = page.get_by_test_id("hotline-site")
    assert site.input_value() == str(world.site_a.pk)
    # The contract's team comes first and is preselected.
    assignee = page.get_by_test_id("hotline-assignee")
    assert assignee.input_value() == str(world.engineer2.pk)
    page.get_by_test_id("hotline-equipment").select_option(str(world.equipment_a.pk))
    page.fill("input[name=contact_name]", "Li Wei")
    page.fill("input[name=title]", "Conveyor stopped")
    page.fill("textarea[name=description]", "Line 2 conveyor PLC not answering")
    page.select_option("select[name=severity]", "major")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_test_id("register-call").click()
    page.wait_for_url(f"{live_server.url}/tickets/*/")

    ticket = Ticket.objects.get(title="Conveyor stopped")
    assert ticket.status == "triaged" and ticket.severity == "major"
    assert ticket.channel == "phone" and ticket.assignee == world.engineer2
    assert ticket.equipment == world.equipment_a and ticket.contact_name == "Li Wei"
    assert (ticket.triaged_at - ticket.reported_at).total_seconds() < 15 * 60
    assert page.get_by_test_id("ticket-status").inner_text().lower() == "triaged"
