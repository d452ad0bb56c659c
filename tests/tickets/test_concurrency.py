"""Concurrency on PostgreSQL (marker `service`): row locks and the number sequence
hold when requests really run at the same time, each thread on its own connection."""

import pytest

from tests.concurrency import require_postgresql, run_together
from tickets import services
from tickets.models import Ticket

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    require_postgresql()


def test_two_simultaneous_triage_calls_one_wins_one_is_409(world, api, build, monkeypatch):
    import time

    from rest_framework.test import APIClient

    import sla.services

    ticket = build.new()
    actors = [world.dispatcher, world.manager]
    # Whoever locks first holds the row a little longer (as a slow SLA computation would),
    # so the other request surely reads the ticket while it is still `new`.
    real = sla.services.clocks_on_ticket_event

    def slow_clocks(**kwargs):
        time.sleep(2)  # long enough for the other thread to start, even on a busy machine
        return real(**kwargs)

    monkeypatch.setattr(sla.services, "clocks_on_ticket_event", slow_clocks)
    clients = []
    for actor in actors:  # warm up: the first request of a process is slow (imports, URL resolver)
        client = APIClient()
        client.force_authenticate(user=actor)
        assert client.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200
        clients.append(client)

    def triage(i):
        client = clients[i]
        response = client.post(
            f"/api/v1/tickets/{ticket.pk}/triage/",
            {"severity": ["major", "general"][i]},
            format="json",
        )
        return response.status_code, response.json()

    results = run_together(2, triage)
    codes = sorted(code for code, _body in results)
    assert codes == [200, 409], results
    loser = next(body for code, body in results if code == 409)
    assert loser["code"] == "invalid_transition"
    ticket.refresh_from_db()
    assert ticket.status == "triaged"
    assert ticket.events.filter(kind="triaged").count() == 1


def test_fifty_concurrent_creations_get_fifty_distinct_numbers(world):
    def create(i):
        ticket = services.ticket_create(
            actor=world.customer_a,
            organization=world.org_a,
            site=world.site_a,
            title=f"Fault {i}",
            description="Concurrent report",
            channel="api",
        )
        return ticket.number

    numbers = run_together(50, create)
    assert all(isinstance(number, str) for number in numbers), numbers
    assert len(set(numbers)) == 50
    assert Ticket.objects.count() == 50
    # Numbers come from a PostgreSQL sequence (docs/decisions.md: gaps allowed), which
    # outlives the tables the test flushes: a run of 50, not necessarily from 1.
    values = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert values == list(range(values[0], values[0] + 50))
