"""The ticket's PDFs: the service confirmation of a visit and the fault handling
report. Both render through servicedesk.pdf (WeasyPrint, CJK font) and never show
internal events; the signature is embedded as a data URI."""

import base64
import logging

from django.utils import timezone, translation

from servicedesk.pdf import pdf_response, render_pdf

from . import ports
from .models import Ticket, Visit
from .selectors import timeline

log = logging.getLogger(__name__)


def _data_uri(field_file, content_type: str = "image/png") -> str:
    if not field_file:
        return ""
    try:
        with field_file.open("rb") as handle:
            content = handle.read()
    except OSError:
        log.warning("signature file missing: %s", field_file.name)
        return ""
    if field_file.name.lower().endswith((".jpg", ".jpeg")):
        content_type = "image/jpeg"
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"


def parts_used(visit: Visit) -> list:
    return list(ports.parts_used_on_visit(visit))


def _language(user) -> str:
    return getattr(user, "language", None) or translation.get_language()


def visit_confirmation_pdf(visit: Visit, *, user=None) -> bytes:
    ticket = visit.ticket
    with translation.override(_language(user)):
        return render_pdf(
            "tickets/pdf/visit_confirmation.html",
            {
                "visit": visit,
                "ticket": ticket,
                "phases": list(visit.phases.all()),
                "parts": parts_used(visit),
                "signature": _data_uri(visit.signature),
                "generated_at": timezone.now(),
            },
        )


def ticket_report_pdf(ticket: Ticket, *, user) -> bytes:
    """The timeline shown is the caller's (internal events only for staff); the PDF
    itself is meant for the customer, so internal events are left out for everyone."""
    events = [event for event in timeline(user, ticket) if not event.internal]
    visits = (
        ticket.visits.select_related("engineer")
        .prefetch_related("phases")
        .order_by("dispatched_at")
    )
    with translation.override(_language(user)):
        return render_pdf(
            "tickets/pdf/ticket_report.html",
            {
                "ticket": ticket,
                "events": events,
                "visits": list(visits),
                "generated_at": timezone.now(),
            },
        )


def visit_confirmation_response(visit: Visit, *, user):
    return pdf_response(
        visit_confirmation_pdf(visit, user=user), f"{visit.number}-confirmation.pdf"
    )


def ticket_report_response(ticket: Ticket, *, user):
    return pdf_response(ticket_report_pdf(ticket, user=user), f"{ticket.number}-report.pdf")
