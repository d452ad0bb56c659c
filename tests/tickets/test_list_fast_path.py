"""The ticket list's fast path (tickets.api.serializers.list_data, issue 15) writes
exactly what TicketSerializer writes: same keys in the same order, same values and
types, on tickets in every status, with and without equipment or assignee, Chinese
text, breached, visit and beyond-coverage clocks, in several time zones."""

import json

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from sla.models import Clock
from tickets.api import serializers
from tickets.models import Ticket
from tickets.selectors import with_sla

pytestmark = pytest.mark.django_db

S = Ticket.Status


@pytest.fixture
def varied(world, build):
    tickets = [build.ticket(status) for status in S.values]
    tickets.append(
        build.new(
            title="冷水机组漏水",
            description="机房地面有水。Compressor 报警 \u2028 line two",
            equipment=None,
            impact="",
        )
    )
    named = world.engineer2
    named.first_name, named.last_name = "王", "工程师"
    named.save()
    tickets.append(build.ticket(S.TRIAGED))
    Ticket.objects.filter(pk=tickets[-1].pk).update(assignee=named, satisfaction=None)
    nameless = world.engineer1
    nameless.first_name = nameless.last_name = ""
    nameless.save()
    # Clock flags the engine sets rarely: breached (sticky) and beyond its calendar.
    clocks = Clock.objects.filter(ticket__in=tickets).order_by("pk")
    first, second = clocks[0], clocks[1]
    Clock.objects.filter(pk=first.pk).update(breached=True, state=Clock.State.BREACHED)
    Clock.objects.filter(pk=second.pk).update(beyond_coverage=True)
    return tickets


def _serializer_output(ids, request=None):
    rows = with_sla(
        Ticket.objects.select_related("organization", "site", "equipment", "assignee")
    ).filter(pk__in=ids)
    rows = sorted(rows, key=lambda t: (t.reported_at, t.pk), reverse=True)
    data = serializers.TicketSerializer(rows, many=True, context={"request": request}).data
    return json.loads(JSONRenderer().render(data))


def _fast_output(ids):
    rows = Ticket.objects.filter(pk__in=ids).order_by("-reported_at", "-id")
    return json.loads(JSONRenderer().render(serializers.list_data(serializers.list_values(rows))))


def _same(fast, slow):
    assert [list(item) for item in fast] == [list(item) for item in slow]  # keys, in order
    assert fast == slow
    # Types too (1 == 1.0 == True in Python): compare the JSON texts.
    assert json.dumps(fast, ensure_ascii=False) == json.dumps(slow, ensure_ascii=False)


def test_the_varied_tickets_cover_what_the_comparison_needs(varied):
    assert {t.status for t in Ticket.objects.filter(pk__in=[t.pk for t in varied])} == set(S.values)
    clocks = Clock.objects.filter(ticket__in=varied)
    assert clocks.filter(breached=True).exists()
    assert clocks.filter(beyond_coverage=True).exists()
    assert clocks.filter(visit__isnull=False).exists()
    assert clocks.filter(met_at__isnull=False).exists()
    assert clocks.filter(round__gt=1).exists() or clocks.values("metric").distinct().count() > 3
    assert Ticket.objects.filter(pk__in=[t.pk for t in varied], equipment=None).exists()
    assert Ticket.objects.filter(pk__in=[t.pk for t in varied], assignee=None).exists()


@pytest.mark.parametrize("zone", [None, "UTC", "Europe/Berlin", "America/St_Johns"])
def test_fast_rows_equal_the_ticket_serializer(varied, zone):
    ids = [t.pk for t in varied]
    with timezone.override(zone) if zone else timezone.override(timezone.get_default_timezone()):
        _same(_fast_output(ids), _serializer_output(ids))


@pytest.mark.parametrize("who", ["dispatcher", "customer_a", "admin", "engineer1"])
def test_list_api_equals_the_ticket_serializer(world, api, varied, who):
    user = getattr(world, who)
    response = api.as_user(user).get("/api/v1/tickets/?page_size=50")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["next", "previous", "results"]
    results = body["results"]
    assert results, who
    request = APIRequestFactory().get("/api/v1/tickets/")
    request.user = user
    _same(results, _serializer_output([item["id"] for item in results], request))


def test_list_api_pages_through_with_the_cursor(world, api, varied):
    client = api.as_user(world.dispatcher)
    seen, url = [], "/api/v1/tickets/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
    expected = list(
        Ticket.objects.filter(site__service_center=world.local)
        .order_by("-reported_at", "-id")
        .values_list("pk", flat=True)
    )
    assert seen == expected
    ordered = client.get("/api/v1/tickets/?ordering=severity&page_size=50").json()["results"]
    assert [item["severity"] for item in ordered] == sorted(item["severity"] for item in ordered)


