"""Shared steps of the ticket use cases: lock, transition check, role and assignment
rules, timeline events, SLA clock events and notifications after commit."""

import logging
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.services import (
    notify_after_commit,  # noqa: F401 - the services call it through b.
)
from servicedesk import clock
from servicedesk.errors import InvalidTransition, PermissionDenied
from tickets import ports
from tickets.models import Ticket, TicketEvent, Visit
from tickets.transitions import (
    TICKET_ACTION_ROLES,
    TICKET_TRANSITIONS,
    VISIT_ACTION_ROLES,
    VISIT_TRANSITIONS,
    next_status,
)

log = logging.getLogger(__name__)
Role = User.Role
DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.MANAGER, Role.ADMIN})


def now() -> datetime:
    return clock.now()


# --- numbers -------------------------------------------------------------------
def next_number(prefix: str, *, at: datetime | None = None) -> str:
    from tickets.services.numbers import next_number as draw

    return draw(prefix, at=at)


# --- locking and rules ---------------------------------------------------------
def lock_ticket(ticket: Ticket) -> Ticket:
    """The ticket's row, locked until the end of this transaction."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def check_not_overtaken(seen: Ticket, locked: Ticket, *, field: str) -> None:
    """For actions that may repeat (triage, escalate): when the caller's copy shows
    another `field` than the locked row, someone else acted first: refuse (409)
    rather than apply the same step twice."""
    if getattr(seen, field) != getattr(locked, field):
        raise InvalidTransition(
            _(
                "The fault report changed meanwhile (it is now %(status)s, tier %(tier)s); "
                "reload it and try again."
            )
            % {"status": locked.get_status_display(), "tier": locked.tier}
        )


def lock_visit(visit: Visit) -> tuple[Visit, Ticket]:
    locked_ticket = Ticket.objects.select_for_update().get(pk=visit.ticket_id)
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    locked.ticket = locked_ticket
    return locked, locked_ticket


def check_transition(ticket: Ticket, action: str) -> str:
    target = next_status(TICKET_TRANSITIONS, action, ticket.status)
    if target is None:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the fault report is %(status)s.")
            % {"action": action, "status": ticket.get_status_display()}
        )
    return target


def check_visit_transition(visit: Visit, action: str) -> str:
    target = next_status(VISIT_TRANSITIONS, action, visit.status)
    if target is None:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the visit is %(status)s.")
            % {"action": action, "status": visit.get_status_display()}
        )
    return target


def check_role(actor: User, action: str, *, visit: bool = False) -> None:
    roles = (VISIT_ACTION_ROLES if visit else TICKET_ACTION_ROLES)[action]
    if not (actor.is_admin_role or actor.role in roles):
        raise PermissionDenied(_("Your role may not do “%(action)s”.") % {"action": action})


def check_scope(actor: User, ticket: Ticket) -> None:
    """The actor must see the ticket (the same selector as every read path)."""
    from tickets.selectors import tickets_visible_to

    if actor.is_admin_role:
        return
    if actor.is_customer:
        if ticket.organization_id != actor.organization_id:
            raise PermissionDenied(_("This fault report is not one of your organisation's."))
        return
    if not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied(_("This fault report is outside your scope."))


def check_working_on(actor: User, ticket: Ticket) -> None:
    """Technical work on a ticket: its assignee, the expert owning an escalated one,
    or dispatch roles (dispatcher, manager, admin)."""
    if actor.is_admin_role or actor.role in DISPATCH_ROLES:
        return
    if actor.pk == ticket.assignee_id:
        return
    if actor.role == Role.EXPERT and ticket.tier >= Ticket.Tier.EXPERT:
        return
    raise PermissionDenied(_("Only the assignee, the owning expert or a dispatcher may do this."))


def check_visit_worker(actor: User, visit: Visit) -> None:
    if actor.is_admin_role or actor.role in DISPATCH_ROLES or actor.pk == visit.engineer_id:
        return
    raise PermissionDenied(_("Only the visit's engineer or a dispatcher may do this."))


def check_field_staff(assignee: User, *, actor: User, field: str = "assignee") -> None:
    from accounts.selectors import engineers_of
    from servicedesk.errors import ServiceError

    if assignee.role not in User.FIELD_ROLES or not assignee.is_active:
        raise ServiceError(_("Choose an active engineer or expert."), field=field)
    if not engineers_of(actor).filter(pk=assignee.pk).exists():
        raise ServiceError(_("This engineer is outside your service centres."), field=field)


# --- effects -------------------------------------------------------------------
def save(instance, *fields: str) -> None:
    instance.save(update_fields=[*fields, "updated_at"])


def record(
    ticket: Ticket,
    *,
    kind: str,
    actor: User | None,
    at: datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict | None = None,
    internal: bool = False,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status or from_status,
        note=note or "",
        data=data or {},
        internal=internal,
        created_at=at,
    )


def plan_first_clocks(ticket: Ticket):
    """A report not saved yet: its first clocks planned by the SLA engine, which sets
    `ticket.nearest_due_at` for the INSERT; `.save()` the result after the ticket."""
    return ports.sla_plan_new_ticket(ticket)


def clocks(ticket: Ticket, event: str, *, at: datetime, actor=None, visit=None, data=None) -> None:
    """Tell the SLA engine, inside this transaction."""
    ports.sla_on_ticket_event(
        ticket=ticket, event=event, at=at, actor=actor, visit=visit, data=data
    )


def facts(ticket: Ticket) -> None:
    """A field the SLA dashboard counts changed without a clock event (assignee,
    equipment): tell the SLA engine, inside this transaction."""
    ports.sla_facts_changed(ticket=ticket)


def _customer_reporter(ticket: Ticket) -> User | None:
    reporter = ticket.reporter
    if reporter is not None and reporter.is_customer and reporter.is_active:
        return reporter
    return None


def _customer_admins(ticket: Ticket) -> Q:
    return Q(organization_id=ticket.organization_id, role=Role.CUSTOMER_ADMIN)


def customer_recipients(ticket: Ticket) -> list[User]:
    """The reporter when a customer, else the organisation's customer admins."""
    reporter = _customer_reporter(ticket)
    if reporter is not None:
        return [reporter]
    return list(User.objects.filter(_customer_admins(ticket), is_active=True))


