"""Every read of tickets, visits, comments, attachments and timeline events, scoped to
the caller in one place per model:
- customers: their organisation's (never internal comments, files or events);
- engineers: tickets assigned to them or with a visit of theirs;
- experts: as engineers, plus escalated tickets (tier ≥ 2) of their centres;
- dispatchers and managers: the sites of their service centres (all without centres);
- admins: everything."""

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Replace

from accounts.models import User
from accounts.selectors import engineers_of, organizations_visible_to
from assets.selectors import equipment_visible_to, sites_visible_to, team_for_site

from . import ports
from .models import (
    Attachment,
    CannedReply,
    Comment,
    InboundEmail,
    SavedView,
    Ticket,
    TicketEvent,
    Visit,
    VisitPhase,
)

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


def tickets_in_scope(user: User) -> QuerySet[Ticket]:
    """The user's tickets, plain: no related rows, no clocks (for reads that choose
    their own columns, as the list API does)."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    q = _scope_filter(user)
    return Ticket.objects.all() if q is None else Ticket.objects.filter(q)


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
    return tickets_in_scope(user).values("pk")


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
def _open_of_row() -> QuerySet[Ticket]:
    """The open tickets assigned to the outer row's user (tickets_open_assignee_idx)."""
    return Ticket.objects.filter(assignee=OuterRef("pk"), status__in=Ticket.OPEN_STATUSES)


def with_open_load(qs: QuerySet[User]) -> QuerySet[User]:
    """Each user with `open_load`: the open fault reports assigned to them, counted in
    a subquery per user over the open tickets' index (a join would read every ticket
    the user was ever assigned)."""
    # COUNT(assignee_id): a column of the index, so the count is an index-only scan.
    load = _open_of_row().order_by().values("assignee").annotate(n=Count("assignee")).values("n")
    return qs.annotate(open_load=Coalesce(Subquery(load, output_field=IntegerField()), 0))


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


# --- the dispatcher's desk ----------------------------------------------------------
SEVERITY_RANK = Case(
    When(severity=Ticket.Severity.MAJOR, then=Value(1)),
    When(severity=Ticket.Severity.URGENT, then=Value(2)),
    When(severity=Ticket.Severity.GENERAL, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)
# The queue's sortable columns: key → the ordering (nulls last either way).
QUEUE_SORTS = {
    "number": F("number"),
    "title": F("title"),
    "site": F("site__name"),
    "severity": SEVERITY_RANK,
    "status": F("status"),
    "due": F("nearest_due_at"),
    "assignee": F("assignee__username"),
    "reported": F("reported_at"),
}
SLA_STATES = ("ok", "warning", "breached", "none")


def queue_tickets(user: User, *, filters: dict, sort: str, now) -> QuerySet[Ticket]:
    """The open tickets of the caller's scope, filtered and sorted for the queue, with
    the SLA colours annotated (ports.sla_annotate_state) and only what a row shows
    joined (site, organisation, assignee): no clocks fetched, no total counted."""
    qs = tickets_visible_to(user).filter(status__in=Ticket.OPEN_STATUSES)
    qs = qs.select_related(None).select_related("site", "assignee").prefetch_related(None)
    for name in ("status", "severity", "kind"):
        if filters.get(name):
            qs = qs.filter(**{f"{name}__in": filters[name]})
    for name, lookup in (
        ("organization", "organization_id"),
        ("site", "site_id"),
        ("center", "site__service_center_id"),
    ):
        if filters.get(name):
            qs = qs.filter(**{f"{lookup}__in": filters[name]})
    assignee = filters.get("assignee")
    if assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee_id=assignee)
    qs = ports.sla_annotate_state(qs, now=now)
    sla = filters.get("sla")
    if sla == "breached":
        qs = qs.filter(sla_breached=True)
    elif sla == "warning":
        qs = qs.filter(sla_warning=True, sla_breached=False)
    elif sla == "ok":
        qs = qs.filter(sla_warning=False, sla_breached=False, nearest_due_at__isnull=False)
    elif sla == "none":
        qs = qs.filter(nearest_due_at__isnull=True)
    return _queue_order(qs, sort)


