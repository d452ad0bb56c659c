"""`kb/articles/` and `tickets/{id}/publish-article/`: who writes, who reads what,
history, safe Markdown, and the list's query count."""

import pytest

from kb.models import Article
from tests.factories import EquipmentModelFactory
from tests.factories.kb import article
from tests.factories.tickets import TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
URL = "/api/v1/kb/articles/"


def test_engineer_writes_an_article_and_publishing_stamps_it_with_history(api, world):
    client = api.as_user(world.engineer1)
    model = world.equipment_a.equipment_model
    response = client.post(
        URL,
        {
            "title": "Fan fault",
            "body": "Check the fan.",
            "language": "en",
            "equipment_models": [model.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    created = Article.objects.get(pk=response.json()["id"])
    assert (
        created.status == "draft"
        and created.published_at is None
        and created.author == world.engineer1
    )
    response = client.patch(f"{URL}{created.pk}/", {"status": "published"}, format="json")
    assert response.status_code == 200 and response.json()["published_at"]
    history = list(
        created.history.order_by("history_id")
    )  # the model list change is a row of its own
    assert (history[0].status, history[-1].status) == ("draft", "published")
    assert [m.equipmentmodel_id for m in history[-1].equipment_models.all()] == [model.pk]


def test_customers_may_not_write_and_bad_input_changes_nothing(api, world):
    assert (
        api.as_user(world.customer_a)
        .post(URL, {"title": "x", "body": "y"}, format="json")
        .status_code
        == 403
    )
    client = api.as_user(world.engineer1)
    assert client.post(URL, {"title": "", "body": "y"}, format="json").status_code == 400
    assert (
        client.post(URL, {"title": "t", "body": "b", "language": "fr"}, format="json").status_code
        == 400
    )
    assert (
        client.post(
            URL, {"title": "t", "body": "b", "equipment_models": [99999]}, format="json"
        ).status_code
        == 400
    )
    assert not Article.objects.exists()


def test_customer_gets_404_for_drafts_and_other_models(api, world, library):
    client = api.as_user(world.customer_a)
    assert client.get(f"{URL}{library['draft'].pk}/").status_code == 404
    assert client.get(f"{URL}{library['b_only'].pk}/").status_code == 404
    assert client.get(f"{URL}{library['en'].pk}/").status_code == 200


def test_markdown_is_rendered_without_scripts_or_javascript_links(api, world):
    unsafe = article(
        world.engineer1,
        title="Unsafe",
        body="**ok** <script>alert(1)</script> [x](javascript:alert(1))"
        "\n\n<img src=x onerror=alert(1)>",
    )
    html = api.as_user(world.customer_a).get(f"{URL}{unsafe.pk}/").json()["body_html"]
    assert "<strong>ok</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_article_list_runs_a_fixed_number_of_queries(api, world, django_assert_num_queries):
    models = [world.equipment_a.equipment_model, EquipmentModelFactory(), EquipmentModelFactory()]
    for i in range(6):
        article(
            world.engineer1, title=f"Article {i}", body="text", equipment_models=models[i % 3 :]
        )
    for user, expected in ((world.dispatcher, 6), (world.customer_a, 2)):
        client = api.as_user(user)
        client.get(URL)  # warm the content-type cache
        # count, the page of articles, their equipment models (one prefetch)
        with django_assert_num_queries(3):
            response = client.get(URL)
        assert len(response.json()["results"]) == expected


def test_staff_turns_a_resolved_report_into_a_draft_article(api, world, resolved_ticket):
    response = api.as_user(world.engineer1).post(
        f"/api/v1/tickets/{resolved_ticket.pk}/publish-article/"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["source_ticket"] == resolved_ticket.pk
    assert body["equipment_models"] == [world.equipment_a.equipment_model_id]
    for text in (
        "Bearing worn out by missing lubrication.",
        "Replaced the bearing.",
        "Grease the bearing",
    ):
        assert text in body["body"]
    found = api.as_user(world.engineer1).get(URL, {"search": "lubrication"}).json()["results"]
    assert [row["id"] for row in found] == [body["id"]]


def test_publish_article_refuses_open_reports_customers_and_out_of_scope(
    api, world, resolved_ticket
):
    url = "/api/v1/tickets/{}/publish-article/"
    open_ticket = TicketFactory(site=world.site_a, status=Ticket.Status.NEW)
    assert api.as_user(world.dispatcher).post(url.format(open_ticket.pk)).status_code == 409
    assert api.as_user(world.customer_a).post(url.format(resolved_ticket.pk)).status_code == 403
    assert api.as_user(world.customer_b).post(url.format(resolved_ticket.pk)).status_code == 404
    elsewhere = TicketFactory(
        status=Ticket.Status.RESOLVED, severity="general"
    )  # another centre's site
    assert api.as_user(world.engineer1).post(url.format(elsewhere.pk)).status_code == 404
    assert not Article.objects.exists()
