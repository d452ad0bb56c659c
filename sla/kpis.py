"""The KPIs of the SLA dashboard, from SQL aggregates only: a fixed number of queries
whatever the number of tickets (Python only formats the aggregated rows).

Definitions (see docs/sla.md):
- The period is [start, end). Ticket-based figures take the tickets *reported* in
  the period (compliance, triage share, the trends); resolution figures take the
  tickets *resolved* in it (MTTR, remote rate, follow-up).
- One definition of a miss (docs/sla.md, "What counts as a miss"): a clock is a
  miss when `breached` is set, whatever its state now. The services set it as soon
  as the due time passes unmet: the sweep (within a minute of the due time), a late
  meet, and a stop (resolution without the visit, cancel, close without the call)
  after the due time. So a clock breached and later stopped stays a miss.
- Compliance of a metric: clocks met on time / clocks decided, where
  decided = met (on time or late) OR breached (any state: still open, met late,
  stopped). On time = met and not breached. Left out: running or paused clocks not
  yet due, and clocks stopped before their due time (no visit needed, cancelled).
- Breaches by centre and by engineer count exactly the misses (breached = True), so
  their sums equal decided - met on time. "Breached, later stopped" (breached and
  state = stopped) is a part of those misses, shown separately, never in addition.
- Triaged within 15 min: triaged no later than 15 minutes after the report, over the
  tickets reported (those cancelled before triage left out).
- Remote-resolution rate: faults resolved remotely / faults resolved (goal > 80 %).
- MTTR: mean report → resolution time of the faults resolved in the period.
- Follow-up within 24 h: tickets resolved in the period and followed up no later
  than 24 h after their resolution / tickets resolved in the period.
- MTBF of a unit: its operating time in the period / its failures (faults reported
  on it in the period, cancelled ones left out). Operating time = the part of the
  period since the unit went into service (installed, else delivered, else the whole
  period) minus its downtime (report → resolution, clipped to the period). Per
  organisation: the operating time of all its units / all their failures. No failure
  means no MTBF (shown as —).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Least, TruncMonth, TruncWeek
from django.utils import timezone

from accounts.models import User
from servicedesk.kpis import pk_of, scope_q
from tickets.models import Ticket

from .models import Clock, Metric
from .ports import OTHER_KPIS

TRIAGE_WITHIN = timedelta(minutes=15)
FOLLOW_UP_WITHIN = timedelta(hours=24)
REMOTE_GOAL = 0.8
COMPLIANCE_GOAL = 0.95
GOALS = {
    "compliance": COMPLIANCE_GOAL,
    "triaged_within_15_min": 1.0,
    "remote_resolution": REMOTE_GOAL,
    "follow_up_within_24h": 1.0,
    "inspections_on_schedule": 1.0,
    "training_within_month": 1.0,
    "parts_fill_rate": 0.9,
}
FAULT = Ticket.Kind.FAULT
State = Clock.State
# The rule of a miss, in one place (see the module docstring).
MISS = Q(breached=True)
DECIDED = Q(state=State.MET) | MISS
ON_TIME = Q(state=State.MET, breached=False)
LATER_STOPPED = MISS & Q(state=State.STOPPED)


def is_decided(state: str, breached: bool) -> bool:
    return state == State.MET or breached


def is_on_time(state: str, breached: bool) -> bool:
    return state == State.MET and not breached


@dataclass(frozen=True)
class Filters:
    start: datetime
    end: datetime
    organization: int | None = None
    site: int | None = None
    service_center: int | None = None
    severity: str = ""
    bucket: str = "month"


def _scope_filters(f: Filters) -> dict:
    return {"organization": f.organization, "site": f.site, "service_center": f.service_center}


def _rate(part, total):
    return round(part / total, 4) if total else None


def _hours(duration: timedelta | None):
    return round(duration.total_seconds() / 3600, 2) if duration is not None else None


def scoped_tickets(user: User, f: Filters) -> QuerySet[Ticket]:
    from tickets.selectors import tickets_visible_to

    qs = tickets_visible_to(user).filter(
        scope_q(site_path="site", organization_path="organization", **_scope_filters(f))
    )
    if f.severity:
        qs = qs.filter(severity=f.severity)
    return qs


def _reported(f: Filters, prefix: str = "") -> Q:
    return Q(**{f"{prefix}reported_at__gte": f.start, f"{prefix}reported_at__lt": f.end})


def _resolved(f: Filters) -> Q:
    return Q(resolved_at__gte=f.start, resolved_at__lt=f.end)


def _repair_time():
    return ExpressionWrapper(F("resolved_at") - F("reported_at"), output_field=DurationField())


def ticket_figures(tickets: QuerySet[Ticket], f: Filters) -> dict:
    """Triage share, remote rate, MTTR and follow-up: one aggregate query."""
    reported, resolved = _reported(f), _resolved(f)
    triageable = reported & ~Q(status=Ticket.Status.CANCELLED, triaged_at__isnull=True)
    faults = resolved & Q(kind=FAULT)
    row = tickets.filter(reported | resolved).aggregate(
        reported=Count("pk", filter=reported),
        triageable=Count("pk", filter=triageable),
        triaged_fast=Count(
            "pk", filter=triageable & Q(triaged_at__lte=F("reported_at") + TRIAGE_WITHIN)
        ),
        resolved=Count("pk", filter=resolved),
        resolved_faults=Count("pk", filter=faults),
        remote=Count("pk", filter=faults & Q(resolution=Ticket.Resolution.REMOTE)),
        mttr=Avg(_repair_time(), filter=faults),
        followed_up=Count(
            "pk", filter=resolved & Q(followed_up_at__lte=F("resolved_at") + FOLLOW_UP_WITHIN)
        ),
    )
    return {
        "tickets_reported": row["reported"],
        "triaged_within_15_min": {
            "count": row["triaged_fast"],
            "total": row["triageable"],
            "rate": _rate(row["triaged_fast"], row["triageable"]),
        },
        "remote_resolution": {
            "count": row["remote"],
            "total": row["resolved_faults"],
            "rate": _rate(row["remote"], row["resolved_faults"]),
        },
        "mttr_hours": _hours(row["mttr"]),
        "follow_up_within_24h": {
            "count": row["followed_up"],
            "total": row["resolved"],
            "rate": _rate(row["followed_up"], row["resolved"]),
        },
    }


def period_clocks(tickets: QuerySet[Ticket], f: Filters) -> QuerySet[Clock]:
    return Clock.objects.filter(ticket__in=tickets.filter(_reported(f)).values("pk"))


def clock_figures(clocks: QuerySet[Clock]) -> dict:
    """Compliance per metric and severity, and clocks by state: one grouped query."""
    rows = (
        clocks.values("metric", "ticket__severity", "state", "breached")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return clock_figures_of(
        (r["metric"], r["ticket__severity"], r["state"], r["breached"], r["n"]) for r in rows
    )


def clock_figures_of(rows) -> dict:
    """The clock figures from (metric, severity, state, breached, count) groups."""
    cells: dict[tuple[str, str], list[int]] = {}
    by_state = dict.fromkeys(State.values, 0)
    later_stopped = 0
    for metric, severity, state, breached, n in rows:
        by_state[state] += n
        cell = cells.setdefault((metric, severity), [0, 0])
        later_stopped += n if breached and state == State.STOPPED else 0
        if is_decided(state, breached):
            cell[1] += n
            cell[0] += n if is_on_time(state, breached) else 0
    per_metric = []
    for metric in Metric.values:
        on_time = sum(v[0] for (m, _s), v in cells.items() if m == metric)
        total = sum(v[1] for (m, _s), v in cells.items() if m == metric)
        per_severity = [
            {
                "severity": sev,
                "met_on_time": cells[(metric, sev)][0],
                "total": cells[(metric, sev)][1],
                "rate": _rate(*cells[(metric, sev)]),
            }
            for sev in Ticket.Severity.values
            if (metric, sev) in cells
        ]
        per_metric.append(
            {
                "metric": metric,
                "met_on_time": on_time,
                "total": total,
                "rate": _rate(on_time, total),
                "by_severity": per_severity,
            }
        )
    on_time = sum(v[0] for v in cells.values())
    total = sum(v[1] for v in cells.values())
    return {
        "compliance": {"met_on_time": on_time, "total": total, "rate": _rate(on_time, total)},
        "compliance_by_metric": per_metric,
        "clocks_by_state": by_state,
        "breached_later_stopped": later_stopped,
    }


def _trunc(f: Filters, field: str):
    return (TruncWeek if f.bucket == "week" else TruncMonth)(field)


def series(tickets: QuerySet[Ticket], clocks: QuerySet[Clock], f: Filters) -> list[dict]:
    """Per week or month of report: tickets, MTTR and compliance. Two grouped queries."""
    rows, by_bucket = _series_rows(tickets, clocks, f)
    return series_of(rows, by_bucket)


def _series_rows(tickets, clocks, f: Filters):
    ticket_rows = (
        tickets.filter(_reported(f))
        .annotate(bucket=_trunc(f, "reported_at"))
        .values("bucket")
        .annotate(
            n=Count("pk"), mttr=Avg(_repair_time(), filter=Q(kind=FAULT, resolved_at__isnull=False))
        )
        .order_by("bucket")
    )
    clock_rows = (
        clocks.annotate(bucket=_trunc(f, "ticket__reported_at"))
        .values("bucket")
        .annotate(total=Count("pk", filter=DECIDED), on_time=Count("pk", filter=ON_TIME))
        .order_by()
    )
    by_bucket = {_bucket_date(row["bucket"]): (row["on_time"], row["total"]) for row in clock_rows}
    return [(_bucket_date(row["bucket"]), row["n"], row["mttr"]) for row in ticket_rows], by_bucket


def _bucket_date(bucket):
    return timezone.localtime(bucket).date() if isinstance(bucket, datetime) else bucket


def series_of(ticket_rows, by_bucket: dict) -> list[dict]:
    """The series from (bucket, tickets, MTTR) rows in bucket order and the clocks'
    (on time, decided) per bucket."""
    out = []
    for bucket, n, mttr in ticket_rows:
        on_time, total = by_bucket.get(bucket, (0, 0))
        out.append(
            {
                "bucket": bucket,
                "tickets": n,
                "mttr_hours": _hours(mttr),
                "met_on_time": on_time,
                "decided": total,
                "compliance": _rate(on_time, total),
            }
        )
    return out


def breaches(clocks: QuerySet[Clock]) -> dict:
    """Misses by service centre and by engineer (the ticket's assignee): two queries.
    Every miss counts (the same rule as compliance); `later_stopped` is the part of
    them whose clock was stopped afterwards."""
    breached = clocks.filter(MISS).order_by()
    stopped = Count("pk", filter=Q(state=State.STOPPED))
    by_centre = (
        breached.values("ticket__site__service_center_id", "ticket__site__service_center__name")
        .annotate(n=Count("pk"), stopped=stopped)
        .order_by("-n", "ticket__site__service_center__name")
    )
    by_engineer = (
        breached.values(
            "ticket__assignee_id",
            "ticket__assignee__username",
            "ticket__assignee__first_name",
            "ticket__assignee__last_name",
        )
        .annotate(n=Count("pk"), stopped=stopped)
        .order_by("-n", "ticket__assignee__username")
    )
    return breaches_of(
        [
            (
                r["ticket__site__service_center_id"],
                r["ticket__site__service_center__name"],
                r["n"],
                r["stopped"],
            )
            for r in by_centre
        ],
        [
            (
                r["ticket__assignee_id"],
                r["ticket__assignee__username"],
                r["ticket__assignee__first_name"],
                r["ticket__assignee__last_name"],
                r["n"],
                r["stopped"],
            )
            for r in by_engineer
        ],
    )


def breaches_of(by_centre, by_engineer) -> dict:
    """The breach lists from (centre, name, misses, stopped) and (engineer, username,
    first name, last name, misses, stopped) rows, in their order."""
    return {
        "breaches_by_centre": [
            {"service_center": pk, "name": name, "breaches": n, "later_stopped": stopped}
            for pk, name, n, stopped in by_centre
        ],
        "breaches_by_engineer": [
            {
                "engineer": pk,
                "name": f"{first} {last}".strip() or username or "",
                "breaches": n,
                "later_stopped": stopped,
            }
            for pk, username, first, last, n, stopped in by_engineer
        ],
    }


def _in_service_since(row, f: Filters) -> datetime:
    day = row["installed_on"] or row["delivered_on"]
    if day is None:
        return f.start
    return max(f.start, datetime.combine(day, time(0), tzinfo=timezone.get_current_timezone()))


def mtbf(user: User, f: Filters, *, top: int = 20) -> dict:
    """MTBF per unit and per organisation: the units in scope, and their failures in the
    period grouped per unit (two queries)."""
    units = mtbf_units(user, f)
    # The failures come from the tickets reported in the period (the reported_at index
    # drives the query), grouped per unit; the units themselves are a small table.
    failures = Ticket.objects.filter(
        _reported(f), kind=FAULT, equipment__in=units.values("pk")
    ).exclude(status=Ticket.Status.CANCELLED)
    if f.severity:
        failures = failures.filter(severity=f.severity)
    end = Value(f.end)
    down = ExpressionWrapper(
        Least(Coalesce(F("resolved_at"), end), end) - F("reported_at"), output_field=DurationField()
    )
    per_unit = {
        r["equipment_id"]: r
        for r in failures.values("equipment_id")
        .annotate(failures=Count("pk"), downtime=Sum(down))
        .order_by()
    }
    return mtbf_of(units, per_unit, f, top=top)


def mtbf_units(user: User, f: Filters):
    from assets.selectors import equipment_visible_to

    return equipment_visible_to(user).filter(scope_q(site_path="site", **_scope_filters(f)))


def mtbf_of(units, per_unit: dict, f: Filters, *, top: int = 20) -> dict:
    """MTBF from the units in scope and {unit: {"failures", "downtime"}} (one query)."""
    rows = list(
        units.values(
            "pk",
            "name",
            "serial_number",
            "installed_on",
            "delivered_on",
            "site__organization_id",
            "site__organization__name",
        ).order_by()
    )
    for row in rows:
        found = per_unit.get(row["pk"], {})
        row["failures"], row["downtime"] = found.get("failures", 0), found.get("downtime")
    equipment, organisations = [], {}
    for row in rows:
        since = _in_service_since(row, f)
        if since >= f.end:
            continue
        operating = max(f.end - since - (row["downtime"] or timedelta()), timedelta())
        org = organisations.setdefault(
            row["site__organization_id"],
            {
                "organization": row["site__organization_id"],
                "name": row["site__organization__name"],
                "units": 0,
                "failures": 0,
                "operating": timedelta(),
            },
        )
        org["units"] += 1
        org["failures"] += row["failures"]
        org["operating"] += operating
        if row["failures"]:
            equipment.append(
                {
                    "equipment": row["pk"],
                    "name": row["name"],
                    "serial_number": row["serial_number"],
                    "organization": row["site__organization__name"],
                    "failures": row["failures"],
                    "operating_hours": _hours(operating),
                    "mtbf_hours": _hours(operating / row["failures"]),
                }
            )
    equipment.sort(key=lambda e: (e["mtbf_hours"], e["name"]))
    per_org = [
        {
            "organization": o["organization"],
            "name": o["name"],
            "units": o["units"],
            "failures": o["failures"],
            "operating_hours": _hours(o["operating"]),
            "mtbf_hours": _hours(o["operating"] / o["failures"]) if o["failures"] else None,
        }
        for o in sorted(organisations.values(), key=lambda o: o["name"])
    ]
    return {"mtbf_equipment": equipment[:top], "mtbf_organizations": per_org}


def other_apps(f: Filters) -> dict:
    """Inspections on schedule, training within a month, parts fill rate: one query
    each, from the apps that own them (sla.ports)."""
    out = {}
    for key, port in OTHER_KPIS.items():
        done, total = port(
            f.start,
            f.end,
            organization=f.organization,
            site=f.site,
            service_center=f.service_center,
        )
        out[key] = {"count": done, "total": total, "rate": _rate(done, total)}
    return out


def dashboard(user: User, f: Filters) -> dict:
    """Every KPI of the dashboard for `user`'s scope: from the daily facts when the
    caller's scope and days are theirs (sla.dashboard_facts), else from the rows."""
    from . import dashboard_facts

    if dashboard_facts.applies(user, f):
        return dashboard_facts.dashboard(user, f)
    return dashboard_from_rows(user, f)


def dashboard_from_rows(user: User, f: Filters) -> dict:
    """Every KPI of the dashboard for `user`'s scope, from the tickets and clocks of the
    period: 11 queries, whose cost follows the tickets of the period."""
    tickets = scoped_tickets(user, f)
    clocks = period_clocks(tickets, f)
    data = {"period": {"from": f.start, "to": f.end, "bucket": f.bucket}, "goals": GOALS}
    data.update(ticket_figures(tickets, f))  # 1
    data.update(clock_figures(clocks))  # 1
    data["series"] = series(tickets, clocks, f)  # 2
    data.update(breaches(clocks))  # 2
    data.update(mtbf(user, f))  # 2
    data.update(other_apps(f))  # 3
    return data


def filters_for(
    *,
    start=None,
    end=None,
    organization=None,
    site=None,
    service_center=None,
    severity="",
    bucket="month",
) -> Filters:
    """Filters from the dashboard's query: `start`/`end` are dates (end included) in
    the server's zone; the current month by default."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    start = start or today.replace(day=1)
    if end is None:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Filters(
        start=datetime.combine(start, time(0), tzinfo=zone),
        end=datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone),
        organization=pk_of(organization),
        site=pk_of(site),
        service_center=pk_of(service_center),
        severity=severity or "",
        bucket=bucket if bucket in ("week", "month") else "month",
    )