def _queue_order(qs: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    key = sort.removeprefix("-")
    if key not in QUEUE_SORTS or key == "due":
        ordered = ports.sla_order_by_nearest_due(qs)  # the partial index, in order
        if sort == "-due":
            ordered = qs.order_by(F("nearest_due_at").desc(nulls_last=True), "-reported_at")
        return ordered
    expression = QUEUE_SORTS[key]
    if sort.startswith("-"):
        return qs.order_by(expression.desc(nulls_last=True), "-pk")
    return qs.order_by(expression.asc(nulls_last=True), "pk")


def saved_views_for(user: User) -> QuerySet[SavedView]:
    """The caller's own views and the ones the team shares."""
    if not user.is_authenticated or not user.is_dispatch_role:
        return SavedView.objects.none()
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")


def canned_replies_for(user: User) -> QuerySet[CannedReply]:
    """Staff insert the ones in use; managers and admins see all to keep them."""
    if not user.is_authenticated or not user.is_staff_role:
        return CannedReply.objects.none()
    if user.role == User.Role.MANAGER or user.is_admin_role:
        return CannedReply.objects.all()
    return CannedReply.objects.filter(active=True)


def engineer_workload(user: User) -> QuerySet[User]:
    """The engineers the caller may assign work to, each with their centre
    (`engineer_profile.service_center`), `open_load` (open tickets assigned) and
    `next_due_at` (the nearest due point among them): one query, subqueries per row.
    Least loaded first; at equal load the one whose next deadline is furthest away."""
    next_due = (
        _open_of_row().order_by(F("nearest_due_at").asc(nulls_last=True)).values("nearest_due_at")
    )[:1]
    return (
        with_open_load(engineers_of(user).select_related("engineer_profile__service_center"))
        .annotate(next_due_at=Subquery(next_due))
        .order_by("open_load", F("next_due_at").desc(nulls_first=True), "last_name", "username")
    )


def suggest_assignee(engineers, ticket: Ticket) -> User | None:
    """The least-loaded engineer of the ticket site's service centre (from an
    `engineer_workload` list, already in that order); experts only for an escalated
    ticket. None when that centre has nobody the caller may assign."""
    center_id = ticket.site.service_center_id
    for engineer in engineers:
        profile = getattr(engineer, "engineer_profile", None)
        if profile is None or profile.service_center_id != center_id:
            continue
        if ticket.tier >= Ticket.Tier.EXPERT and engineer.role != User.Role.EXPERT:
            continue
        return engineer
    return None


# --- the ticket page's one conversation ---------------------------------------------
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
# Timeline kinds the stream shows as their own entries (the comment, the file).
SHOWN_AS_ENTRIES = ("comment", "attachment")


def _outbound_mail(user: User, ticket: Ticket) -> QuerySet:
    """The e-mails sent about the ticket to the customer side: staff see all of them,
    a customer only their own."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Notification

    sent = Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(Ticket),
        target_id=ticket.pk,
        emailed_at__isnull=False,
    ).select_related("recipient")
    if user.is_customer:
        return sent.filter(recipient=user)
    return sent.exclude(recipient__role__in=User.STAFF_ROLES)


def conversation(user: User, ticket: Ticket) -> list[dict]:
    """Comments, files (photos to preview), e-mail in and out and the timeline, in one
    stream, oldest first; each part read through its own scoped selector (a fixed
    number of queries, whatever the length)."""
    comments = list(comments_visible_to(user).filter(ticket=ticket).prefetch_related(None))
    files = list(attachments_visible_to(user).filter(ticket=ticket).select_related("uploaded_by"))
    by_comment: dict[int, list] = {}
    entries = []
    for a in files:
        a.is_image = a.content_type in IMAGE_TYPES
        if a.comment_id:
            by_comment.setdefault(a.comment_id, []).append(a)
        else:
            entries.append(_entry("file", a.created_at, a.uploaded_by, files=[a], item=a))
    mail_in = {}
    if user.is_dispatch_role:
        for inbound in InboundEmail.objects.filter(ticket=ticket).order_by("received_at", "pk"):
            if inbound.comment_id:
                mail_in[inbound.comment_id] = inbound
            else:
                entries.append(_entry("email-in", inbound.received_at, None, item=inbound))
    for c in comments:
        kind = "email-in" if c.via_email else "comment"
        entries.append(
            _entry(
                kind,
                c.created_at,
                c.author,
                files=by_comment.get(c.pk, []),
                item=c,
                inbound=mail_in.get(c.pk),
            )
        )
    statuses = dict(Ticket.Status.choices)
    for e in timeline(user, ticket).exclude(kind__in=SHOWN_AS_ENTRIES).select_related("actor"):
        e.from_label = statuses.get(e.from_status, e.from_status)
        e.to_label = statuses.get(e.to_status, e.to_status)
        entries.append(_entry("event", e.created_at, e.actor, item=e))
    for n in _outbound_mail(user, ticket):
        entries.append(_entry("email-out", n.emailed_at, None, item=n))
    order = {"event": 0, "email-in": 1, "comment": 2, "file": 3, "email-out": 4}
    entries.sort(key=lambda entry: (entry["at"], order[entry["kind"]], entry["item"].pk))
    return entries


def _entry(kind, at, actor, *, item, files=(), inbound=None) -> dict:
    internal = bool(getattr(item, "internal", False))
    return {
        "kind": kind,
        "at": at,
        "actor": actor,
        "item": item,
        "internal": internal,
        "photos": [f for f in files if f.is_image],
        "files": [f for f in files if not f.is_image],
        "inbound": inbound,
    }
