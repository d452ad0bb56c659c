"""The SLA dashboard read from the daily facts (sla/facts.py): the same figures as
`sla.kpis.dashboard_from_rows` (tests/sla/test_facts_equivalence.py holds them equal),
for a cost that follows the days of the period and the filters, not its tickets:
eleven queries (three of them the other apps'), over the monthly rows of the period's
whole months and the daily rows of its other days (`period_q`).

Used when the caller's scope is one the facts can express (dispatchers, managers and
admins: all sites, or the sites of their centres) and the caller's days are the facts'
days (the request's time zone has the offsets of settings.TIME_ZONE over the period);
anything else is answered from the rows."""

from datetime import time, timedelta

from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from servicedesk.kpis import scope_q

from . import kpis
from .facts import EPOCH, US, next_month, zone
from .models import DailyFact

Fact = DailyFact.Fact
STOPPED = kpis.State.STOPPED


def _centres(user: User) -> tuple[bool, list | None]:
    """(facts can express the scope, the centres it is limited to or None for all)."""
    if user.is_admin_role:
        return True, None
    if user.role in User.DISPATCH_ROLES or user.is_superuser:
        return True, user.center_ids
    return False, None


def _same_days(f: kpis.Filters) -> bool:
    here, there = timezone.get_current_timezone(), zone()
    if getattr(here, "key", None) == settings.TIME_ZONE:
        return True
    day = f.start.astimezone(there)
    if day.time() != time(0) or f.end.astimezone(there).time() != time(0):
        return False
    while day <= f.end:
        for hour in (0, 12):
            moment = day.replace(hour=hour)
            if moment.astimezone(here).utcoffset() != moment.utcoffset():
                return False
        day += timedelta(days=1)
    return True


def applies(user: User, f: kpis.Filters) -> bool:
    return _centres(user)[0] and _same_days(f)


def _days(f: kpis.Filters):
    tz = zone()
    return f.start.astimezone(tz).date(), f.end.astimezone(tz).date()


def period_q(f: kpis.Filters, *, months: bool = True) -> Q:
    """The rows whose sums are the period's: the monthly rows of its whole months, and
    the daily rows of its other days and those of the whole months not rolled up yet
    (fresh). `months=False`: the daily rows alone (a series by week)."""
    first, end = _days(f)
    start = first if first.day == 1 else next_month(first)
    stop = end.replace(day=1)
    days = Q(monthly=False, day__gte=first, day__lt=end)
    if not months or start >= stop:
        return days
    return Q(monthly=True, day__gte=start, day__lt=stop) | (
        days & (Q(day__lt=start) | Q(day__gte=stop) | Q(fresh=True))
    )


def facts_in_scope(user: User, f: kpis.Filters, *, months: bool = True) -> QuerySet[DailyFact]:
    """The fact rows of the period (report or resolution day) in the caller's scope."""
    qs = DailyFact.objects.filter(period_q(f, months=months))
    _ok, centres = _centres(user)
    if centres is not None:
        qs = qs.filter(site__service_center_id__in=centres)
    qs = qs.filter(
        scope_q(
            site_path="site",
            organization_path="organization",
            organization=f.organization,
            site=f.site,
            service_center=f.service_center,
        )
    )
    return qs.filter(severity=f.severity) if f.severity else qs


def _total(field: str, fact: str, extra: Q | None = None):
    condition = Q(fact=fact) if extra is None else Q(fact=fact) & extra
    return Coalesce(Sum(field, filter=condition), 0)


def _mean(total_us, count) -> timedelta | None:
    return timedelta(microseconds=int(total_us)) / count if count else None


def ticket_figures(facts: QuerySet[DailyFact]) -> dict:
    """Triage share, remote rate, MTTR and follow-up: one query."""
    row = facts.filter(fact__in=[Fact.REPORTED, Fact.RESOLVED]).aggregate(
        reported=_total("n", Fact.REPORTED),
        triageable=_total("triageable", Fact.REPORTED),
        triaged_fast=_total("triaged_fast", Fact.REPORTED),
        resolved=_total("n", Fact.RESOLVED),
        faults=_total("faults", Fact.RESOLVED),
        remote=_total("remote", Fact.RESOLVED),
        repair_us=_total("repair_us", Fact.RESOLVED),
        followed_up=_total("followed_up", Fact.RESOLVED),
    )
    return {
        "tickets_reported": row["reported"],
        "triaged_within_15_min": {
            "count": row["triaged_fast"],
            "total": row["triageable"],
            "rate": kpis._rate(row["triaged_fast"], row["triageable"]),
        },
        "remote_resolution": {
            "count": row["remote"],
            "total": row["faults"],
            "rate": kpis._rate(row["remote"], row["faults"]),
        },
        "mttr_hours": kpis._hours(_mean(row["repair_us"], row["faults"])),
        "follow_up_within_24h": {
            "count": row["followed_up"],
            "total": row["resolved"],
            "rate": kpis._rate(row["followed_up"], row["resolved"]),
        },
    }


