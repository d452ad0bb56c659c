"""A realistic volume of tickets for benchmarks: `manage.py load_volume --tickets N`.

Rows are generated in Python from a seeded random stream and written in bulk: `COPY`
on PostgreSQL, multi-row `INSERT` (executemany) elsewhere. Nothing goes through the
services (no history, no notifications): the point is volume, fast. Proportions follow
the issue's measurement: two years of reports ending now, about 6 % still open (the
last weeks), every kind, channel, severity and status; per ticket 2-6 SLA clocks, two
timeline events, half a comment; a visit for the faults repaired on site.

Business-hours clocks are given calendar-time deadlines here (a benchmark needs their
number and spread, not their exact working-hour arithmetic)."""

import io
import json
import queue
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from assets.models import Equipment, Site
from tickets import search
from tickets.models import Comment, NumberSequence, Ticket, TicketEvent, Visit
from tickets.services.numbers import last_handed_out

from . import facts
from .models import Clock, DailyFact, Policy, Target, TicketFacts

DAY = 86400
SPAN_DAYS = 730
OPEN_DAYS = 44  # reports younger than this are still open: ~6 % of two years
CHUNK = 20_000
BIG = 50_000  # from this many tickets on, indexes are dropped during the load and rebuilt

EN_WORDS = [
    "display",
    "pump",
    "sensor",
    "printer",
    "scanner",
    "controller",
    "valve",
    "motor",
    "battery",
    "network",
    "firmware",
    "compressor",
    "cooling",
    "power supply",
    "touchscreen",
    "calibration",
]
EN_SYMPTOMS = [
    "does not start",
    "shows error",
    "overheats",
    "makes noise",
    "loses connection",
    "leaks",
    "restarts at random",
    "reads wrong values",
    "alarm keeps sounding",
    "is very slow",
]
ZH_WORDS = [
    "显示屏",
    "水泵",
    "传感器",
    "打印机",
    "扫描仪",
    "控制器",
    "阀门",
    "电机",
    "电池",
    "网络",
    "固件",
    "压缩机",
    "冷却系统",
    "电源",
    "触摸屏",
    "校准",
]
ZH_SYMPTOMS = [
    "无法启动",
    "报错",
    "过热",
    "异响",
    "断线",
    "漏水",
    "随机重启",
    "读数异常",
    "报警不停",
    "运行缓慢",
]
COMMENTS = [
    "Customer confirmed the symptom.",
    "Remote session planned for tomorrow.",
    "客户已确认故障现象。",
    "已安排工程师上门。",
    "Spare part ordered.",
    "备件已发货。",
]


@dataclass
class Plan:
    """What the generator draws from: the demo's sites, units, staff and targets."""

    sites: list = field(default_factory=list)  # (site_id, organization_id)
    units: dict = field(default_factory=dict)  # site_id -> [equipment_id]
    engineers: list = field(default_factory=list)
    dispatchers: list = field(default_factory=list)
    targets: dict = field(default_factory=dict)  # (metric, severity) -> (seconds, kind, ratio)
    policy: int | None = None
    calendar: int | None = None


def plan() -> Plan:
    p = Plan()
    p.sites = list(Site.objects.order_by("pk").values_list("pk", "organization_id"))
    for pk, site_id in Equipment.objects.order_by("pk").values_list("pk", "site_id"):
        p.units.setdefault(site_id, []).append(pk)
    p.engineers = list(
        User.objects.filter(role__in=User.FIELD_ROLES).order_by("pk").values_list("pk", flat=True)
    )
    p.dispatchers = list(
        User.objects.filter(role=User.Role.DISPATCHER).order_by("pk").values_list("pk", flat=True)
    )
    policy = Policy.objects.order_by("pk").first()
    if policy is not None:
        p.policy, p.calendar = policy.pk, policy.calendar_id
        for t in Target.objects.filter(policy=policy):
            p.targets[(t.metric, t.severity)] = (
                int(t.duration.total_seconds()),
                t.clock,
                str(t.warning_ratio),
            )
    for metric, hours in (
        ("triage", 0.25),
        ("response", 1),
        ("departure", 2),
        ("arrival", 4),
        ("restore", 24),
        ("follow_up", 24),
    ):
        for severity in [*Ticket.Severity.values, ""]:
            p.targets.setdefault((metric, severity), (int(hours * 3600), "24x7", "0.80"))
    if not p.sites or not p.engineers:
        raise ValueError("load_volume needs the demo's sites and engineers: run seed_demo first.")
    return p


# --- writing ---------------------------------------------------------------------
_DATES: dict[int, str] = {}


