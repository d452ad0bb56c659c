"""Every read of SLA data, scoped by the user in one place.

Tickets show their clocks through `prefetch_clocks` (one query for a whole list) and
`clocks_for_ticket` (served from that prefetch when present); the dispatcher queue
orders by `order_by_nearest_due`."""

from django.db.models import F, Prefetch, QuerySet

from accounts.models import User

from .models import BusinessCalendar, CalendarDay, Clock, Policy, Target

METRIC_ORDER = ["triage", "response", "departure", "arrival", "restore", "follow_up"]


def _ticket_scope(user: User):
    """The tickets the user sees: the tickets app's selector (one rule for all)."""
    from tickets.selectors import tickets_visible_to

    return tickets_visible_to(user).values("pk")


def clocks_visible_to(user: User) -> QuerySet[Clock]:
    qs = Clock.objects.select_related(
        "ticket", "ticket__site", "ticket__site__service_center", "ticket__organization", "ticket__assignee")
    if not user.is_authenticated:
        return qs.none()
    if user.is_admin_role:
        return qs
    return qs.filter(ticket__in=_ticket_scope(user))


def policies_visible_to(user: User) -> QuerySet[Policy]:
    qs = Policy.objects.select_related("calendar").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("metric", "severity")))
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
    return Clock.objects.order_by("started_at", "id")


def prefetch_clocks(queryset: QuerySet) -> QuerySet:
    """Tickets with their clocks in one extra query for the whole list."""
    return queryset.prefetch_related(Prefetch("sla_clocks", queryset=_clock_order()))


def clocks_for_ticket(ticket) -> list[Clock]:
    """The ticket's clocks in metric order: from the prefetch when the ticket came
    through `prefetch_clocks`, else one query."""
    clocks = list(ticket.sla_clocks.all())
    return sorted(clocks, key=lambda c: METRIC_ORDER.index(c.metric) if c.metric in METRIC_ORDER else 99)


def order_by_nearest_due(queryset: QuerySet) -> QuerySet:
    """Tickets ordered by `nearest_due_at` (kept by the SLA engine with the clocks):
    tickets without a counting clock last, then newest report first. On open tickets
    this reads the partial index `tickets_queue_due_idx` in order."""
    return queryset.order_by(F("nearest_due_at").asc(nulls_last=True), "-reported_at")


def about_to_breach(user: User, *, now, limit: int = 20) -> QuerySet[Clock]:
    """Running clocks past their warning point, nearest due first."""
    return clocks_visible_to(user).filter(state=Clock.State.RUNNING, warn_at__lte=now).order_by("due_at")[:limit]
