"""Every ticket list, detail and create costs a fixed number of queries, whatever the
page size or the number of rows behind it (issue 15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.factories.tickets import TicketFactory
from tickets import services

pytestmark = pytest.mark.django_db
# The goal, 12, is reached on PostgreSQL; SQLite needs 13 (see bench/README.md,
# "Create"). Every query of the request, notifications and outbox included:
# organisation, site and unit with the caller's scope (1, tickets.api.places), number
# (PostgreSQL: nextval; SQLite: UPDATE … RETURNING on the counter row), policy with
# its targets (1), ticket with its `nearest_due_at` + history + event (3), clocks (1),
# daily facts (PostgreSQL: 1 statement for the facts and the ticket's source; SQLite:
# 2), recipients (1: dispatchers and customer admins), channel endpoints with the
# recipients' channel preferences (1), notifications (1), outbox (1).
CREATE_QUERIES = {"postgresql": 12}.get(connection.vendor, 13)


def _fresh(user):
    return User.objects.get(pk=user.pk)  # no cached centre ids, as in production


def _rows(world, n, **extra):
    TicketFactory.create_batch(
        n,
        site=world.site_a,
        organization=world.org_a,
        assignee=world.engineer1,
        equipment=world.equipment_a,
        **extra,
    )


@pytest.mark.parametrize("query", ["", "?status=new", "?search=pump", "?search=漏水", "?open=true"])
def test_api_list_is_constant_in_page_size(
    world, api, query, django_assert_num_queries, django_assert_max_num_queries
):
    _rows(world, 2, title="Pump 漏水")
    join = "&" if query else "?"
    with django_assert_max_num_queries(4) as small:
        api.as_user(_fresh(world.dispatcher)).get(f"/api/v1/tickets/{query}{join}page_size=2")
    _rows(world, 40, title="Pump 漏水")
    with django_assert_num_queries(len(small.captured_queries)):
        response = api.as_user(_fresh(world.dispatcher)).get(
            f"/api/v1/tickets/{query}{join}page_size=40"
        )
    assert response.status_code == 200


def test_api_detail_is_a_fixed_number_of_queries(
    world, api, build, django_assert_num_queries, django_assert_max_num_queries
):
    ticket = build.ticket("onsite")
    with django_assert_max_num_queries(5) as one:
        assert (
            api.as_user(_fresh(world.dispatcher)).get(f"/api/v1/tickets/{ticket.pk}/").status_code
            == 200
        )
    busier = build.ticket("closed")  # more clocks and timeline rows
    for n in range(4):
        services.comment_add(ticket=busier, author=world.dispatcher, body=f"note {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        assert (
            api.as_user(_fresh(world.dispatcher)).get(f"/api/v1/tickets/{busier.pk}/").status_code
            == 200
        )


def test_api_create_is_a_fixed_small_number_of_queries(
    world, api, django_capture_on_commit_callbacks
):
    client = api.as_user(_fresh(world.dispatcher))
    body = {
        "organization": world.org_a.pk,
        "site": world.site_a.pk,
        "equipment": world.equipment_a.pk,
        "title": "Pump alarm",
        "description": "泵站报警",
        "channel": "phone",
    }
    client.post(
        "/api/v1/tickets/", body, format="json"
    )  # the year's number counter exists from now on
    client = api.as_user(_fresh(world.dispatcher))
    with (
        django_capture_on_commit_callbacks(execute=False),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    # The savepoints exist only because the test runs inside a transaction.
    queries = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(queries) == CREATE_QUERIES, "\n".join(q[:120] for q in queries)


@pytest.mark.parametrize(
    "url", ["/tickets/", "/tickets/queue/", "/tickets/archive/", "/tickets/?q=pump"]
)
def test_pages_are_constant_in_rows(
    world, client, url, django_assert_num_queries, django_assert_max_num_queries
):
    _rows(world, 1, title="Pump")
    _rows(world, 1, title="Pump", status="closed", severity="general")
    client.force_login(world.dispatcher)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    _rows(world, 40, title="Pump")
    _rows(world, 40, title="Pump", status="closed", severity="general")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_detail_page_is_a_fixed_number_of_queries(
    world, client, build, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(world.dispatcher)
    first = build.ticket("onsite")
    services.comment_add(ticket=first, author=world.dispatcher, body="note")
    with django_assert_max_num_queries(30) as one:
        assert client.get(f"/tickets/{first.pk}/").status_code == 200
    second = build.ticket("onsite")
    for n in range(4):
        services.comment_add(ticket=second, author=world.dispatcher, body=f"note {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(f"/tickets/{second.pk}/").status_code == 200