def test_filters_still_apply_and_refuse_bad_values(world, api, varied):
    client = api.as_user(world.dispatcher)
    closed = client.get("/api/v1/tickets/?status=closed").json()["results"]
    assert closed and {item["status"] for item in closed} == {"closed"}
    opened = client.get("/api/v1/tickets/?open=true").json()["results"]
    assert opened and not {item["status"] for item in opened} & {"closed", "cancelled"}
    assert client.get("/api/v1/tickets/?status=bogus").status_code == 400
    assert client.get(f"/api/v1/tickets/?site={world.site_b.pk}").json()["results"] == []


@pytest.mark.service
def test_on_postgresql_the_clocks_come_in_the_page_query(world, api, varied):
    """PostgreSQL reads each ticket's clocks in the page's own query (a JSON array,
    list_values); the output is still TicketSerializer's, in every zone."""
    from django.db import connection

    assert connection.vendor == "postgresql"
    ids = [t.pk for t in varied]
    assert "sla_rows" in serializers.list_values(Ticket.objects.all()).first()
    for zone in ("Asia/Shanghai", "UTC", "Europe/Berlin", "America/St_Johns"):
        with timezone.override(zone):
            _same(_fast_output(ids), _serializer_output(ids))
    for who in ("dispatcher", "customer_a", "engineer1"):
        results = api.as_user(getattr(world, who)).get("/api/v1/tickets/?page_size=50").json()
        results = results["results"]
        assert results
        _same(results, _serializer_output([item["id"] for item in results]))


@pytest.mark.service
def test_on_postgresql_the_page_is_three_prepared_or_narrow_queries(world, api, varied):
    """Token user with centres (prepared), the page's keys (the ORM's scoped, filtered,
    cursor query on four narrow columns; prepared for a plain list, planned for its
    values when filtered or searched), the page's rows by id (prepared): three queries
    for any page size, the same rows as one query of list_values."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert connection.vendor == "postgresql"
    client = api.as_token_user(world.dispatcher)
    for size in (2, 50):
        client.get(f"/api/v1/tickets/?page_size={size}")  # prepares on this connection
    mine = Ticket.objects.filter(site__service_center=world.local).order_by("-reported_at", "-id")
    for query, expected in (
        ("page_size=2", mine[:2]),
        ("page_size=50", mine[:50]),
        ("page_size=50&status=triaged", mine.filter(status="triaged")[:50]),
    ):
        with CaptureQueriesContext(connection) as seen:
            body = client.get(f"/api/v1/tickets/?{query}").json()
        user, keys, rows = (q["sql"] for q in seen.captured_queries)
        assert user.startswith("EXECUTE sd_") and rows.startswith("EXECUTE sd_")
        assert keys.startswith("SELECT" if "status" in query else "EXECUTE sd_"), keys
        assert "sla_clock" not in keys
        ids = [row["id"] for row in serializers.list_values(expected)]
        assert ids and [item["id"] for item in body["results"]] == ids
        _same(body["results"], _serializer_output(ids))
    # The next page through the cursor: prepared as well, and the rows that follow.
    first = client.get("/api/v1/tickets/?page_size=2").json()
    with CaptureQueriesContext(connection) as seen:
        second = client.get(first["next"]).json()
    assert len(seen.captured_queries) == 3
    assert [item["id"] for item in second["results"]] == list(
        mine.values_list("pk", flat=True)[2:4]
    )


@pytest.mark.parametrize(
    "zone", ["UTC", "Europe/London", "Asia/Shanghai", "America/St_Johns", "Pacific/Chatham"]
)
def test_times_are_written_as_drf_writes_them(zone):
    """serializers._time (orjson) against DRF's DateTimeField: whole seconds, a few and
    six digits of microseconds, summer and winter, zones with a zero offset (`Z`)."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from hypothesis import given, settings
    from hypothesis import strategies as st
    from rest_framework.fields import DateTimeField

    tz = ZoneInfo(zone)

    @settings(max_examples=300, deadline=None)
    @given(
        seconds=st.integers(0, 20 * 365 * 86400),
        micro=st.one_of(
            st.just(0), st.integers(0, 999_999), st.integers(0, 99).map(lambda n: n * 10_000)
        ),
    )
    def check(seconds, micro):
        value = datetime(2015, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=micro)
        with timezone.override(tz):
            assert serializers._time(value, tz) == DateTimeField().to_representation(value)

    check()
