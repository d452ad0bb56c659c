"""Mobile sync sees SLA changes: a sweep breach, a clock event and a visit step move the
ticket's `updated_at`, so its ETag changes (If-None-Match answers 200 with the new
clock state) and `updated_after` returns it. Time runs on time-machine."""

from datetime import timedelta

import pytest
import time_machine

from sla.services import sweep
from tests.sla.conftest import cst
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
REPORTED = cst(2026, 3, 2, 10, 0)
MIN = timedelta(minutes=1)


def _new(world) -> Ticket:
    return services.ticket_create(
        actor=world.dispatcher,
        organization=world.org_a,
        site=world.site_a,
        title="Pump alarm",
        description="Alarm",
        channel="phone",
        equipment=world.equipment_a,
    )


def _detail(client, ticket, etag=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(f"/api/v1/tickets/{ticket.pk}/", **headers)


def _states(body) -> dict:
    return {c["metric"]: (c["state"], c["breached"]) for c in body["sla"]}


def test_a_sweep_breach_changes_the_etag_and_updated_after_returns_the_ticket(world, api):
    client = api.as_user(world.dispatcher)
    with time_machine.travel(REPORTED, tick=False):
        ticket = _new(world)
        first = _detail(client, ticket)
        etag, synced = first["ETag"], first.json()["updated_at"]
        assert _states(first.json())["triage"] == ("running", False)
        assert _detail(client, ticket, etag).status_code == 304
    with time_machine.travel(REPORTED + 5 * MIN, tick=False):
        assert client.get("/api/v1/tickets/", {"updated_after": synced}).json()["results"] == []
    with time_machine.travel(REPORTED + 16 * MIN, tick=False):
        assert sweep().breached == 1  # triage: 15 minutes
    with time_machine.travel(REPORTED + 17 * MIN, tick=False):
        again = _detail(client, ticket, etag)
        assert again.status_code == 200
        assert again["ETag"] != etag
        assert _states(again.json())["triage"] == ("breached", True)
        changed = client.get("/api/v1/tickets/", {"updated_after": synced}).json()["results"]
        assert [row["id"] for row in changed] == [ticket.pk]
        assert _detail(client, ticket, again["ETag"]).status_code == 304


def test_a_warning_alone_changes_nothing_the_ticket_shows(world, api):
    client = api.as_user(world.dispatcher)
    with time_machine.travel(REPORTED, tick=False):
        ticket = _new(world)
        etag = _detail(client, ticket)["ETag"]
    with time_machine.travel(REPORTED + 13 * MIN, tick=False):
        assert sweep().warned == 1  # triage's warning point (80 % of 15 min)
        assert _detail(client, ticket, etag).status_code == 304


def test_visit_steps_and_clock_events_move_the_ticket(world, api):
    client = api.as_user(world.dispatcher)
    with time_machine.travel(REPORTED, tick=False):
        ticket = _new(world)
        ticket = services.ticket_triage(
            ticket=ticket, actor=world.dispatcher, severity="major", assignee=world.engineer1
        )
        visit = services.ticket_dispatch(
            ticket=ticket, actor=world.dispatcher, engineer=world.engineer1
        )
        etag = _detail(client, ticket)["ETag"]
    with time_machine.travel(REPORTED + 10 * MIN, tick=False):
        services.visit_depart(visit=visit, actor=world.engineer1)  # meets departure
        departed = _detail(client, ticket, etag)
        assert departed.status_code == 200 and _states(departed.json())["departure"] == (
            "met",
            False,
        )
        etag = departed["ETag"]
    with time_machine.travel(REPORTED + 40 * MIN, tick=False):
        visit = services.visit_check_in(visit=visit, actor=world.engineer1)
        etag = _detail(client, ticket, etag)["ETag"]
    with time_machine.travel(REPORTED + 50 * MIN, tick=False):
        services.visit_record_phase(
            visit=visit, actor=world.engineer1, phase="diagnosis", notes="Looked"
        )
        assert _detail(client, ticket, etag).status_code == 200
