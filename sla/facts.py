"""The daily facts behind the SLA dashboard (docs/sla.md, "Daily facts").

A ticket adds to the facts what `contribution(source)` says, where `source` is the few
fields the dashboard reads (ticket and clocks). The facts are kept in the transaction
that changes them: the clock engine refreshes the ticket after every event, the sweep
after its breaches, the ticket services after a change that moves no clock (assign,
escalate, edit). A refresh reads what the ticket added last time (`TicketFacts`, locked),
and appends the difference as `fresh` rows: appending never waits on a row another
transaction holds, so two tickets reported at once never queue on a shared total.
`compact` folds a day's rows into one per key (the sweep task, every minute) and rolls
their months up (`roll_up`: the monthly rows the dashboard reads for a period's whole
months); `rebuild` recomputes everything from the tickets (migration, `rebuild_facts`).
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction

from tickets.models import Ticket

from .models import Clock, DailyFact, TicketFacts

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
TRIAGE_WITHIN_US = 15 * 60 * 1_000_000
FOLLOW_UP_WITHIN_US = 24 * 3600 * 1_000_000
Fact = DailyFact.Fact
KEY = (
    "fact",
    "day",
    "resolved_day",
    "organization_id",
    "site_id",
    "equipment_id",
    "assignee_id",
    "severity",
    "metric",
    "state",
    "breached",
)
MEASURES = (
    "n",
    "triageable",
    "triaged_fast",
    "faults",
    "remote",
    "followed_up",
    "repaired",
    "repair_us",
    "reported_us",
    "resolved_us",
)
# The ticket fields a fact depends on: a service that changes one of them and no clock
# refreshes the ticket's facts itself.
TICKET_FIELDS = frozenset(
    {
        "organization",
        "site",
        "equipment",
        "assignee",
        "severity",
        "kind",
        "status",
        "resolution",
        "reported_at",
        "triaged_at",
        "resolved_at",
        "followed_up_at",
    }
)


def zone() -> ZoneInfo:
    """The zone whose days the facts count (not the request's)."""
    return ZoneInfo(settings.TIME_ZONE)


def to_us(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - EPOCH) // US


def local_day(us: int, tz: ZoneInfo) -> date:
    return (EPOCH + timedelta(microseconds=us)).astimezone(tz).date()


@dataclass(frozen=True)
class Source:
    """The inputs of a ticket's facts; instants in microseconds since the epoch."""

    organization: int
    site: int
    equipment: int | None
    assignee: int | None
    severity: str
    kind: str
    cancelled: bool
    remote: bool
    reported: int
    triaged: int | None
    resolved: int | None
    followed_up: int | None
    clocks: tuple  # sorted (metric, state, breached)

    def as_json(self) -> list:
        return [*(getattr(self, name) for name in FIELDS[:-1]), [list(c) for c in self.clocks]]

    @classmethod
    def from_json(cls, data: list) -> "Source":
        *fields, clocks = data
        return cls(*fields, tuple(sorted(tuple(c) for c in clocks)))


FIELDS = tuple(Source.__dataclass_fields__)


def source_of(ticket: Ticket, clocks) -> Source:
    return source_from_values(
        organization=ticket.organization_id,
        site=ticket.site_id,
        equipment=ticket.equipment_id,
        assignee=ticket.assignee_id,
        severity=ticket.severity,
        kind=ticket.kind,
        status=ticket.status,
        resolution=ticket.resolution,
        reported_at=ticket.reported_at,
        triaged_at=ticket.triaged_at,
        resolved_at=ticket.resolved_at,
        followed_up_at=ticket.followed_up_at,
        clocks=[(c.metric, c.state, c.breached) for c in clocks],
    )


def source_from_values(
    *, status, resolution, reported_at, triaged_at, resolved_at, followed_up_at, **rest
):
    rest["clocks"] = tuple(sorted((m, s, bool(b)) for m, s, b in rest["clocks"]))
    return Source(
        cancelled=status == Ticket.Status.CANCELLED,
        remote=resolution == Ticket.Resolution.REMOTE,
        reported=to_us(reported_at),
        triaged=to_us(triaged_at),
        resolved=to_us(resolved_at),
        followed_up=to_us(followed_up_at),
        **rest,
    )


def contribution(s: Source, tz: ZoneInfo) -> dict[tuple, list[int]]:
    """The fact rows one ticket adds, by key (see KEY) → measures (see MEASURES): the
    definitions of sla/kpis.py, row by row."""
    out: dict[tuple, list[int]] = {}

    def add(key, **measures):
        row = out.setdefault(key, [0] * len(MEASURES))
        for name, value in measures.items():
            row[MEASURES.index(name)] += value

    day = local_day(s.reported, tz)
    fault = s.kind == Ticket.Kind.FAULT
    repair = s.resolved - s.reported if s.resolved is not None else 0
    # Only the misses name the engineer (MISS rows, for the list per engineer): the rows
    # every other figure sums leave the assignee out, so a period has fewer to read.
    dims = (s.organization, s.site, None, None, s.severity)
    triageable = not (s.cancelled and s.triaged is None)
    fast = triageable and s.triaged is not None and s.triaged <= s.reported + TRIAGE_WITHIN_US
    repaired = fault and s.resolved is not None
    add(
        (Fact.REPORTED, day, None, *dims, "", "", False),
        n=1,
        triageable=int(triageable),
        triaged_fast=int(fast),
        repaired=int(repaired),
        repair_us=repair if repaired else 0,
    )
    if s.resolved is not None:
        followed = s.followed_up is not None and s.followed_up <= s.resolved + FOLLOW_UP_WITHIN_US
        add(
            (Fact.RESOLVED, local_day(s.resolved, tz), None, *dims, "", "", False),
            n=1,
            faults=int(fault),
            remote=int(fault and s.remote),
            followed_up=int(followed),
            repair_us=repair if fault else 0,
        )
    for metric, state, breached in s.clocks:
        add((Fact.CLOCK, day, None, *dims, metric, state, breached), n=1)
        if breached:  # the breach lists: per centre (site) and engineer, no metric
            stopped = state if state == Clock.State.STOPPED else ""
            key = (Fact.MISS, day, None, s.organization, s.site, None, s.assignee, s.severity)
            add((*key, "", stopped, True), n=1)
    if fault and not s.cancelled and s.equipment is not None:
        resolved_day = local_day(s.resolved, tz) if s.resolved is not None else None
        add(
            (
                Fact.FAILURE,
                day,
                resolved_day,
                None,
                None,
                s.equipment,
                None,
                s.severity,
                "",
                "",
                False,
            ),
            n=1,
            reported_us=s.reported,
            resolved_us=s.resolved or 0,
        )
    return out


def difference(old: dict, new: dict) -> dict[tuple, list[int]]:
    out = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        before = before or [0] * len(MEASURES)
        after = after or [0] * len(MEASURES)
        out[key] = [a - b for a, b in zip(after, before, strict=True)]
    return out


def _rows(deltas: dict, *, fresh: bool = True) -> list[DailyFact]:
    return [
        DailyFact(
            **dict(zip(KEY, key, strict=True)), **dict(zip(MEASURES, m, strict=True)), fresh=fresh
        )
        for key, m in deltas.items()
    ]


def refresh(ticket: Ticket, clocks, *, new: bool = False) -> None:
    """Bring the facts in line with `ticket` and its (complete, current) `clocks`,
    inside the caller's transaction. `new`: created in this transaction (nothing to
    read). Costs one query when nothing the dashboard reads changed, three otherwise."""
    tz = zone()
    source = source_of(ticket, clocks)
    if new:
        old, stored = None, False
    else:
        row = TicketFacts.objects.select_for_update().filter(ticket_id=ticket.pk).first()
        old, stored = (Source.from_json(row.source), True) if row else (None, False)
    if old == source:
        return
    deltas = difference(contribution(old, tz) if old else {}, contribution(source, tz))
    if new and connection.vendor == "postgresql":
        _insert_new(ticket.pk, source, deltas)
        return
    DailyFact.objects.bulk_create(_rows(deltas))
    if stored:
        TicketFacts.objects.filter(ticket_id=ticket.pk).update(source=source.as_json())
    else:
        TicketFacts.objects.create(ticket_id=ticket.pk, source=source.as_json())


def _insert_new(ticket_id: int, source: Source, deltas: dict) -> None:
    """A new ticket's facts and its source in one statement (one round trip of the
    create request instead of two)."""
    columns = [*KEY, *MEASURES, "fresh"]
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params = [ticket_id, json.dumps(source.as_json())]
    for key, measures in deltas.items():
        params += [*key, *measures, True]
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f'WITH source AS (INSERT INTO "{TicketFacts._meta.db_table}" (ticket_id, source) '
            f"VALUES (%s, %s::jsonb)) "
            f'INSERT INTO "{DailyFact._meta.db_table}" ({names}) VALUES '
            + ", ".join([one] * len(deltas)),
            params,
        )