def _pg_time(v) -> str:
    """Epoch seconds as a PostgreSQL timestamptz literal (whole seconds; cheaper than
    datetime.isoformat, which dominated the generator's time)."""
    if v is None:
        return r"\N"
    whole = int(v)
    day, sec = divmod(whole, DAY)
    date = _DATES.get(day)
    if date is None:
        date = _DATES[day] = datetime.fromtimestamp(day * DAY, UTC).date().isoformat()
    return f"{date} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}+00"


def _pg_plain(v) -> str:
    if v is None:
        return r"\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    return str(v)


def _pg_seconds(v) -> str:
    return f"{v} seconds"


class Copier:
    """COPY on a thread of its own, so PostgreSQL stores one chunk while Python makes
    the next (psycopg2 releases the GIL while the server works)."""

    def __init__(self):
        self.queue: queue.Queue = queue.Queue(maxsize=3)
        self.raw = connection.connection
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while (item := self.queue.get()) is not None:
            sql, buffer = item
            if self.error is None:
                try:
                    with self.raw.cursor() as cursor:
                        cursor.copy_expert(sql, buffer, size=1 << 20)
                except Exception as error:  # noqa: BLE001 - handed back to the loading thread
                    self.error = error

    def put(self, sql, buffer):
        if self.error is not None:
            raise self.error
        self.queue.put((sql, buffer))

    def close(self):
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany elsewhere. Values are
    Python ints, strings, bools, None and epoch seconds (floats) for timestamps."""

    def __init__(
        self, model, columns: list[str], *, times=(), durations=(), copier: Copier | None = None
    ):
        self.table = model._meta.db_table
        self.columns = columns
        self.times = {columns.index(c) for c in times}
        self.durations = {columns.index(c) for c in durations}
        self.formats = [
            _pg_time if i in self.times else _pg_seconds if i in self.durations else _pg_plain
            for i in range(len(columns))
        ]
        self.rows: list[tuple] = []
        self.count = 0
        self.copier = copier

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def _lite_value(self, i, v):
        if v is None:
            return None
        if i in self.times:
            # Whole seconds, as on PostgreSQL (the daily facts count the same instants).
            return datetime.fromtimestamp(int(v), UTC).replace(tzinfo=None).isoformat(sep=" ")
        if i in self.durations:
            return int(v) * 1_000_000
        return v

    def flush(self) -> None:
        if not self.rows:
            return
        cols = ", ".join(f'"{c}"' for c in self.columns)
        if self.copier is not None:
            formats = self.formats
            lines = [
                "\t".join([f(v) for f, v in zip(formats, row, strict=True)]) for row in self.rows
            ]
            buffer = io.StringIO("\n".join(lines) + "\n")
            self.copier.put(f'COPY "{self.table}" ({cols}) FROM STDIN', buffer)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})',
                    [tuple(self._lite_value(i, v) for i, v in enumerate(r)) for r in self.rows],
                )
        self.count += len(self.rows)
        self.rows = []


TICKET_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "number",
    "kind",
    "channel",
    "title",
    "description",
    "impact",
    "urgency",
    "contact_name",
    "contact_phone",
    "contact_email",
    "severity",
    "status",
    "tier",
    "vendor_name",
    "vendor_case",
    "vendor_contact",
    "resolution",
    "cause",
    "solution",
    "prevention",
    "satisfaction",
    "cancel_reason",
    "reported_at",
    "triaged_at",
    "responded_at",
    "resolved_at",
    "accepted_at",
    "followed_up_at",
    "closed_at",
    "assignee_id",
    "equipment_id",
    "organization_id",
    "reporter_id",
    "site_id",
    "cancelled_at",
    "escalated_at",
    "nearest_due_at",
    "search_document",
    "search_vector",
]
TICKET_TIMES = [
    "created_at",
    "updated_at",
    "reported_at",
    "triaged_at",
    "responded_at",
    "resolved_at",
    "accepted_at",
    "followed_up_at",
    "closed_at",
    "cancelled_at",
    "escalated_at",
    "nearest_due_at",
]
CLOCK_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "metric",
    "severity",
    "duration",
    "clock_kind",
    "warning_ratio",
    "started_at",
    "due_at",
    "warn_at",
    "met_at",
    "paused_at",
    "paused_total",
    "pauses",
    "state",
    "breached",
    "warned_at",
    "breached_at",
    "calendar_id",
    "ticket_id",
    "visit_id",
    "policy_id",
    "round",
    "beyond_coverage",
]
CLOCK_TIMES = [
    "created_at",
    "updated_at",
    "started_at",
    "due_at",
    "warn_at",
    "met_at",
    "paused_at",
    "warned_at",
    "breached_at",
]
EVENT_COLUMNS = [
    "id",
    "kind",
    "from_status",
    "to_status",
    "note",
    "data",
    "internal",
    "created_at",
    "actor_id",
    "ticket_id",
]
COMMENT_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "body",
    "internal",
    "via_email",
    "author_id",
    "ticket_id",
]
VISIT_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "number",
    "status",
    "scheduled_for",
    "dispatched_at",
    "departed_at",
    "arrived_at",
    "completed_at",
    "work_summary",
    "signer_name",
    "signature",
    "signed_at",
    "engineer_id",
    "ticket_id",
    "cancel_reason",
    "cancelled_at",
]
VISIT_TIMES = [
    "created_at",
    "updated_at",
    "scheduled_for",
    "dispatched_at",
    "departed_at",
    "arrived_at",
    "completed_at",
    "signed_at",
    "cancelled_at",
]

OPEN = ["new", "triaged", "in_progress", "waiting_customer", "onsite"]
KINDS = (["fault"] * 70) + (["consultation"] * 15) + (["upgrade"] * 5) + (["request"] * 10)
SEVERITIES = ["major"] * 10 + ["urgent"] * 30 + ["general"] * 60
CHANNELS = ["portal", "phone", "email", "api"]


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


@dataclass
class Result:
    tickets: int = 0
    clocks: int = 0
    events: int = 0
    comments: int = 0
    visits: int = 0


def load(n: int, *, seed: int = 1, now: datetime | None = None, log=None) -> Result:
    """Insert `n` tickets with their children; returns the row counts."""
    began = time.monotonic()
    p = plan()
    rnd = random.Random(seed)
    end = (now or timezone.now()).timestamp()
    start = end - SPAN_DAYS * DAY
    reported = sorted(rnd.uniform(start, end) for _ in range(n))
    w_t = Writer(Ticket, TICKET_COLUMNS, times=TICKET_TIMES)
    w_c = Writer(Clock, CLOCK_COLUMNS, times=CLOCK_TIMES, durations=["duration", "paused_total"])
    w_e = Writer(TicketEvent, EVENT_COLUMNS, times=["created_at"])
    w_m = Writer(Comment, COMMENT_COLUMNS, times=["created_at", "updated_at"])
    w_v = Writer(Visit, VISIT_COLUMNS, times=VISIT_TIMES)
    w_s = Writer(TicketFacts, ["ticket_id", "source"])
    fact_totals: dict[tuple, list[int]] = {}
    fact_zone = facts.zone()
    states: list[tuple] = []
    ids = {m: _next_id(m) for m in (Ticket, Clock, TicketEvent, Comment, Visit)}
    postgres = connection.vendor == "postgresql"
    zone = timezone.get_current_timezone()
    years = {datetime.fromtimestamp(t, zone).year for t in (start, end)}
    years |= set(range(min(years), max(years) + 1))
    # Read before the COPY thread starts, so the loop itself never queries.
    numbers = {
        (prefix, year): last_handed_out(prefix, year) for prefix in ("FR", "WO") for year in years
    }
    year_of = {}

    def number(prefix, at):
        day = int(at // DAY)
        year = year_of.get(day)
        if year is None:
            year = year_of[day] = datetime.fromtimestamp(at, zone).year
        value = numbers[(prefix, year)] + 1
        numbers[(prefix, year)] = value
        return f"{prefix}-{year}-{value:06d}"

    def new_id(model):
        value = ids[model]
        ids[model] = value + 1
        return value

    def clock(
        ticket_id, metric, severity, started, *, met=None, stopped=False, visit=None, late=False
    ):
        seconds, kind, ratio = p.targets[(metric, severity)]
        due = started + seconds
        warn = started + seconds * float(ratio)
        if met is not None:
            state, breached = "met", met > due
        elif stopped:
            state, breached = "stopped", late
        elif due < end:
            state, breached = "breached", True
        else:
            state, breached = "running", False
        states.append((metric, state, breached))
        w_c.add(
            (
                new_id(Clock),
                started,
                met or started,
                metric,
                severity,
                seconds,
                kind,
                ratio,
                started,
                due,
                warn,
                met,
                None,
                0,
                "[]",
                state,
                breached,
                warn if warn < end and state != "met" else None,
                due if breached else None,
                p.calendar if kind == "business" else None,
                ticket_id,
                visit,
                p.policy,
                1,
                False,
            )
        )
        return due if state in ("running", "breached") else None

    def event(ticket_id, kind, at, frm, to, actor):
        w_e.add((new_id(TicketEvent), kind, frm, to, "", "{}", False, at, actor, ticket_id))

    tables = [m._meta.db_table for m in (Ticket, Clock, TicketEvent, Comment, Visit, TicketFacts)]
    with transaction.atomic():
        _skip_row_triggers()
        indexes = _drop_indexes(tables) if n >= BIG else []
        copier = Copier() if connection.vendor == "postgresql" else None
        for writer in (w_t, w_c, w_e, w_m, w_v, w_s):
            writer.copier = copier
        for i, at in enumerate(reported):
            tid = new_id(Ticket)
            site, org = p.sites[i % len(p.sites)] if rnd.random() < 0.5 else rnd.choice(p.sites)
            units = p.units.get(site) or [None]
            unit = rnd.choice(units) if rnd.random() < 0.8 else None
            kind, channel = rnd.choice(KINDS), rnd.choice(CHANNELS)
            chinese = rnd.random() < 0.5
            word = rnd.randrange(len(EN_WORDS))
            symptom = rnd.randrange(len(EN_SYMPTOMS))
            if chinese:
                title = f"{ZH_WORDS[word]}{ZH_SYMPTOMS[symptom]}"
                description = (
                    f"{ZH_WORDS[word]}{ZH_SYMPTOMS[symptom]}，已重启设备但无效。编号{i % 997}"
                )
            else:
                title = f"{EN_WORDS[word].capitalize()} {EN_SYMPTOMS[symptom]}"
                description = (
                    f"The {EN_WORDS[word]} {EN_SYMPTOMS[symptom]} since this morning; "
                    "restart did not help."
                )
            age = end - at
            severity = rnd.choice(SEVERITIES)
            if age < OPEN_DAYS * DAY:
                status = OPEN[
                    min(
                        int(rnd.random() * 5 * (1 - age / (OPEN_DAYS * DAY)) ** 0.3 + rnd.random()),
                        4,
                    )
                ]
            else:
                status = (
                    "cancelled"
                    if rnd.random() < 0.04
                    else ("resolved" if age < 60 * DAY else "closed")
                )
            triaged = status != "new" and not (status == "cancelled" and rnd.random() < 0.5)
            if not triaged:
                severity = ""
            engineer = rnd.choice(p.engineers) if triaged else None
            dispatcher = rnd.choice(p.dispatchers) if p.dispatchers else None
            triaged_at = at + rnd.uniform(120, 1080) if triaged else None
            responded_at = (
                triaged_at + rnd.uniform(300, 5400) if triaged and status != "triaged" else None
            )
            done = status in ("resolved", "closed")
            onsite = done and kind == "fault" and rnd.random() < 0.2
            resolved_at = at + rnd.uniform(3600, 30 * 3600) if done else None
            followed = (
                resolved_at + rnd.uniform(2 * 3600, 30 * 3600) if status == "closed" else None
            )
            closed_at = followed + DAY if followed else None
            cancelled_at = at + rnd.uniform(600, DAY) if status == "cancelled" else None
            last = max(
                x
                for x in (
                    at,
                    triaged_at,
                    responded_at,
                    resolved_at,
                    followed,
                    closed_at,
                    cancelled_at,
                )
                if x is not None
            )
            vid = None
            if onsite:
                vid = new_id(Visit)
                dispatched = responded_at or triaged_at
                departed, arrived = dispatched + rnd.uniform(600, 9000), None
                arrived = departed + rnd.uniform(1200, 12000)
                w_v.add(
                    (
                        vid,
                        dispatched,
                        resolved_at,
                        number("WO", dispatched),
                        "completed",
                        None,
                        dispatched,
                        departed,
                        arrived,
                        resolved_at,
                        "Replaced the faulty module; tested.",
                        "Customer",
                        "",
                        resolved_at,
                        engineer,
                        tid,
                        "",
                        None,
                    )
                )
            # Clocks, as the engine leaves them.
            states.clear()
            dues = [
                clock(
                    tid,
                    "triage",
                    severity,
                    at,
                    met=triaged_at,
                    stopped=status == "cancelled" and not triaged,
                ),
                clock(
                    tid, "response", severity, at, met=responded_at, stopped=status == "cancelled"
                ),
            ]
            if triaged:
                dues.append(
                    clock(
                        tid, "restore", severity, at, met=resolved_at, stopped=status == "cancelled"
                    )
                )
                if kind == "fault":
                    dues.append(
                        clock(
                            tid,
                            "arrival",
                            severity,
                            at,
                            met=arrived if onsite else None,
                            stopped=not onsite and status in ("resolved", "closed", "cancelled"),
                        )
                    )
            if onsite:
                dues.append(clock(tid, "departure", severity, dispatched, met=departed, visit=vid))
            if done:
                dues.append(clock(tid, "follow_up", severity, resolved_at, met=followed))
            comment = rnd.choice(COMMENTS) if rnd.random() < 0.5 else None
            internal = rnd.random() < 0.3
            doc = search.document(
                title, description, *([comment] if comment and not internal else [])
            )
            nearest = (
                min((d for d in dues if d is not None), default=None) if status in OPEN else None
            )
            w_t.add(
                (
                    tid,
                    at,
                    last,
                    number("FR", at),
                    kind,
                    channel,
                    title,
                    description,
                    "",
                    rnd.choice(["high", "medium", "low"]),
                    f"Contact {i % 500}",
                    "",
                    "",
                    severity,
                    status,
                    1,
                    "",
                    "",
                    "",
                    ("onsite" if onsite else "remote") if done else "",
                    "",
                    "",
                    "",
                    rnd.randint(3, 5) if followed else None,
                    "Duplicate report" if status == "cancelled" else "",
                    at,
                    triaged_at,
                    responded_at,
                    resolved_at,
                    followed,
                    followed,
                    closed_at,
                    engineer,
                    unit,
                    org,
                    None,
                    site,
                    cancelled_at,
                    None,
                    nearest,
                    doc,
                    search.tsvector_literal(doc) if postgres else None,
                )
            )
            source = facts.Source(
                organization=org,
                site=site,
                equipment=unit,
                assignee=engineer,
                severity=severity,
                kind=kind,
                cancelled=status == "cancelled",
                remote=done and not onsite,
                reported=_us(at),
                triaged=_us(triaged_at),
                resolved=_us(resolved_at),
                followed_up=_us(followed),
                clocks=tuple(sorted(states)),
            )
            w_s.add((tid, json.dumps(source.as_json(), separators=(",", ":"))))
            facts.add_to(fact_totals, facts.contribution(source, fact_zone))
            event(tid, "reported", at, "", "new", None)
            if triaged:
                event(tid, "triaged", triaged_at, "new", "triaged", dispatcher)
            if comment is not None:
                c_at = at + rnd.uniform(60, 7200)
                w_m.add((new_id(Comment), c_at, c_at, comment, internal, False, engineer, tid))
            if log and i and i % 100_000 == 0:
                log(f"{i} tickets generated")
        w_f = Writer(DailyFact, [*FACT_COLUMNS, "fresh"], copier=copier)
        for key, measures in fact_totals.items():
            w_f.add(
                tuple(str(v) if hasattr(v, "isoformat") else v for v in (*key, *measures))
                + (False,)
            )
        for writer in (w_t, w_v, w_c, w_e, w_m, w_s, w_f):
            writer.flush()
        if copier is not None:
            copier.close()
        facts.roll_up_all()  # the monthly rows, from the daily ones just stored
        if log:
            log(f"rows stored after {time.monotonic() - began:.0f} s")
        _create_indexes(indexes, log)
        for (prefix, year), value in numbers.items():
            NumberSequence.objects.update_or_create(
                prefix=prefix, year=year, defaults={"last_value": value}
            )
        _reset_sequences()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Ticket, Clock, TicketEvent, Comment, Visit, TicketFacts, DailyFact):
                # VACUUM too: the visibility map lets the covering indexes answer alone.
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    return Result(w_t.count, w_c.count, w_e.count, w_m.count, w_v.count)


def _us(seconds: float | None) -> int | None:
    """Microseconds since the epoch of a generated instant as stored (whole seconds)."""
    return None if seconds is None else int(seconds) * 1_000_000


FACT_COLUMNS = [*facts.KEY, *facts.MEASURES]


def _drop_indexes(tables: list[str]) -> list[str]:
    """PostgreSQL: drop the plain indexes of the loaded tables (not primary keys or
    unique constraints) and return their definitions; built again in one pass each
    after the rows are in, which is several times faster than row-by-row upkeep."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
            "current_schema() "
            "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)",
            [tables],
        )
        rows = cursor.fetchall()
        for name, _definition in rows:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _create_indexes(definitions: list[str], log) -> None:
    if not definitions:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
    if log and definitions:
        log(f"{len(definitions)} indexes built again")


def _skip_row_triggers() -> None:
    """On PostgreSQL, for this transaction only: no per-row foreign-key trigger (the
    generator only refers to rows it read or wrote itself). Needs a superuser; without
    one the checks simply run (slower)."""
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass


def _reset_sequences() -> None:
    from tickets.services.numbers import sync_counters

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Ticket, Clock, TicketEvent, Comment, Visit]
        ):
            cursor.execute(sql)
    sync_counters()
