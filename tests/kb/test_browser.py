"""A customer types a fault into the report form in Chromium: the knowledge base
suggests an article (htmx), and "solved by this article" ends the attempt without a
ticket, counted as a deflection."""

import pytest

from kb.models import Deflection
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_is_offered_an_article_while_typing_and_it_solves_the_problem(
    world, library, page, login, live_server
):
    login(page, "customer_a")
    page.goto(f"{live_server.url}/tickets/new/?equipment={world.equipment_a.pk}")
    assert page.locator("#id_equipment").input_value() == str(world.equipment_a.pk)
    page.locator("#id_title").fill("主轴异响")
    page.locator("#id_description").press_sequentially("轴承磨损", delay=30)
    suggestion = page.get_by_test_id("suggested-article")
    suggestion.first.wait_for()
    assert suggestion.first.inner_text().startswith("主轴轴承磨损的处理")
    assert "(draft)" not in page.get_by_test_id("kb-suggestions").inner_text()
    page.get_by_test_id(f"solved-{library['zh'].pk}").click()
    page.get_by_test_id("kb-solved").wait_for()
    assert not Ticket.objects.exists()
    deflection = Deflection.objects.get()
    assert deflection.article == library["zh"] and deflection.equipment == world.equipment_a
    assert "轴承磨损" in deflection.query
