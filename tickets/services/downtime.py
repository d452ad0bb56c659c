"""Backfill: the downtime spans of faults reported before the units' status followed
the work (issue 18). Rebuilt from each fault's timeline (resolved ends a span,
reopened starts one), through the same assets services as the live path. Idempotent:
a fault that already has spans is left alone."""

from django.db import transaction

from assets import services as assets
from assets.models import Downtime
from tickets import ports
from tickets.models import Ticket


def _spans(ticket: Ticket) -> list[list]:
    spans = [[ticket.reported_at, None]]
    events = ticket.events.filter(kind__in=("resolved", "reopened")).order_by("created_at", "pk")
    for event in events.only("kind", "created_at"):
        if event.kind == "resolved" and spans[-1][1] is None:
            spans[-1][1] = max(event.created_at, spans[-1][0])
        elif event.kind == "reopened" and spans[-1][1] is not None:
            spans.append([event.created_at, None])
    if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED) and spans[-1][1] is None:
        spans[-1][1] = ticket.resolved_at or ticket.closed_at or ticket.reported_at
    return spans


def downtime_backfill(*, batch: int = 500) -> int:
    """Spans for every triaged fault on a unit that has none; returns how many faults
    were filled."""
    done = set(Downtime.objects.exclude(ticket_id=None).values_list("ticket_id", flat=True))
    faults = (
        Ticket.objects.filter(kind=Ticket.Kind.FAULT, equipment__isnull=False)
        .exclude(severity="")
        .exclude(status=Ticket.Status.CANCELLED)
        .order_by("pk")
    )
    filled = 0
    for ticket in faults.iterator(chunk_size=batch):
        if ticket.pk in done:
            continue
        impact = ports.sla_downtime_impact(ticket)
        if not impact:
            continue
        with transaction.atomic():
            for start, end in _spans(ticket):
                Downtime.objects.create(
                    equipment_id=ticket.equipment_id,
                    kind=Downtime.Kind.UNPLANNED,
                    impact=impact,
                    started_at=start,
                    ended_at=end,
                    ticket_id=ticket.pk,
                    reference=ticket.number,
                )
            assets.equipment_refresh_status(equipment_id=ticket.equipment_id)
        filled += 1
    return filled