def refresh_ticket(*, ticket: Ticket) -> None:
    """`refresh` for a (locked) ticket whose clocks this transaction did not load."""
    refresh(ticket, list(Clock.objects.filter(ticket_id=ticket.pk)))


def refresh_tickets(ids) -> None:
    """Refresh the facts of these tickets from the database (rows locked by the caller
    or changed in this transaction): three queries for any number of tickets, plus the
    writes."""
    ids = sorted(set(ids))
    if not ids:
        return
    tz = zone()
    stored = {
        row.ticket_id: Source.from_json(row.source)
        for row in TicketFacts.objects.select_for_update().filter(ticket_id__in=ids)
    }
    sources = _sources(Ticket.objects.filter(pk__in=ids), Clock.objects.filter(ticket_id__in=ids))
    deltas: dict[tuple, list[int]] = {}
    for pk, source in sources.items():
        old = stored.get(pk)
        if old == source:
            continue
        add_to(deltas, difference(contribution(old, tz) if old else {}, contribution(source, tz)))
        if old is None:
            TicketFacts.objects.create(ticket_id=pk, source=source.as_json())
        else:
            TicketFacts.objects.filter(ticket_id=pk).update(source=source.as_json())
    DailyFact.objects.bulk_create(_rows({k: v for k, v in deltas.items() if any(v)}))


