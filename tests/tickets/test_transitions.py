"""Generated from the transition tables: every (status, action) pair over the API.
A pair the table allows succeeds and lands in the table's target status; any other
answers 409 `invalid_transition` and changes nothing (status, row, timeline)."""

import base64

import pytest

from tests.factories.tickets import png_bytes
from tickets.models import Ticket, TicketEvent, Visit
from tickets.transitions import TICKET_TRANSITIONS, VISIT_TRANSITIONS

pytestmark = pytest.mark.django_db

SIGNATURE = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()


def ticket_body(action, w):
    return {
        "triage": {"severity": "urgent", "assignee": w.engineer2.pk},
        "assign": {"assignee": w.engineer2.pk},
        "respond": {"note": "Called"},
        "wait-customer": {"reason": "Need the log"},
        "resume": {},
        "escalate": {"reason": "Firmware bug suspected"},
        "dispatch": {"engineer": w.engineer1.pk},
        "resolve": {"resolution": "remote", "cause": "c", "solution": "s", "prevention": "p"},
        "accept": {},
        "follow-up": {"recurred": False, "satisfaction": 4, "note": "Fine"},
        "reopen": {"reason": "It came back"},
        "cancel": {"reason": "Duplicate"},
        "close": {},
    }[action]


def _snapshot(ticket):
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.updated_at,
        TicketEvent.objects.filter(ticket=ticket).count(),
        ticket.visits.count(),
    )


@pytest.mark.parametrize("action", sorted(TICKET_TRANSITIONS))
@pytest.mark.parametrize("status", Ticket.Status.values)
def test_ticket_transition_table(world, api, build, status, action):
    ticket = build.ticket(status)
    before = _snapshot(ticket)
    response = api.as_user(world.dispatcher).post(
        f"/api/v1/tickets/{ticket.pk}/{action}/", ticket_body(action, world), format="json"
    )
    target = TICKET_TRANSITIONS[action].get(status)
    if target is None:
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "invalid_transition"
        assert action in response.json()["detail"]
        assert _snapshot(ticket) == before
    else:
        assert response.status_code == (201 if action == "dispatch" else 200), response.content
        ticket.refresh_from_db()
        assert ticket.status == target
        assert TicketEvent.objects.filter(ticket=ticket).count() > before[2]


def visit_body(action, w):
    return {
        "depart": {},
        "check-in": {"latitude": "31.298", "longitude": "120.585"},
        "phase": {"phase": "diagnosis", "notes": "Power supply module faulty"},
        "parts": {"items": [{"part": w.part.pk, "quantity": 1}]} if hasattr(w, "part") else {},
        "sign": {"signer_name": "王芳", "signature": SIGNATURE},
        "complete": {"work_summary": "Replaced the module"},
        "cancel": {"reason": "Not needed"},
    }[action]


@pytest.fixture
def stocked(world):
    """A part in the local centre's stockroom, for the `parts` action."""
    from spareparts.models import Part, Stock, Stockroom

    world.part = Part.objects.create(sku="PSU-24V", name="24 V power supply")
    room = Stockroom.objects.create(service_center=world.local, name="Local stockroom")
    Stock.objects.create(part=world.part, stockroom=room, on_hand=5)
    return world


@pytest.mark.parametrize("action", sorted(VISIT_TRANSITIONS))
@pytest.mark.parametrize("status", Visit.Status.values)
def test_visit_transition_table(stocked, api, build, status, action):
    world = stocked
    target = VISIT_TRANSITIONS[action].get(status)
    # `complete` additionally needs the five steps and the signature (its own 409s are tested
    # elsewhere).
    visit = build.visit(
        status, phases=5 if action == "complete" else 0, signed=action == "complete"
    )
    visit.refresh_from_db()
    before = (
        visit.status,
        visit.updated_at,
        TicketEvent.objects.filter(ticket=visit.ticket).count(),
    )
    response = api.as_user(world.engineer1).post(
        f"/api/v1/visits/{visit.pk}/{action}/", visit_body(action, world), format="json"
    )
    visit.refresh_from_db()
    if target is None:
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "invalid_transition"
        assert (
            visit.status,
            visit.updated_at,
            TicketEvent.objects.filter(ticket=visit.ticket).count(),
        ) == before
    else:
        assert response.status_code == 200, response.content
        assert visit.status == target
        assert TicketEvent.objects.filter(ticket=visit.ticket).count() > before[2]
