"""The knowledge-base pages: search, the report form's suggestions (htmx partial),
"solved by this article" and the deflection rate on the dashboard."""

import pytest
from django.urls import reverse

from kb.models import Article, Deflection
from tests.factories.tickets import TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_customer_searches_the_knowledge_base_in_chinese(client, world, library):
    client.force_login(world.customer_a)
    page = client.get(reverse("kb:list"), {"q": "轴承"}).content.decode()
    assert "主轴轴承磨损的处理" in page and "Replacing a worn spindle bearing" not in page
    detail = client.get(reverse("kb:detail", args=[library["zh"].pk])).content.decode()
    assert "<strong>轴承</strong>" in detail
    assert client.get(reverse("kb:detail", args=[library["draft"].pk])).status_code == 404


def test_suggestions_show_matching_articles_and_similar_reports_of_the_model(
    client, world, library, resolved_ticket, other_unit
):
    client.force_login(world.customer_a)
    page = client.get(
        reverse("kb:suggest"),
        {"title": "Spindle", "description": "bearing noise", "equipment": other_unit.pk},
    ).content.decode()
    assert "Replacing a worn spindle bearing" in page
    assert "Conveyor belt slipping" not in page and "(draft)" not in page
    assert resolved_ticket.number in page and "Replaced the bearing." in page
    empty = client.get(reverse("kb:suggest"), {"title": "", "description": ""}).content.decode()
    assert empty.strip() == ""


def test_suggestions_never_show_another_organisations_reports(client, world, resolved_ticket):
    unit_b = world.equipment_b
    unit_b.equipment_model = world.equipment_a.equipment_model
    unit_b.save()
    client.force_login(world.customer_b)
    page = client.get(
        reverse("kb:suggest"), {"description": "spindle bearing", "equipment": unit_b.pk}
    )
    assert resolved_ticket.number not in page.content.decode()


def test_solved_by_this_article_is_counted_without_a_ticket(client, world, library):
    client.force_login(world.customer_a)
    tickets_before = Ticket.objects.count()
    response = client.post(
        reverse("kb:solved", args=[library["en"].pk]),
        {"equipment": world.equipment_a.pk, "query": "spindle bearing noise"},
    )
    assert response.status_code == 200 and "no fault report was filed" in response.content.decode()
    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.equipment, deflection.query) == (
        world.customer_a,
        world.equipment_a,
        "spindle bearing noise",
    )
    assert Ticket.objects.count() == tickets_before
    # Another organisation's unit is not recorded, a draft cannot solve anything.
    client.post(reverse("kb:solved", args=[library["en"].pk]), {"equipment": world.equipment_b.pk})
    assert Deflection.objects.filter(equipment=world.equipment_b).count() == 0
    assert client.post(reverse("kb:solved", args=[library["draft"].pk])).status_code == 404


def test_dashboard_panel_shows_the_deflection_rate(client, world, library):
    client.force_login(world.customer_a)
    for _ in range(3):
        client.post(
            reverse("kb:solved", args=[library["en"].pk]), {"equipment": world.equipment_a.pk}
        )
    TicketFactory(site=world.site_a, channel=Ticket.Channel.PORTAL)
    TicketFactory(site=world.site_a, channel=Ticket.Channel.PHONE)  # not a self-service attempt
    assert (
        client.get(reverse("kb:insights")).status_code == 404
    )  # customers do not see the dashboard
    client.force_login(world.manager)
    page = client.get(reverse("kb:insights")).content.decode()
    assert "75 %" in page and "3 solved by an article, 1 reports filed on the portal" in page
    dashboard = client.get(reverse("sla:dashboard")).content.decode()
    assert reverse("kb:insights") in dashboard


def test_staff_turn_a_report_into_an_article_from_its_page(client, world, resolved_ticket):
    client.force_login(world.dispatcher)
    detail = client.get(reverse("tickets:detail", args=[resolved_ticket.pk])).content.decode()
    assert 'data-testid="publish-article"' in detail
    response = client.post(reverse("kb:from_ticket", args=[resolved_ticket.pk]))
    draft = Article.objects.get()
    assert response.status_code == 302 and response.url == reverse("kb:edit", args=[draft.pk])
    form = client.get(response.url)
    assert form.status_code == 200 and "Spindle noise" in form.content.decode()
    model = world.equipment_a.equipment_model_id
    response = client.post(
        response.url,
        {
            "title": "Spindle noise",
            "language": "en",
            "status": "published",
            "body": draft.body,
            "equipment_models": [model],
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None


def test_report_form_opens_with_the_unit_of_a_label(client, world):
    client.force_login(world.customer_a)
    form = client.get(reverse("tickets:create"), {"equipment": world.equipment_a.pk}).context[
        "form"
    ]
    assert (
        form.initial["equipment"] == world.equipment_a.pk
        and form.initial["site"] == world.site_a.pk
    )
    assert (
        client.get(reverse("tickets:create"), {"equipment": world.equipment_b.pk})
        .context["form"]
        .initial
        == {}
    )


def test_dashboard_panel_shows_csat_by_centre_engineer_and_month(client, world):
    from tests.factories import ServiceCenterFactory, SiteFactory
    from tickets.models import SurveyResponse

    other_centre = ServiceCenterFactory(name="North", code="north", parent=world.regional)
    north_site = SiteFactory(organization=world.org_a, service_center=other_centre)
    answers = [  # (site, assignee, score, answered on)
        (world.site_a, world.engineer1, 5, "2026-03-03"),
        (world.site_a, world.engineer1, 4, "2026-03-10"),
        (world.site_a, world.engineer2, 2, "2026-04-02"),
        (north_site, world.expert, 5, "2026-04-20"),
        (world.site_a, world.engineer1, 1, "2026-06-01"),  # outside the period
    ]
    for site, assignee, score, day in answers:
        ticket = TicketFactory(
            site=site, assignee=assignee, status=Ticket.Status.CLOSED, severity="general"
        )
        SurveyResponse.objects.create(
            ticket=ticket, round=1, score=score, source="link", answered_at=f"{day}T10:00:00+08:00"
        )
    client.force_login(world.manager)
    page = client.get(
        reverse("kb:insights"), {"from": "2026-03-01", "to": "2026-04-30"}
    ).content.decode()

    def rows(testid):
        table = page.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
        cells = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in table.split("<td")[1:]]
        return [cells[i : i + 4] for i in range(0, len(cells), 4)]

    assert "75 %" in page.split('data-testid="csat-overall"', 1)[1].split("</p>", 1)[0]
    assert rows("csat-by-centre") == [
        ["Local", "67 %", "3.67", "3"],
        ["North", "100 %", "5.0", "1"],
    ]
    assert rows("csat-by-engineer") == [
        ["engineer1", "100 %", "4.5", "2"],
        ["engineer2", "0 %", "2.0", "1"],
        ["expert", "100 %", "5.0", "1"],
    ]
    assert rows("csat-by-period") == [
        ["2026-03-01", "100 %", "4.5", "2"],
        ["2026-04-01", "50 %", "3.5", "2"],
    ]