def add_to(into: dict, more: dict) -> None:
    for key, measures in more.items():
        row = into.setdefault(key, [0] * len(MEASURES))
        for i, value in enumerate(measures):
            row[i] += value


TICKET_VALUES = (
    "pk",
    "organization_id",
    "site_id",
    "equipment_id",
    "assignee_id",
    "severity",
    "kind",
    "status",
    "resolution",
    "reported_at",
    "triaged_at",
    "resolved_at",
    "followed_up_at",
)


def _sources(tickets, clocks) -> dict[int, Source]:
    """Sources of the tickets in `tickets` (values) and their `clocks`: two queries."""
    by_ticket = defaultdict(list)
    for ticket_id, metric, state, breached in clocks.values_list(
        "ticket_id", "metric", "state", "breached"
    ).order_by():
        by_ticket[ticket_id].append((metric, state, breached))
    out = {}
    for row in tickets.values(*TICKET_VALUES).order_by():
        pk = row.pop("pk")
        out[pk] = source_from_values(
            organization=row.pop("organization_id"),
            site=row.pop("site_id"),
            equipment=row.pop("equipment_id"),
            assignee=row.pop("assignee_id"),
            clocks=by_ticket.get(pk, ()),
            **row,
        )
    return out


def compact(*, days: int = 400) -> int:
    """Fold the rows of up to `days` days that have fresh rows into one row per key
    (rows that sum to nothing disappear), and roll their months up again
    (`roll_up`). Rows appended meanwhile by other transactions are not seen, so they
    stay fresh for the next run. Runs one at a time (a transaction-level advisory lock
    on PostgreSQL; SQLite writes one at a time anyway). Returns the days folded."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [COMPACT_LOCK])
        dirty = list(
            DailyFact.objects.filter(fresh=True)
            .values_list("day", flat=True)
            .distinct()
            .order_by("day")[:days]
        )
        if not dirty:
            return 0
        rows = list(
            DailyFact.objects.select_for_update().filter(
                fact__in=Fact.values, monthly=False, day__in=dirty
            )
        )
        totals: dict[tuple, list[int]] = {}
        for row in rows:
            add_to(
                totals,
                {tuple(getattr(row, k) for k in KEY): [getattr(row, m) for m in MEASURES]},
            )
        DailyFact.objects.filter(pk__in=[row.pk for row in rows]).delete()
        DailyFact.objects.bulk_create(
            _rows({k: v for k, v in totals.items() if any(v)}, fresh=False), batch_size=2000
        )
        roll_up({day.replace(day=1) for day in dirty})
    return len(dirty)


# Any constant of this app's own: compactions take it for their transaction.
COMPACT_LOCK = 0x5D1A_FAC7


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def roll_up(months) -> None:
    """Recompute the monthly rows of `months` (first days) from their folded daily rows:
    one DELETE and one INSERT … SELECT per month, in the caller's transaction. A failure
    resolved within its month keeps the month's first day as its resolution day (any day
    before a period's end that contains the whole month does: the dashboard only asks
    whether it is before the end); one resolved later keeps its day."""
    table = connection.ops.quote_name(DailyFact._meta.db_table)
    day_sql = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    resolved = "CASE WHEN resolved_day < %s THEN " + day_sql + " ELSE resolved_day END"
    dims = KEY[3:]
    names = ", ".join(KEY + MEASURES + ("fresh", "monthly"))
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    nonzero = " OR ".join(f"SUM({m}) <> 0" for m in MEASURES)
    insert = (
        f"INSERT INTO {table} ({names}) "
        f"SELECT fact, {day_sql}, {resolved}, {', '.join(dims)}, {sums}, %s, %s "
        f"FROM {table} WHERE fact IN ({', '.join(['%s'] * len(Fact.values))}) "
        "AND monthly = %s AND fresh = %s AND day >= %s AND day < %s "
        f"GROUP BY {', '.join(str(i) for i in [1, *range(3, len(KEY) + 1)])} HAVING {nonzero}"
    )
    with connection.cursor() as cursor:
        for first in sorted(months):
            end = next_month(first)
            cursor.execute(
                f"DELETE FROM {table} WHERE fact IN ({', '.join(['%s'] * len(Fact.values))}) "
                "AND monthly = %s AND day >= %s AND day < %s",
                [*Fact.values, True, first, end],
            )
            cursor.execute(
                insert, [first, end, first, False, True, *Fact.values, False, False, first, end]
            )


def roll_up_all() -> None:
    """The monthly rows of every month that has daily rows (rebuild, load_volume)."""
    # (All rows: a month's row is dated within its days. No column of this table is
    # named, so migration 0009's rebuild of an empty table still runs.)
    bounds = DailyFact.objects.aggregate(first=models.Min("day"), last=models.Max("day"))
    if bounds["first"] is None:
        return
    months, month = [], bounds["first"].replace(day=1)
    while month <= bounds["last"]:
        months.append(month)
        month = next_month(month)
    roll_up(months)


def rebuild(*, chunk: int = 20_000, log=None) -> int:
    """Recompute every fact from the tickets and their clocks (a backfill, or a repair
    after a change of TIME_ZONE). Locks the fact tables for its transaction. Returns the
    tickets counted."""
    tz = zone()
    totals: dict[tuple, list[int]] = {}
    done = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                tables = f'"{DailyFact._meta.db_table}", "{TicketFacts._meta.db_table}"'
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
                cursor.execute(f"TRUNCATE {tables}")
        else:
            DailyFact.objects.all().delete()
            TicketFacts.objects.all().delete()
        last = 0
        while True:
            ids = list(
                Ticket.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk]
            )
            if not ids:
                break
            last = ids[-1]
            span = {"pk__gte": ids[0], "pk__lte": last}
            clocks = Clock.objects.filter(ticket_id__gte=ids[0], ticket_id__lte=last)
            sources = _sources(Ticket.objects.filter(**span), clocks)
            TicketFacts.objects.bulk_create(
                [TicketFacts(ticket_id=pk, source=s.as_json()) for pk, s in sources.items()],
                batch_size=5000,
            )
            for source in sources.values():
                add_to(totals, contribution(source, tz))
            done += len(sources)
            if log:
                log(f"{done} tickets counted")
        DailyFact.objects.bulk_create(
            _rows({k: v for k, v in totals.items() if any(v)}, fresh=False), batch_size=5000
        )
        roll_up_all()
    return done
