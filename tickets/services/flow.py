"""Working a ticket: triage, assignment, first response, waiting for the customer,
escalation through the three tiers and dispatching an on-site visit."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from servicedesk.errors import InvalidTransition, ServiceError
from tickets import selectors
from tickets.models import Ticket, Visit

from . import _base as base

Status = Ticket.Status


@transaction.atomic
def ticket_triage(
    *, ticket: Ticket, actor: User, severity: str, assignee: User | None = None, note: str = ""
) -> Ticket:
    """Classify the severity (and optionally assign). Again later = a severity change."""
    base.check_role(actor, "triage")
    seen, ticket = ticket, base.lock_ticket(ticket)
    if seen.status == Status.NEW:
        base.check_not_overtaken(seen, ticket, field="status")  # two dispatchers triaging at once
    base.check_scope(actor, ticket)
    target = base.check_transition(ticket, "triage")
    if severity not in Ticket.Severity.values:
        raise ServiceError(_("Choose major, urgent or general."), field="severity")
    if assignee is not None:
        base.check_field_staff(assignee, actor=actor)
    at, before, old_severity = base.now(), ticket.status, ticket.severity
    fields = ["severity", "status"]
    ticket.severity, ticket.status = severity, target
    if before == Status.NEW:
        ticket.triaged_at = at
        fields.append("triaged_at")
    old_assignee = ticket.assignee_id
    if assignee is not None and assignee.pk != old_assignee:
        ticket.assignee = assignee
        fields.append("assignee")
    base.save(ticket, *fields)
    data = (
        {"severity": severity}
        if before == Status.NEW
        else {"severity": severity, "old_severity": old_severity}
    )
    base.record(
        ticket,
        kind="triaged",
        actor=actor,
        at=at,
        from_status=before,
        to_status=target,
        note=note,
        data=data,
    )
    base.clocks(
        ticket,
        "triaged",
        at=at,
        actor=actor,
        data=None if before == Status.NEW else {"old_severity": old_severity},
    )
    if before == Status.NEW or old_severity != severity:
        base.downtime(ticket, "triaged", at=at)
    if "assignee" in fields:
        base.record(
            ticket,
            kind="assigned",
            actor=actor,
            at=at,
            from_status=target,
            data={"assignee": assignee.pk, "old_assignee": old_assignee},
        )
        base.notify_after_commit(
            recipients=[assignee], event="ticket_assigned", target=ticket, actor=actor
        )
    if before == Status.NEW or old_severity != severity:
        base.notify_after_commit(
            recipients=base.customer_recipients(ticket),
            event="ticket_triaged",
            target=ticket,
            actor=actor,
        )
    return ticket


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor: User, assignee: User) -> Ticket:
    base.check_role(actor, "assign")
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    base.check_transition(ticket, "assign")
    base.check_field_staff(assignee, actor=actor)
    if ticket.tier >= Ticket.Tier.EXPERT and assignee.role != User.Role.EXPERT:
        raise ServiceError(_("An escalated fault report stays with an expert."), field="assignee")
    old = ticket.assignee_id
    ticket.assignee = assignee
    base.save(ticket, "assignee")
    base.facts(ticket)
    base.record(
        ticket,
        kind="assigned",
        actor=actor,
        at=base.now(),
        from_status=ticket.status,
        data={"assignee": assignee.pk, "old_assignee": old},
    )
    base.notify_after_commit(
        recipients=[assignee], event="ticket_assigned", target=ticket, actor=actor
    )
    return ticket


def _simple_move(
    *, ticket: Ticket, actor: User, action: str, event: str, note: str = "", work: bool = True
) -> Ticket:
    base.check_role(actor, action)
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    target = base.check_transition(ticket, action)
    if work and not actor.is_customer:
        base.check_working_on(actor, ticket)
    at, before = base.now(), ticket.status
    ticket.status = target
    fields = ["status"]
    if event == "responded" and ticket.responded_at is None:
        ticket.responded_at = at
        fields.append("responded_at")
    base.save(ticket, *fields)
    base.record(
        ticket, kind=event, actor=actor, at=at, from_status=before, to_status=target, note=note
    )
    base.clocks(ticket, event, at=at, actor=actor)
    return ticket


@transaction.atomic
def ticket_respond(*, ticket: Ticket, actor: User, note: str = "") -> Ticket:
    """The first engineer contact with the customer (remote diagnosis starts)."""
    return _simple_move(ticket=ticket, actor=actor, action="respond", event="responded", note=note)


@transaction.atomic
def ticket_wait_customer(*, ticket: Ticket, actor: User, reason: str) -> Ticket:
    if not (reason or "").strip():
        raise ServiceError(_("Say what the customer has to do."), field="reason")
    ticket = _simple_move(
        ticket=ticket, actor=actor, action="wait-customer", event="waiting_customer", note=reason
    )
    base.notify_after_commit(
        recipients=base.customer_recipients(ticket),
        event="ticket_waiting_customer",
        target=ticket,
        actor=actor,
        context={"reason": reason},
    )
    return ticket


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor: User, note: str = "") -> Ticket:
    ticket = _simple_move(ticket=ticket, actor=actor, action="resume", event="resumed", note=note)
    if actor.is_customer:
        base.notify_after_commit(
            recipients=[ticket.assignee], event="ticket_resumed", target=ticket, actor=actor
        )
    return ticket


def _pick_expert(ticket: Ticket) -> User | None:
    """An active expert: one of the contract's service team first (least loaded), else
    the least loaded of the site's centre or its regional parent."""
    center = ticket.site.service_center
    centers = [center.pk] + ([center.parent_id] if center.parent_id else [])
    ids = User.objects.filter(role=User.Role.EXPERT, is_active=True).filter(
        Q(service_centers__in=centers) | Q(engineer_profile__service_center__in=centers)
    )
    of_center = list(
        selectors.with_open_load(User.objects.filter(pk__in=ids.values("pk"))).order_by(
            "open_load", "username"
        )
    )
    ranked = selectors.team_first(ticket, of_center)
    return next((user for user in ranked if user.role == User.Role.EXPERT), None)


