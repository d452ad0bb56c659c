"""Every read of tickets, visits, comments, attachments and timeline events, scoped to
the caller in one place per model:
- customers: their organisation's (never internal comments, files or events);
- engineers: tickets assigned to them or with a visit of theirs;
- experts: as engineers, plus escalated tickets (tier ≥ 2) of their centres;
- dispatchers and managers: the sites of their service centres (all without centres);
- admins: everything."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from accounts.models import User
from accounts.selectors import engineers_of, organizations_visible_to
from assets.selectors import equipment_visible_to, sites_visible_to, team_for_site

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


# --- assignment suggestions (issue 18: the contract's service team first) ------------
def with_open_load(qs: QuerySet[User]) -> QuerySet[User]:
    """Each user with `open_load`: the open fault reports assigned to them."""
    return qs.annotate(
        open_load=Count(
            "assigned_tickets",
            filter=Q(assigned_tickets__status__in=Ticket.OPEN_STATUSES),
            distinct=True,
        )
    )


def _eligible(ticket: Ticket, actor: User | None) -> QuerySet[User]:
    """Who may take the ticket: active field staff (experts only once it is escalated),
    within the actor's service centres when an actor is given."""
    roles = [Role.EXPERT] if ticket.tier >= Ticket.Tier.EXPERT else list(User.FIELD_ROLES)
    qs = engineers_of(actor) if actor is not None else User.objects.filter(is_active=True)
    return qs.filter(role__in=roles)


def center_engineers(ticket: Ticket, *, actor: User | None = None) -> list[User]:
    """The site's service centre's (and its regional parent's) eligible engineers,
    least loaded first."""
    center = ticket.site.service_center
    centers = [center.pk] + ([center.parent_id] if center.parent_id else [])
    qs = _eligible(ticket, actor).filter(
        Q(service_centers__in=centers) | Q(engineer_profile__service_center__in=centers)
    )
    ids = qs.values("pk")
    return list(with_open_load(User.objects.filter(pk__in=ids)).order_by("open_load", "username"))


def team_first(ticket: Ticket, candidates: list[User], *, actor: User | None = None) -> list[User]:
    """`candidates` (any ordering, e.g. least loaded of the centre) with the eligible
    members of the contract's service team moved to the front (least loaded of them
    first); each user marked `in_team`. The rule stands alone so that any other
    suggestion can be put through it."""
    team = team_for_site(ticket.site)
    team_ids = {m.user_id for m in team.members.all()} if team is not None else set()
    members = (
        list(
            with_open_load(_eligible(ticket, actor).filter(pk__in=team_ids)).order_by(
                "open_load", "username"
            )
        )
        if team_ids
        else []
    )
    first = {user.pk for user in members}
    rest = [user for user in candidates if user.pk not in first]
    for user in members:
        user.in_team = True
    for user in rest:
        user.in_team = False
    return members + rest


def suggest_engineers(ticket: Ticket, *, actor: User | None = None, limit: int = 5) -> list[User]:
    """Whom to assign: the contract's team, then the centre's least-loaded engineers."""
    return team_first(ticket, center_engineers(ticket, actor=actor), actor=actor)[:limit]


# --- the hotline: who is calling? (issue 18) ------------------------------------------
PHONE_KEY_DIGITS = 8  # the last digits compared: country and trunk prefixes differ
PHONE_PUNCTUATION = ("-", " ", "+", "(", ")", ".")


def phone_digits(phone: str) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def _normalised(field: str):
    expression = F(field)
    for mark in PHONE_PUNCTUATION:
        expression = Replace(expression, Value(mark), Value(""))
    return expression


def _phone_matches(qs: QuerySet, field: str, key: str) -> QuerySet:
    return qs.annotate(_phone=_normalised(field)).filter(_phone__endswith=key)


def caller_lookup(user: User, phone: str) -> dict | None:
    """What the dispatcher needs while the phone rings: the people, organisations and
    sites whose number ends like the caller's (last eight digits, punctuation ignored),
    those organisations' sites and equipment, and the caller's recent reports. All in
    the dispatcher's scope. None when the number is too short to look up."""
    digits = phone_digits(phone)
    if len(digits) < 5:
        return None
    key = digits[-PHONE_KEY_DIGITS:]
    organizations = organizations_visible_to(user)
    people = list(
        _phone_matches(
            User.objects.filter(
                role__in=User.CUSTOMER_ROLES, is_active=True, organization__in=organizations
            ),
            "phone",
            key,
        ).select_related("organization")[:10]
    )
    sites = sites_visible_to(user)
    site_hits = list(_phone_matches(sites, "contact_phone", key)[:10])
    org_ids = {p.organization_id for p in people} | {s.organization_id for s in site_hits}
    org_ids |= set(_phone_matches(organizations, "phone", key).values_list("pk", flat=True)[:10])
    org_sites = list(
        sites.filter(organization_id__in=org_ids).order_by("organization__name", "name")
    )
    recent = (
        tickets_visible_to(user)
        .annotate(_phone=_normalised("contact_phone"))
        .filter(Q(_phone__endswith=key) | Q(reporter__in=[p.pk for p in people]))
        .select_related(None)
        .select_related("site", "equipment")
        .prefetch_related(None)
        .order_by("-reported_at")[:10]
    )
    return {
        "digits": digits,
        "people": people,
        "organizations": list(organizations.filter(pk__in=org_ids)),
        "sites": org_sites,
        "site_hits": {s.pk for s in site_hits},
        "equipment": list(
            equipment_visible_to(user)
            .filter(site__in=[s.pk for s in org_sites])
            .order_by("site__name", "-critical", "name")
        ),
        "recent": list(recent),
    }
