"""Builders that bring a ticket or a visit into any status through the services,
so the state, timestamps and timeline are the real ones."""

import pytest

from tests.factories.tickets import png_upload
from tickets import services
from tickets.models import Ticket, Visit

S = Ticket.Status
V = Visit.Status

RESOLVE = {
    "resolution": "remote",
    "cause": "Loose cable",
    "solution": "Re-seated the cable",
    "prevention": "Cable ties and a check in the quarterly inspection",
}


class Builder:
    def __init__(self, world):
        self.w = world

    def new(self, **fields) -> Ticket:
        w = self.w
        values = {
            "title": "PLC offline",
            "description": "The PLC stopped answering at 08:00.",
            "equipment": w.equipment_a,
            **fields,
        }
        return services.ticket_create(
            actor=w.customer_a, organization=w.org_a, site=w.site_a, channel="portal", **values
        )

    def ticket(self, status: str, **fields) -> Ticket:
        w = self.w
        ticket = self.new(**fields)
        if status == S.NEW:
            return ticket
        if status == S.CANCELLED:
            return services.ticket_cancel(ticket=ticket, actor=w.dispatcher, reason="Duplicate")
        ticket = services.ticket_triage(
            ticket=ticket, actor=w.dispatcher, severity="major", assignee=w.engineer1
        )
        if status == S.TRIAGED:
            return ticket
        ticket = services.ticket_respond(
            ticket=ticket, actor=w.engineer1, note="Called the operator"
        )
        if status == S.IN_PROGRESS:
            return ticket
        if status == S.WAITING_CUSTOMER:
            return services.ticket_wait_customer(
                ticket=ticket, actor=w.engineer1, reason="Send the PLC log"
            )
        if status == S.ONSITE:
            services.ticket_dispatch(ticket=ticket, actor=w.engineer1, engineer=w.engineer1)
            return Ticket.objects.get(pk=ticket.pk)
        ticket = services.ticket_resolve(ticket=ticket, actor=w.engineer1, **RESOLVE)
        if status == S.RESOLVED:
            return ticket
        if status == S.CLOSED:
            return services.ticket_follow_up(
                ticket=ticket, actor=w.dispatcher, recurred=False, satisfaction=5
            )
        raise AssertionError(status)

    def visit(self, status: str, *, signed=False, phases=0) -> Visit:
        w = self.w
        ticket = self.ticket(S.IN_PROGRESS)
        visit = services.ticket_dispatch(ticket=ticket, actor=w.dispatcher, engineer=w.engineer1)
        if status == V.DISPATCHED:
            return visit
        if status == V.CANCELLED:
            return services.visit_cancel(
                visit=visit, actor=w.dispatcher, reason="Customer fixed it"
            )
        visit = services.visit_depart(visit=visit, actor=w.engineer1)
        if status == V.EN_ROUTE:
            return visit
        visit = services.visit_check_in(
            visit=visit, actor=w.engineer1, latitude="31.3", longitude="120.6"
        )
        if status == V.ON_SITE and not (phases or signed):
            return visit
        self.run_phases(visit, count=5 if status == V.COMPLETED else phases)
        if signed or status == V.COMPLETED:
            visit = services.visit_sign(
                visit=Visit.objects.get(pk=visit.pk),
                actor=w.customer_a,
                signer_name="王芳",
                signature=png_upload(),
            )
        if status == V.ON_SITE:
            return Visit.objects.get(pk=visit.pk)
        return services.visit_complete(
            visit=Visit.objects.get(pk=visit.pk), actor=w.engineer1, work_summary="Done"
        )

    def run_phases(self, visit, *, count=5):
        for phase in Visit.PHASE_ORDER[:count]:
            services.visit_record_phase(
                visit=visit, actor=self.w.engineer1, phase=phase, notes=f"{phase} 完成"
            )


@pytest.fixture
def build(world):
    return Builder(world)