def clock_figures(clocks: QuerySet[DailyFact]) -> dict:
    rows = (
        clocks.values("metric", "severity", "state", "breached")
        .annotate(count=Sum("n"))
        .filter(count__gt=0)
        .order_by()
    )
    return kpis.clock_figures_of(
        (r["metric"], r["severity"], r["state"], r["breached"], r["count"]) for r in rows
    )


def _bucket(day, f: kpis.Filters):
    return day - timedelta(days=day.weekday()) if f.bucket == "week" else day.replace(day=1)


def series(facts: QuerySet[DailyFact], clocks: QuerySet[DailyFact], f: kpis.Filters) -> list:
    """Per week or month: two queries of one row per day, summed into buckets here."""
    tickets: dict = {}
    for row in (
        facts.filter(fact=Fact.REPORTED)
        .values("day")
        .annotate(count=Sum("n"), repaired=Sum("repaired"), repair_us=Sum("repair_us"))
        .order_by()
    ):
        cell = tickets.setdefault(_bucket(row["day"], f), [0, 0, 0])
        cell[0] += row["count"]
        cell[1] += row["repaired"]
        cell[2] += row["repair_us"]
    decided: dict = {}
    for row in (
        clocks.values("day")
        .annotate(
            total=Coalesce(Sum("n", filter=kpis.DECIDED), 0),
            on_time=Coalesce(Sum("n", filter=kpis.ON_TIME), 0),
        )
        .order_by()
    ):
        cell = decided.setdefault(_bucket(row["day"], f), [0, 0])
        cell[0] += row["on_time"]
        cell[1] += row["total"]
    rows = (
        (bucket, n, _mean(repair_us, repaired))
        for bucket, (n, repaired, repair_us) in sorted(tickets.items())
        if n > 0
    )
    return kpis.series_of(rows, {bucket: tuple(v) for bucket, v in decided.items()})


def breaches(misses: QuerySet[DailyFact]) -> dict:
    """Misses by service centre and by engineer, from the MISS rows (no metric, the
    engineer, `state` stopped or empty): two queries."""
    missed = misses.order_by()
    totals = {"count": Sum("n"), "stopped": Coalesce(Sum("n", filter=Q(state=STOPPED)), 0)}
    by_centre = (
        missed.values("site__service_center_id", "site__service_center__name")
        .annotate(**totals)
        .filter(count__gt=0)
        .order_by("-count", "site__service_center__name")
    )
    by_engineer = (
        missed.values(
            "assignee_id", "assignee__username", "assignee__first_name", "assignee__last_name"
        )
        .annotate(**totals)
        .filter(count__gt=0)
        .order_by("-count", "assignee__username")
    )
    return kpis.breaches_of(
        [
            (
                r["site__service_center_id"],
                r["site__service_center__name"],
                r["count"],
                r["stopped"],
            )
            for r in by_centre
        ],
        [
            (
                r["assignee_id"],
                r["assignee__username"],
                r["assignee__first_name"],
                r["assignee__last_name"],
                r["count"],
                r["stopped"],
            )
            for r in by_engineer
        ],
    )


def mtbf(user: User, f: kpis.Filters) -> dict:
    """MTBF per unit and organisation: the units, and their failures from the facts.
    A failure's downtime runs from its report to its resolution, or to the end of the
    period when it was resolved later or not yet: summed exactly in microseconds."""
    end = _days(f)[1]
    units = kpis.mtbf_units(user, f)
    failures = DailyFact.objects.filter(
        period_q(f), fact=Fact.FAILURE, equipment__in=units.values("pk")
    )
    if f.severity:
        failures = failures.filter(severity=f.severity)
    end_us = (f.end - EPOCH) // US
    down = Case(
        When(resolved_day__lt=end, then=F("resolved_us") - F("reported_us")),
        default=F("n") * end_us - F("reported_us"),
    )
    per_unit = {
        r["equipment_id"]: {
            "failures": r["failures"],
            "downtime": timedelta(microseconds=int(r["down_us"])),
        }
        for r in failures.values("equipment_id")
        .annotate(failures=Sum("n"), down_us=Sum(down))
        .filter(failures__gt=0)
        .order_by()
    }
    return kpis.mtbf_of(units, per_unit, f)


def dashboard(user: User, f: kpis.Filters) -> dict:
    """Every KPI of the dashboard from the facts: 11 queries (3 of the other apps)."""
    facts = facts_in_scope(user, f)
    clocks = facts.filter(fact=Fact.CLOCK)
    data = {"period": {"from": f.start, "to": f.end, "bucket": f.bucket}, "goals": kpis.GOALS}
    data.update(ticket_figures(facts))  # 1
    data.update(clock_figures(clocks))  # 1
    if f.bucket == "week":  # weeks cross months: their series reads the days
        days = facts_in_scope(user, f, months=False)
        data["series"] = series(days, days.filter(fact=Fact.CLOCK), f)  # 2
    else:
        data["series"] = series(facts, clocks, f)  # 2
    data.update(breaches(facts.filter(fact=Fact.MISS)))  # 2
    data.update(mtbf(user, f))  # 2
    data.update(kpis.other_apps(f))  # 3
    return data
