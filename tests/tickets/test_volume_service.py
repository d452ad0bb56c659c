"""Issue 15 on PostgreSQL (marker `service`): numbers from a sequence (gaps allowed, no
shared row locked for the transaction), the COPY loader, the full-text search and the
create's query count."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.concurrency import require_postgresql
from tickets import search, services
from tickets.models import NumberSequence, Ticket

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    require_postgresql()


def _create(world, title="Pump"):
    return services.ticket_create(
        actor=world.dispatcher,
        organization=world.org_a,
        site=world.site_a,
        title=title,
        description="x",
        channel="phone",
    )


def test_a_failed_report_leaves_a_gap_and_locks_no_counter_row(world):
    first = _create(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        _create(world)
        with connection.cursor() as cursor:  # no lock on the counter row while the report is open
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'tickets_numbersequence' AND l.mode LIKE '%%Exclusive%%'"
            )
            assert cursor.fetchone()[0] == 0
        raise RuntimeError("the report fails after its number was drawn")
    after = _create(world)
    value = lambda ticket: int(ticket.number.rsplit("-", 1)[1])  # noqa: E731
    assert value(after) == value(first) + 2  # the failed report's number is not handed out again


def test_create_queries_on_postgresql(world, api):
    from tests.tickets.test_query_counts import CREATE_QUERIES

    _create(world)
    client = api.as_user(type(world.dispatcher).objects.get(pk=world.dispatcher.pk))
    body = {
        "organization": world.org_a.pk,
        "site": world.site_a.pk,
        "title": "Pump alarm",
        "description": "泵站报警",
        "channel": "phone",
    }
    with CaptureQueriesContext(connection) as captured:
        assert client.post("/api/v1/tickets/", body, format="json").status_code == 201
    queries = [
        q["sql"]
        for q in captured.captured_queries
        if "SAVEPOINT" not in q["sql"] and q["sql"] not in ("BEGIN", "COMMIT")
    ]
    assert len(queries) <= CREATE_QUERIES == 12, "\n".join(q[:100] for q in queries)


def test_copy_loader_then_search_and_numbers(world):
    call_command("load_volume", tickets=300, seed=3, stdout=io.StringIO())
    assert Ticket.objects.count() == 300
    loaded = set(Ticket.objects.values_list("number", flat=True))
    fresh = _create(world, title="冷却系统漏水")
    assert fresh.number not in loaded
    year = int(fresh.number.split("-")[1])
    assert (
        int(fresh.number.rsplit("-", 1)[1])
        > NumberSequence.objects.get(prefix="FR", year=year).last_value - 1
    )
    found = search.search(Ticket.objects.all(), "漏水")
    assert fresh in found and all("漏水" in t.title or "漏水" in t.description for t in found)
    assert list(search.search(Ticket.objects.all(), fresh.number.lower())) == [fresh]
    english = search.search(Ticket.objects.all(), "compress")
    assert english.exists() and all(
        "ompressor" in t.title or "ompressor" in t.description for t in english
    )