def _dispatchers(ticket: Ticket) -> tuple[Q, Exists]:
    """Who covers the ticket's site (the dispatchers of its centre or of its regional
    parent, and those without centres), and whether one covers it by a centre."""
    center = ticket.site.service_center
    centers = [center.pk] + ([center.parent_id] if center.parent_id else [])
    who = Q(role=Role.DISPATCHER) & (
        Q(service_centers__in=centers) | Q(service_centers__isnull=True)
    )
    covers = Exists(
        User.service_centers.through.objects.filter(
            user_id=OuterRef("pk"), servicecenter_id__in=centers
        )
    )
    return who, covers


def _by_cover(dispatchers) -> list[User]:
    return sorted(dispatchers, key=lambda user: (not user.covers, user.pk))


def dispatchers_for(ticket: Ticket) -> list[User]:
    """Dispatchers of the site's centre (or its regional parent); all dispatchers
    without centres cover everything too."""
    who, covers = _dispatchers(ticket)
    # One query: the covering dispatchers, then those without centres.
    return _by_cover(User.objects.filter(who, is_active=True).annotate(covers=covers).distinct())


def report_recipients(ticket: Ticket) -> tuple[list[User], list[User]]:
    """`dispatchers_for(ticket)` and `customer_recipients(ticket)` in one query (the
    create request, issue 15)."""
    who, covers = _dispatchers(ticket)
    reporter = _customer_reporter(ticket)
    if reporter is None:
        who |= _customer_admins(ticket)
    rows = list(User.objects.filter(who, is_active=True).annotate(covers=covers).distinct())
    dispatchers = _by_cover(user for user in rows if user.role == Role.DISPATCHER)
    if reporter is not None:
        return dispatchers, [reporter]
    customers = [
        user
        for user in rows
        if user.role == Role.CUSTOMER_ADMIN and user.organization_id == ticket.organization_id
    ]
    return dispatchers, customers


def downtime(ticket: Ticket, event: str, *, at: datetime) -> None:
    """Keep the unit's downtime spans and status in step with a fault, inside this
    transaction (assets.services; the impact of a severity is the policy's rule, asked
    through tickets.ports). Only faults on a named unit count."""
    from assets import services as assets

    if ticket.kind != Ticket.Kind.FAULT or ticket.equipment_id is None:
        return
    if event == "cancelled":
        assets.downtime_drop_fault(ticket_id=ticket.pk)
    elif event == "resolved":
        assets.downtime_end_fault(ticket_id=ticket.pk, at=at)
    else:
        impact = ports.sla_downtime_impact(ticket)
        spans = {
            "equipment_id": ticket.equipment_id,
            "ticket_id": ticket.pk,
            "reference": ticket.number,
            "impact": impact,
        }
        if event == "triaged":
            assets.downtime_track_fault(**spans, since=ticket.reported_at)
        elif event == "reopened":
            assets.downtime_reopen_fault(**spans, at=at)