def _check_expert(expert: User) -> None:
    if expert.role != User.Role.EXPERT or not expert.is_active:
        raise ServiceError(_("Choose an active technical expert."), field="expert")


@transaction.atomic
def ticket_escalate(
    *,
    ticket: Ticket,
    actor: User | None,
    reason: str,
    expert: User | None = None,
    vendor_name: str = "",
    vendor_case: str = "",
    vendor_contact: str = "",
) -> Ticket:
    """Tier 1 → 2 hands the ticket to a technical expert; 2 → 3 opens a vendor case
    (vendor, case reference, contact) while an expert keeps owning the ticket.
    `actor=None` is the SLA engine escalating a restore breach: no person's role or
    scope to check, the timeline shows the system as the actor."""
    if actor is not None:
        base.check_role(actor, "escalate")
    seen, ticket = ticket, base.lock_ticket(ticket)
    base.check_not_overtaken(seen, ticket, field="tier")  # never two tiers up for one request
    if actor is not None:
        base.check_scope(actor, ticket)
    base.check_transition(ticket, "escalate")
    if actor is not None:
        base.check_working_on(actor, ticket)
    if not (reason or "").strip():
        raise ServiceError(_("Give the reason for the escalation."), field="reason")
    if ticket.tier >= Ticket.Tier.VENDOR:
        raise InvalidTransition(_("The fault report is already with vendor support (tier 3)."))
    at, old_tier, old_assignee = base.now(), ticket.tier, ticket.assignee_id
    fields = ["tier", "escalated_at"]
    if expert is not None:
        _check_expert(expert)
    elif ticket.assignee is None or ticket.assignee.role != User.Role.EXPERT:
        expert = _pick_expert(ticket)
        if expert is None:
            raise ServiceError(
                _("No technical expert covers this site's service centre."), field="expert"
            )
    if expert is not None and expert.pk != old_assignee:
        ticket.assignee = expert
        fields.append("assignee")
    data = {"from_tier": old_tier, "to_tier": old_tier + 1, "assignee": ticket.assignee_id}
    if old_tier == Ticket.Tier.EXPERT:
        model = ticket.equipment.equipment_model if ticket.equipment_id else None
        ticket.vendor_name = vendor_name or (model.vendor_name if model else "")
        ticket.vendor_contact = vendor_contact or (
            ", ".join(filter(None, [model.vendor_contact, model.vendor_email])) if model else ""
        )
        ticket.vendor_case = vendor_case  # API.md: {reason, vendor_case?}; no vendor name needed
        fields += ["vendor_name", "vendor_contact", "vendor_case"]
        data.update(
            vendor_name=ticket.vendor_name,
            vendor_case=vendor_case,
            vendor_contact=ticket.vendor_contact,
        )
    ticket.tier, ticket.escalated_at = old_tier + 1, at
    base.save(ticket, *fields)
    if "assignee" in fields:
        base.facts(ticket)
    base.record(
        ticket,
        kind="escalated",
        actor=actor,
        at=at,
        from_status=ticket.status,
        note=reason,
        data=data,
    )
    if "assignee" in fields:
        base.notify_after_commit(
            recipients=[ticket.assignee],
            event="ticket_escalated",
            target=ticket,
            actor=actor,
            context={"reason": reason, "tier": ticket.tier},
        )
    return ticket


@transaction.atomic
def ticket_dispatch(
    *, ticket: Ticket, actor: User, engineer: User, scheduled_for: datetime | None = None
) -> Visit:
    """Send an engineer on site: a new visit (work order) in `dispatched`."""
    base.check_role(actor, "dispatch")
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    target = base.check_transition(ticket, "dispatch")
    base.check_working_on(actor, ticket)
    base.check_field_staff(engineer, actor=actor, field="engineer")
    at, before = base.now(), ticket.status
    visit = Visit.objects.create(
        ticket=ticket,
        number=base.next_number("WO", at=at),
        engineer=engineer,
        scheduled_for=scheduled_for,
        dispatched_at=at,
    )
    ticket.status = target
    fields = ["status"]
    if ticket.assignee_id is None:
        ticket.assignee = engineer
        fields.append("assignee")
    base.save(ticket, *fields)
    base.record(
        ticket,
        kind="dispatched",
        actor=actor,
        at=at,
        from_status=before,
        to_status=target,
        data={
            "visit": visit.pk,
            "visit_number": visit.number,
            "engineer": engineer.pk,
            "scheduled_for": scheduled_for.isoformat() if scheduled_for else None,
        },
    )
    base.clocks(ticket, "dispatched", at=at, actor=actor, visit=visit)
    base.notify_after_commit(
        recipients=[engineer], event="visit_dispatched", target=visit, actor=actor
    )
    base.notify_after_commit(
        recipients=base.customer_recipients(ticket),
        event="visit_dispatched",
        target=visit,
        actor=actor,
    )
    return visit
