"""The ticket pages with Django's test client: scope, actions, query counts."""

import pytest

from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_customer_files_a_report_through_the_portal(world, client):
    client.force_login(world.customer_a)
    response = client.post(
        "/tickets/new/",
        {
            "site": world.site_a.pk,
            "equipment": world.equipment_a.pk,
            "kind": "fault",
            "title": "Screen dark",
            "description": "The HMI screen stays dark.",
            "urgency": "high",
        },
    )
    ticket = Ticket.objects.get(title="Screen dark")
    assert response.status_code == 302
    assert ticket.organization == world.org_a
    assert ticket.channel == "portal"
    assert ticket.number in client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_customer_cannot_report_on_another_organisations_site(world, client):
    client.force_login(world.customer_a)
    response = client.post(
        "/tickets/new/",
        {
            "site": world.site_b.pk,
            "kind": "fault",
            "title": "X",
            "description": "Y",
            "urgency": "low",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Ticket.objects.filter(title="X").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/tickets/{t}/",
        "/tickets/{t}/report.pdf",
        "/tickets/visits/{v}/",
        "/tickets/visits/{v}/confirmation.pdf",
    ],
)
def test_customer_b_gets_404_on_organisation_a_pages(world, client, build, path):
    visit = build.visit("completed")
    client.force_login(world.customer_b)
    assert client.get(path.format(t=visit.ticket_id, v=visit.pk)).status_code == 404


def test_illegal_action_shows_a_message_and_changes_nothing(world, client, build):
    ticket = build.new()
    client.force_login(world.dispatcher)
    response = client.post(f"/tickets/{ticket.pk}/actions/close/", follow=True)
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert list(response.context["messages"])


def test_triage_from_the_page(world, client, build):
    ticket = build.new()
    client.force_login(world.dispatcher)
    client.post(
        f"/tickets/{ticket.pk}/actions/triage/",
        {"triage-severity": "urgent", "triage-assignee": world.engineer1.pk},
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.severity, ticket.assignee) == (
        "triaged",
        "urgent",
        world.engineer1,
    )


def test_customer_never_sees_internal_comments_on_the_page(world, client, build):
    from tickets import services

    ticket = build.new()
    services.comment_add(
        ticket=ticket, author=world.dispatcher, body="Internal only note", internal=True
    )
    client.force_login(world.customer_a)
    assert "Internal only note" not in client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_queue_is_for_dispatchers(world, client):
    client.force_login(world.customer_a)
    assert client.get("/tickets/queue/").status_code == 404
    client.force_login(world.dispatcher)
    assert client.get("/tickets/queue/").status_code == 200


@pytest.mark.parametrize("path", ["/tickets/", "/tickets/queue/"])
def test_list_pages_run_a_fixed_number_of_queries(
    world, client, build, django_assert_max_num_queries, path
):
    client.force_login(world.dispatcher)
    build.new()
    with django_assert_max_num_queries(30) as few:
        client.get(path)
    for _ in range(8):
        build.new()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200
