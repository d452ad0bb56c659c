"""Every read of tickets, visits, comments, attachments and timeline events, scoped to
the caller in one place per model:
- customers: their organisation's (never internal comments, files or events);
- engineers: tickets assigned to them or with a visit of theirs;
- experts: as engineers, plus escalated tickets (tier ≥ 2) of their centres;
- dispatchers and managers: the sites of their service centres (all without centres);
- admins: everything."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User

from . import ports
from .models import Attachment, Comment, InboundEmail, Ticket, TicketEvent, Visit, VisitPhase

Role = User.Role


def _scope_filter(user: User) -> Q | None:
    """The filter on Ticket for this user; None = everything."""
    if user.is_admin_role:
        return None
    if user.is_customer:
        return Q(organization_id=user.organization_id)
    centers = user.center_ids
    if user.role in User.FIELD_ROLES:
        own_visit = Visit.objects.filter(ticket=OuterRef("pk"), engineer=user)
        q = Q(assignee=user) | Q(Exists(own_visit))
        if user.role == Role.EXPERT:
            escalated = Q(tier__gte=Ticket.Tier.EXPERT)
            q |= (
                escalated if centers is None else escalated & Q(site__service_center_id__in=centers)
            )
        return q
    if centers is None:
        return None
    return Q(site__service_center_id__in=centers)


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    qs = Ticket.objects.select_related(
        "organization",
        "site",
        "site__service_center",
        "equipment",
        "equipment__equipment_model",
        "assignee",
        "reporter",
    )
    if not user.is_authenticated:
        return qs.none()
    q = _scope_filter(user)
    qs = qs if q is None else qs.filter(q)
    return with_sla(qs)


def with_sla(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The SLA engine's clocks, prefetched (one query per list)."""
    return ports.sla_prefetch_clocks(qs)


def sla_clocks(ticket: Ticket) -> list:
    return list(ports.sla_clocks_for_ticket(ticket))


def _visible_ticket_ids(user: User) -> QuerySet:
    q = _scope_filter(user)
    qs = Ticket.objects.all() if q is None else Ticket.objects.filter(q)
    return qs.values("pk")


def visits_visible_to(user: User) -> QuerySet[Visit]:
    qs = Visit.objects.select_related(
        "ticket", "ticket__site", "ticket__organization", "engineer"
    ).prefetch_related(
        Prefetch("phases", queryset=VisitPhase.objects.select_related("recorded_by"))
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_admin_role:
        return qs
    if user.role in User.FIELD_ROLES:
        # Their own visits, and the visits of tickets they own.
        return qs.filter(Q(engineer=user) | Q(ticket__in=_visible_ticket_ids(user)))
    return qs.filter(ticket__in=_visible_ticket_ids(user))


def comments_visible_to(user: User) -> QuerySet[Comment]:
    qs = Comment.objects.select_related("author", "ticket").prefetch_related("attachments")
    if not user.is_authenticated:
        return qs.none()
    if user.is_customer:
        qs = qs.filter(internal=False)
    if user.is_admin_role:
        return qs
    return qs.filter(ticket__in=_visible_ticket_ids(user))


def attachments_visible_to(user: User) -> QuerySet[Attachment]:
    qs = Attachment.objects.select_related("uploaded_by", "ticket")
    if not user.is_authenticated:
        return qs.none()
    if user.is_customer:
        qs = qs.filter(internal=False).exclude(comment__internal=True)
    if user.is_admin_role:
        return qs
    return qs.filter(ticket__in=_visible_ticket_ids(user))


def events_visible_to(user: User) -> QuerySet[TicketEvent]:
    """Timeline rows; internal ones (staff notes) never reach customers."""
    qs = TicketEvent.objects.select_related("actor")
    if not user.is_authenticated:
        return qs.none()
    if user.is_customer:
        qs = qs.filter(internal=False)
    if user.is_admin_role:
        return qs
    return qs.filter(ticket__in=_visible_ticket_ids(user))


def timeline(user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    return events_visible_to(user).filter(ticket=ticket).order_by("created_at", "id")


def inbound_visible_to(user: User) -> QuerySet[InboundEmail]:
    """The inbound e-mail (the registration queue and what was filed): dispatch roles only."""
    queryset = InboundEmail.objects.select_related("ticket", "handled_by")
    if not user.is_authenticated or not user.is_dispatch_role:
        return queryset.none()
    return queryset
