"""The end of a ticket's life: resolution, customer acceptance, follow-up call,
reopening, cancelling and closing."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from servicedesk.errors import InvalidTransition, ServiceError
from tickets import ports
from tickets.models import Ticket, Visit

from . import _base as base
from .survey import current_round, survey_record_call, survey_url

Status = Ticket.Status
OPEN_VISITS = (Visit.Status.DISPATCHED, Visit.Status.EN_ROUTE, Visit.Status.ON_SITE)


def _required(**values) -> None:
    for field, value in values.items():
        if not (value or "").strip():
            raise ServiceError(_("This field is required."), field=field)


@transaction.atomic
def ticket_resolve(
    *, ticket: Ticket, actor: User, resolution: str, cause: str, solution: str, prevention: str
) -> Ticket:
    """The fault handling report: remote or on-site, with cause, solution and prevention."""
    base.check_role(actor, "resolve")
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    target = base.check_transition(ticket, "resolve")
    base.check_working_on(actor, ticket)
    if resolution not in Ticket.Resolution.values:
        raise ServiceError(_("Choose remote or on site."), field="resolution")
    _required(cause=cause, solution=solution, prevention=prevention)
    if (
        resolution == Ticket.Resolution.ONSITE
        and not ticket.visits.filter(status=Visit.Status.COMPLETED).exists()
    ):
        raise InvalidTransition(_("An on-site resolution needs a completed visit."))
    if ticket.visits.filter(status=Visit.Status.ON_SITE).exists():
        raise InvalidTransition(_("Complete the visit in progress before resolving."))
    at, before = base.now(), ticket.status
    ticket.status, ticket.resolution, ticket.resolved_at = target, resolution, at
    ticket.cause, ticket.solution, ticket.prevention = cause, solution, prevention
    base.save(ticket, "status", "resolution", "resolved_at", "cause", "solution", "prevention")
    base.record(
        ticket,
        kind="resolved",
        actor=actor,
        at=at,
        from_status=before,
        to_status=target,
        data={"resolution": resolution},
    )
    base.clocks(ticket, "resolved", at=at, actor=actor)
    base.downtime(ticket, "resolved", at=at)
    # Each resolution opens a survey round; the customer's e-mail carries its link.
    survey = {"survey_url": survey_url(ticket, current_round(ticket))}
    base.notify_after_commit(
        recipients=base.customer_recipients(ticket),
        event="ticket_resolved",
        target=ticket,
        actor=actor,
        context=survey,
    )
    return ticket


@transaction.atomic
def ticket_accept(*, ticket: Ticket, actor: User) -> Ticket:
    """The customer confirms the repair."""
    base.check_role(actor, "accept")
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    base.check_transition(ticket, "accept")
    if ticket.accepted_at is not None:
        raise InvalidTransition(_("The repair has already been accepted."))
    at = base.now()
    ticket.accepted_at = at
    base.save(ticket, "accepted_at")
    base.record(ticket, kind="accepted", actor=actor, at=at, from_status=ticket.status)
    base.notify_after_commit(
        recipients=[ticket.assignee], event="ticket_accepted", target=ticket, actor=actor
    )
    return ticket


@transaction.atomic
def ticket_follow_up(
    *, ticket: Ticket, actor: User, recurred: bool, satisfaction: int | None, note: str = ""
) -> Ticket:
    """The follow-up call: no recurrence closes the ticket with the customer's
    satisfaction (1-5); a recurrence reopens it."""
    base.check_role(actor, "follow-up")
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    base.check_transition(ticket, "follow-up")
    if satisfaction is not None and not (isinstance(satisfaction, int) and 1 <= satisfaction <= 5):
        raise ServiceError(_("Give a satisfaction score from 1 to 5."), field="satisfaction")
    if satisfaction is None and not recurred:
        raise ServiceError(_("Give a satisfaction score from 1 to 5."), field="satisfaction")
    at, before = base.now(), ticket.status
    ticket.followed_up_at, ticket.satisfaction = at, satisfaction
    if satisfaction is not None:
        survey_record_call(ticket=ticket, score=satisfaction, actor=actor, at=at)
    data = {"recurred": bool(recurred), "satisfaction": satisfaction}
    if recurred:
        ticket.status, ticket.accepted_at = Status.IN_PROGRESS, None
        base.save(ticket, "status", "followed_up_at", "satisfaction", "accepted_at")
        base.record(
            ticket, kind="followed_up", actor=actor, at=at, from_status=before, note=note, data=data
        )
        base.record(
            ticket,
            kind="reopened",
            actor=actor,
            at=at,
            from_status=before,
            to_status=Status.IN_PROGRESS,
            note=note,
            data={"recurred": True},
        )
        base.clocks(ticket, "followed_up", at=at, actor=actor, data=data)
        base.clocks(ticket, "reopened", at=at, actor=actor, data={"recurred": True})
        base.downtime(ticket, "reopened", at=at)
        base.notify_after_commit(
            recipients=[ticket.assignee], event="ticket_reopened", target=ticket, actor=actor
        )
    else:
        ticket.status, ticket.closed_at = Status.CLOSED, at
        base.save(ticket, "status", "followed_up_at", "satisfaction", "closed_at")
        base.record(
            ticket,
            kind="followed_up",
            actor=actor,
            at=at,
            from_status=before,
            to_status=Status.CLOSED,
            note=note,
            data=data,
        )
        base.clocks(ticket, "followed_up", at=at, actor=actor, data=data)
        base.clocks(ticket, "closed", at=at, actor=actor)
    base.notify_after_commit(
        recipients=base.customer_recipients(ticket),
        event="ticket_followed_up",
        target=ticket,
        actor=actor,
        context=data,
    )
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: User, reason: str) -> Ticket:
    base.check_role(actor, "reopen")
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    target = base.check_transition(ticket, "reopen")
    _required(reason=reason)
    at, before = base.now(), ticket.status
    ticket.status, ticket.closed_at, ticket.accepted_at = target, None, None
    base.save(ticket, "status", "closed_at", "accepted_at")
    base.record(
        ticket,
        kind="reopened",
        actor=actor,
        at=at,
        from_status=before,
        to_status=target,
        note=reason,
    )
    base.clocks(ticket, "reopened", at=at, actor=actor)
    base.downtime(ticket, "reopened", at=at)
    recipients = [ticket.assignee] if actor.is_customer else base.customer_recipients(ticket)
    base.notify_after_commit(
        recipients=recipients,
        event="ticket_reopened",
        target=ticket,
        actor=actor,
        context={"reason": reason},
    )
    return ticket


def _release_parts(visit: Visit, actor: User) -> None:
    ports.parts_release_for_visit(visit=visit, actor=actor)


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor: User, reason: str) -> Ticket:
    """Customers cancel their own report only while it is new; staff any open one.
    Visits still open are cancelled with it."""
    base.check_role(actor, "cancel")
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    target = base.check_transition(ticket, "cancel")
    if actor.is_customer and ticket.status != Status.NEW:
        raise InvalidTransition(
            _("A report can only be cancelled by the customer before it is triaged.")
        )
    _required(reason=reason)
    at, before = base.now(), ticket.status
    for visit in ticket.visits.select_for_update().filter(status__in=OPEN_VISITS):
        visit.status, visit.cancelled_at, visit.cancel_reason = Visit.Status.CANCELLED, at, reason
        base.save(visit, "status", "cancelled_at", "cancel_reason")
        base.record(
            ticket,
            kind="visit_cancelled",
            actor=actor,
            at=at,
            from_status=before,
            note=reason,
            data={"visit": visit.pk, "visit_number": visit.number},
        )
        _release_parts(visit, actor)
    ticket.status, ticket.cancel_reason, ticket.cancelled_at = target, reason, at
    base.save(ticket, "status", "cancel_reason", "cancelled_at")
    base.record(
        ticket,
        kind="cancelled",
        actor=actor,
        at=at,
        from_status=before,
        to_status=target,
        note=reason,
    )
    base.clocks(ticket, "cancelled", at=at, actor=actor)
    base.downtime(ticket, "cancelled", at=at)
    recipients = (
        [ticket.assignee, *base.dispatchers_for(ticket)]
        if actor.is_customer
        else [ticket.assignee, *base.customer_recipients(ticket)]
    )
    base.notify_after_commit(
        recipients=recipients,
        event="ticket_cancelled",
        target=ticket,
        actor=actor,
        context={"reason": reason},
    )
    return ticket


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: User) -> Ticket:
    """Close a resolved ticket without the follow-up call (e.g. customer unreachable)."""
    base.check_role(actor, "close")
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    target = base.check_transition(ticket, "close")
    at, before = base.now(), ticket.status
    ticket.status, ticket.closed_at = target, at
    base.save(ticket, "status", "closed_at")
    base.record(ticket, kind="closed", actor=actor, at=at, from_status=before, to_status=target)
    base.clocks(ticket, "closed", at=at, actor=actor)
    return ticket
