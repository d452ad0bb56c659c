"""Every read of SLA data, scoped by the user in one place.

Tickets show their clocks through `prefetch_clocks` (one query for a whole list) and
`clocks_for_ticket` (served from that prefetch when present); the dispatcher queue
orders by `order_by_nearest_due`."""

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull

from accounts.models import User

from .models import BusinessCalendar, CalendarDay, Clock, Policy, Target

METRIC_ORDER = ["triage", "response", "departure", "arrival", "restore", "follow_up"]


def _ticket_scope(user: User):
    """The tickets the user sees: the tickets app's selector (one rule for all)."""
    from tickets.selectors import tickets_visible_to

    return tickets_visible_to(user).values("pk")


def clocks_visible_to(user: User) -> QuerySet[Clock]:
    qs = Clock.objects.select_related(
        "ticket",
        "ticket__site",
        "ticket__site__service_center",
        "ticket__organization",
        "ticket__assignee",
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_admin_role:
        return qs
    return qs.filter(ticket__in=_ticket_scope(user))


def policies_visible_to(user: User) -> QuerySet[Policy]:
    qs = Policy.objects.select_related("calendar").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("metric", "severity"))
    )
    return qs if user.is_authenticated else qs.none()


def targets_visible_to(user: User) -> QuerySet[Target]:
    qs = Target.objects.select_related("policy")
    return qs if user.is_authenticated else qs.none()


def calendars_visible_to(user: User) -> QuerySet[BusinessCalendar]:
    qs = BusinessCalendar.objects.prefetch_related("windows")
    return qs if user.is_authenticated else qs.none()


def calendar_days_visible_to(user: User) -> QuerySet[CalendarDay]:
    qs = CalendarDay.objects.select_related("calendar")
    return qs if user.is_authenticated else qs.none()


# --- for the tickets app ------------------------------------------------------------
def _clock_order() -> QuerySet[Clock]:
    return Clock.objects.select_related("calendar").order_by("started_at", "id")


def prefetch_clocks(queryset: QuerySet) -> QuerySet:
    """Tickets with their clocks in one extra query for the whole list."""
    return queryset.prefetch_related(Prefetch("sla_clocks", queryset=_clock_order()))


def clocks_for_ticket(ticket) -> list[Clock]:
    """The ticket's clocks in metric order, rounds in order: from the prefetch when the ticket came
    through `prefetch_clocks`, else one query."""
    clocks = list(ticket.sla_clocks.all())
    return sorted(
        clocks,
        key=lambda c: (METRIC_ORDER.index(c.metric) if c.metric in METRIC_ORDER else 99, c.round),
    )


def order_by_nearest_due(queryset: QuerySet) -> QuerySet:
    """Tickets ordered by `nearest_due_at` (kept by the SLA engine with the clocks):
    tickets without a counting clock last, then newest report first. On open tickets
    this reads the partial index `tickets_queue_due_idx` in order."""
    return queryset.order_by(F("nearest_due_at").asc(nulls_last=True), "-reported_at")


def _any(clocks: QuerySet) -> IsNull:
    """Whether `clocks` has a row, as a scalar subquery (one clock's id, or NULL) rather
    than EXISTS: PostgreSQL may plan an EXISTS in the select list as a hash of every
    matching clock, built before the first row (at 1,000,000 tickets a sequential scan
    of 4.7 M clocks, 1.9 s for the queue's page of 31, when the statistics tipped it);
    a scalar subquery is run for the rows that are read, through the clocks' index."""
    return IsNull(Subquery(clocks.order_by().values("pk")[:1]), False)


def annotate_queue_state(queryset: QuerySet, *, now) -> QuerySet:
    """The queue's SLA colours, two subqueries per ticket row (evaluated for the rows
    of one page only): an open clock past its warning point, an open clock past due.
    Paused clocks do not count: their due time moves."""
    counting = Clock.objects.filter(
        ticket=OuterRef("pk"), state__in=[Clock.State.RUNNING, Clock.State.BREACHED]
    )
    return queryset.annotate(
        sla_breached=_any(counting.filter(Q(state=Clock.State.BREACHED) | Q(due_at__lte=now))),
        sla_warning=_any(counting.filter(warn_at__lte=now)),
    )


def about_to_breach(user: User, *, now, limit: int = 20) -> QuerySet[Clock]:
    """Running clocks past their warning point, nearest due first."""
    return (
        clocks_visible_to(user)
        .filter(state=Clock.State.RUNNING, warn_at__lte=now)
        .order_by("due_at")[:limit]
    )


# --- coverage and time-zone warnings ---------------------------------------------
def site_time_zone_mismatch(site, *, day=None):
    """(site zone, calendar) when the site's time zone differs from the calendar of the
    policy its tickets run on today (two queries), else None."""
    from django.utils import timezone

    from .services.config import policy_for_site

    policy = policy_for_site(
        organization_id=site.organization_id, site_id=site.pk, day=day or timezone.localdate()
    )
    if policy is None or policy.calendar.time_zone == site.time_zone:
        return None
    return site.time_zone, policy.calendar


def sites_off_their_calendar(user: User, *, day=None, limit: int = 20) -> list[dict]:
    """Sites in the user's scope whose time zone differs from their policy calendar's
    (three queries whatever the number of sites)."""
    from django.utils import timezone

    from assets.models import ServiceContract
    from assets.selectors import sites_visible_to

    day = day or timezone.localdate()
    default = Policy.objects.select_related("calendar").filter(is_default=True).first()
    by_site = {}
    contracts = (
        ServiceContract.objects.filter(
            sla_policy__isnull=False, starts_on__lte=day, ends_on__gte=day
        )
        .order_by("starts_on", "pk")
        .values_list(
            "sites",
            "organization_id",
            "sla_policy__calendar__time_zone",
            "sla_policy__calendar__name",
        )
    )
    for site_id, organization_id, zone, name in contracts:
        by_site[(site_id, organization_id)] = (
            zone,
            name,
        )  # the latest contract wins, as in policy_for
    out = []
    for site in sites_visible_to(user).order_by("name"):
        zone, name = by_site.get((site.pk, site.organization_id), (None, None))
        if zone is None and default is not None:
            zone, name = default.calendar.time_zone, default.calendar.name
        if zone is not None and zone != site.time_zone:
            out.append(
                {"site": site, "site_zone": site.time_zone, "calendar": name, "calendar_zone": zone}
            )
            if len(out) >= limit:
                break
    return out


def coverage_warnings(user: User, *, today=None) -> dict:
    """Calendars whose holiday data ends within 90 days (or is missing) and the open
    clocks in the user's scope due past their calendar's data: two queries."""
    from datetime import timedelta

    from django.utils import timezone

    today = today or timezone.localdate()
    horizon = today + timedelta(days=90)
    ending = [
        c
        for c in BusinessCalendar.objects.exclude(country="").order_by("name")
        if c.covered_through is None or c.covered_through <= horizon
    ]
    beyond = (
        clocks_visible_to(user).filter(beyond_coverage=True, state__in=Clock.OPEN_STATES).count()
    )
    return {"calendars_ending": ending, "clocks_beyond_coverage": beyond}
