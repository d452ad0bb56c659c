"""The clock engine: what each ticket event does to the ticket's clocks.

Called by the ticket services inside their transaction (the ticket row is already
locked); the clock rows are locked here too, so two events of one ticket never
interleave. Decisions (see docs/sla.md):
- Every clock runs from the report time, except departure (from the dispatch) and
  follow-up (from the resolution).
- Before triage the severity is unknown: triage and response run on the strictest
  target of the policy (a new report may be major). Triage recomputes them, and
  starts restore (all kinds) and arrival (faults only) from the report time.
- Only `fault` runs the on-site clocks (departure, arrival); the other kinds run
  triage, response, restore and follow-up.
- A severity change recomputes every open clock from its start; met and stopped
  clocks are not judged again. A recorded breach stays.
- `waiting_customer` pauses restore, `resumed` resumes it; the due and warning times
  are recomputed from the start skipping every pause (exact in business time).
- Response is met by the first response, or at the latest by the engineer's arrival
  or the resolution (both are contact with the customer).
- Each dispatched visit runs its own departure clock (a new round of the metric,
  reopen or not). The report's arrival clock goes with the first visit; a visit
  dispatched when no arrival clock is open gets its own from its dispatch. A
  cancelled visit stops its own clocks and hands the report's arrival clock on.
- Resolution meets restore, starts a new follow-up round (judged on its own; earlier
  rounds stay as decided), and stops arrival and departure still open (no visit is
  needed any more).
- Reopening continues restore: the time between resolution and reopening becomes a
  pause (the customer's system was working); a follow-up round still open is stopped.
- Cancel and close stop every open clock (`stopped`). A clock stopped after its due
  time is a miss (`breached`): docs/sla.md, "What counts as a miss"."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sla import deadlines, facts
from sla.models import Clock, ClockKind, Metric, Policy, Target
from tickets.models import Ticket

from .config import policy_for

State = Clock.State
FAULT = "fault"
SAVED_FIELDS = [
    "visit",
    "policy",
    "severity",
    "duration",
    "clock_kind",
    "calendar",
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
    "beyond_coverage",
    "updated_at",
]


COUNTING = (State.RUNNING, State.BREACHED)


class _TicketClocks:
    """The locked clocks of one ticket and the policy they run on, for one event. A
    metric may have several rounds (follow-up per resolution, departure per visit):
    `current(metric)` is the latest."""

    def __init__(self, ticket, *, new: bool = False):
        self.ticket = ticket
        self.new = new
        if new:  # a ticket reported in this transaction has no clocks yet
            self.rows: list[Clock] = []
        else:
            locked = (
                Clock.objects.select_for_update(of=("self",))
                .select_related("calendar")
                .filter(ticket=ticket)
                .order_by("metric", "round", "pk")
            )
            self.rows = list(locked)
        self.changed: list[Clock] = []
        self.calendars = deadlines.Calendars()
        self._targets = None
        self._policy = None

    # --- policy and targets ------------------------------------------------------
    @property
    def policy(self) -> Policy | None:
        if self._policy is None:
            running = next((c for c in self.rows if c.policy_id), None)
            if running is not None:
                self._policy = (
                    Policy.objects.select_related("calendar").filter(pk=running.policy_id).first()
                )
            if self._policy is None:
                self._policy = policy_for(self.ticket)
        return self._policy

    def target(self, metric: str) -> Target | None:
        if self.policy is None:
            return None
        if self._targets is None:
            self._targets = {(t.metric, t.severity): t for t in self.policy.targets.all()}
        severity = self.ticket.severity
        if severity:
            return self._targets.get((metric, severity))
        candidates = [t for (m, _s), t in self._targets.items() if m == metric]
        return min(candidates, key=lambda t: (t.duration, t.pk), default=None)

    # --- finding clocks ----------------------------------------------------------
    def current(self, metric: str) -> Clock | None:
        rounds = [c for c in self.rows if c.metric == metric]
        return rounds[-1] if rounds else None

    def open_clocks(self, metric: str, visit=None) -> list[Clock]:
        """Open rounds of `metric`; with a visit, those of that visit or of none."""
        return [
            c
            for c in self.rows
            if c.metric == metric
            and c.is_open
            and (visit is None or c.visit_id in (None, visit.pk))
        ]

    def _mark(self, clock: Clock) -> None:
        if not any(c is clock for c in self.changed):
            self.changed.append(clock)

    # --- clock moves -------------------------------------------------------------
    def _retarget(self, clock: Clock, target: Target) -> None:
        clock.policy = self.policy
        clock.severity = self.ticket.severity or ""
        clock.duration, clock.clock_kind, clock.warning_ratio = (
            target.duration,
            target.clock,
            target.warning_ratio,
        )
        clock.calendar = self.policy.calendar if target.clock == ClockKind.BUSINESS else None
        deadlines.recompute(clock, self.calendars.for_clock(clock))
        self._mark(clock)

    def start(
        self, metric: str, *, started_at: datetime, visit=None, new_round: bool = False
    ) -> Clock | None:
        """Start `metric` unless it exists (`new_round`: start its next round however
        the earlier ones ended). Returns the clock (None without a target)."""
        existing = self.current(metric)
        if existing is not None and not new_round:
            return existing
        target = self.target(metric)
        if target is None:
            return None
        clock = Clock(
            ticket=self.ticket,
            metric=metric,
            visit=visit,
            started_at=started_at,
            state=State.RUNNING,
            round=existing.round + 1 if existing is not None else 1,
        )
        self._retarget(clock, target)
        self.rows.append(clock)
        return clock

    def retarget_open(self) -> None:
        """The severity changed: recompute every open clock from its start."""
        for clock in self.rows:
            target = self.target(clock.metric)
            if clock.is_open and target is not None:
                self._retarget(clock, target)

    def _close_pause(self, clock: Clock, at: datetime) -> None:
        if clock.state == State.PAUSED:
            deadlines.add_pause(clock, clock.paused_at, at)
            clock.paused_at = None
            clock.state = State.BREACHED if clock.breached_at else State.RUNNING
            deadlines.recompute(clock, self.calendars.for_clock(clock))

    def meet(self, metric: str, at: datetime, *, visit=None) -> None:
        for clock in self.open_clocks(metric, visit):
            self._close_pause(clock, at)
            clock.met_at, clock.state = at, State.MET
            clock.breached = clock.breached or at > clock.due_at
            self._mark(clock)

    def pause(self, metric: str, at: datetime) -> None:
        for clock in self.open_clocks(metric):
            if clock.state in (State.RUNNING, State.BREACHED):
                clock.paused_at, clock.state = at, State.PAUSED
                self._mark(clock)

    def resume(self, metric: str, at: datetime) -> None:
        for clock in self.open_clocks(metric):
            if clock.state == State.PAUSED:
                self._close_pause(clock, at)
                self._mark(clock)

    def reopen(self, metric: str, at: datetime) -> None:
        """Continue the latest round when met: the span since it was met is a pause."""
        clock = self.current(metric)
        if clock is None or clock.state != State.MET:
            return
        deadlines.add_pause(clock, clock.met_at, at)
        clock.met_at = None
        clock.state = State.BREACHED if clock.breached_at else State.RUNNING
        deadlines.recompute(clock, self.calendars.for_clock(clock))
        self._mark(clock)

    def stop(self, metric: str, at: datetime, *, visit=None) -> None:
        """Open rounds no longer apply. One stopped after its due time is a miss
        (`breached`), whether or not the sweep saw it first (docs/sla.md)."""
        for clock in self.open_clocks(metric, visit):
            self._stop(clock, at)

    def _stop(self, clock: Clock, at: datetime) -> None:
        if clock.state == State.PAUSED:
            deadlines.add_pause(clock, clock.paused_at, at)
            clock.paused_at = None
            deadlines.recompute(clock, self.calendars.for_clock(clock))
        clock.state = State.STOPPED
        clock.breached = clock.breached or at > clock.due_at
        self._mark(clock)

    def nearest_due(self) -> datetime | None:
        """The earliest due time of the counting clocks (the queue's order)."""
        return min((c.due_at for c in self.rows if c.state in COUNTING), default=None)

    def save(self, *, touch: bool = True) -> None:
        """Write the changed clocks; `touch`: then the ticket's `updated_at` and
        `nearest_due_at` (not for a report whose INSERT carried them)."""
        if not self.changed:
            return
        fresh = [clock for clock in self.changed if clock.pk is None]
        for clock in self.changed:
            if clock.pk is not None:
                clock.save(update_fields=SAVED_FIELDS)
        if fresh:
            Clock.objects.bulk_create(fresh)
        # The request answers with the ticket's clocks: these (locked) are all of them,
        # so a prefetch left on this ticket object by an earlier event stays true.
        ordered = sorted(self.rows, key=lambda c: (c.started_at, c.pk))
        cached = Clock.objects.filter(ticket=self.ticket)
        cached._result_cache, cached._prefetch_done = ordered, True
        self.ticket._prefetched_objects_cache = {"sla_clocks": cached}
        if touch:
            self._touch_ticket()

    def _touch_ticket(self) -> None:
        """One UPDATE of the ticket: `updated_at` (its clocks changed: ETag and mobile
        sync follow it) and `nearest_due_at` (the dispatcher queue's order, read through
        an index): the earliest due time of its counting clocks."""
        nearest = self.nearest_due()
        now = timezone.now()
        Ticket.objects.filter(pk=self.ticket.pk).update(updated_at=now, nearest_due_at=nearest)
        self.ticket.updated_at, self.ticket.nearest_due_at = now, nearest


def _reported(run: _TicketClocks, at, visit, data) -> None:
    for metric in (Metric.TRIAGE, Metric.RESPONSE):
        run.start(metric, started_at=run.ticket.reported_at)


def _triaged(run: _TicketClocks, at, visit, data) -> None:
    reported = run.ticket.reported_at
    _reported(run, at, visit, data)  # tickets that existed before the engine get their clocks too
    if not data or "old_severity" not in data:
        run.meet(Metric.TRIAGE, at)
    run.retarget_open()
    run.start(Metric.RESTORE, started_at=reported)
    if run.ticket.kind == FAULT:
        run.start(Metric.ARRIVAL, started_at=reported)


def _dispatched(run, at, visit, data) -> None:
    """Each visit gets its own departure clock from its dispatch. The report's arrival
    clock goes with the first visit; a visit dispatched once no arrival clock is open
    (after a reopen, or after an earlier visit arrived) gets its own from dispatch."""
    if run.ticket.kind != FAULT:
        return
    run.start(Metric.DEPARTURE, started_at=at, visit=visit, new_round=True)
    waiting = [c for c in run.open_clocks(Metric.ARRIVAL) if c.visit_id is None]
    if waiting:
        waiting[0].visit = visit
        run._mark(waiting[0])
    elif not run.open_clocks(Metric.ARRIVAL):
        run.start(Metric.ARRIVAL, started_at=at, visit=visit, new_round=True)


def _visit_cancelled(run, at, visit, data) -> None:
    """The visit's departure clock stops; the report's arrival clock waits for the next
    visit, an arrival clock of the visit's own stops."""
    run.stop(Metric.DEPARTURE, at, visit=visit)
    for clock in run.open_clocks(Metric.ARRIVAL, visit):
        if clock.visit_id is None:
            continue
        if clock.round == 1:  # the report's arrival clock
            clock.visit = None
            run._mark(clock)
        else:
            run._stop(clock, at)


def _departed(run, at, visit, data) -> None:
    run.meet(Metric.DEPARTURE, at, visit=visit)


def _arrived(run, at, visit, data) -> None:
    run.meet(Metric.DEPARTURE, at, visit=visit)  # checked in without a separate departure
    run.meet(Metric.ARRIVAL, at, visit=visit)
    run.meet(Metric.RESPONSE, at)


def _resolved(run, at, visit, data) -> None:
    run.meet(Metric.RESPONSE, at)
    run.meet(Metric.RESTORE, at)
    run.stop(Metric.ARRIVAL, at)
    run.stop(Metric.DEPARTURE, at)
    run.stop(Metric.FOLLOW_UP, at)
    run.start(Metric.FOLLOW_UP, started_at=at, new_round=True)  # a fresh round, judged on its own


def _reopened(run, at, visit, data) -> None:
    run.reopen(Metric.RESTORE, at)
    run.stop(Metric.FOLLOW_UP, at)


def _stop_all(run, at, visit, data) -> None:
    for metric in Metric.values:
        run.stop(metric, at)


HANDLERS = {
    "reported": _reported,
    "triaged": _triaged,
    "responded": lambda run, at, visit, data: run.meet(Metric.RESPONSE, at),
    "dispatched": _dispatched,
    "visit_cancelled": _visit_cancelled,
    "departed": _departed,
    "arrived": _arrived,
    "waiting_customer": lambda run, at, visit, data: run.pause(Metric.RESTORE, at),
    "resumed": lambda run, at, visit, data: run.resume(Metric.RESTORE, at),
    "resolved": _resolved,
    "reopened": _reopened,
    "followed_up": lambda run, at, visit, data: run.meet(Metric.FOLLOW_UP, at),
    "cancelled": _stop_all,
    "closed": _stop_all,
}


def clocks_on_ticket_event(
    *, ticket, event: str, at: datetime, actor=None, visit=None, data=None
) -> None:
    """Start, meet, pause, resume, re-target or stop the ticket's clocks for `event`
    (reported, triaged — again later with data={"old_severity": ...} for a severity
    change —, responded, dispatched, visit_cancelled, departed, arrived, waiting_customer, resumed,
    resolved, reopened, followed_up, cancelled, closed). Unknown events do nothing."""
    handler = HANDLERS.get(event)
    if handler is None:
        return
    with transaction.atomic(savepoint=False):
        # "reported" comes once, from the creating transaction: there are no clocks to lock.
        run = _TicketClocks(ticket, new=event == "reported")
        handler(run, at, visit, data)
        run.save()
        facts.refresh(ticket, run.rows, new=run.new)


class NewTicketClocks:
    """The first clocks of a report that is not saved yet (issue 15: the create request
    writes the ticket's `nearest_due_at` with its INSERT instead of an UPDATE after its
    clocks). Planning reads the policy and sets `ticket.nearest_due_at`; `save()`,
    called once the ticket has its id in the same transaction, writes the clocks and
    the dashboard's daily facts. Together they do what the "reported" event does."""

    def __init__(self, ticket):
        self.run = _TicketClocks(ticket, new=True)
        _reported(self.run, ticket.reported_at, None, None)
        ticket.nearest_due_at = self.run.nearest_due()

    def save(self) -> None:
        ticket = self.run.ticket
        if ticket.pk is None:
            raise ValueError("save the ticket before its clocks")
        with transaction.atomic(savepoint=False):
            self.run.save(touch=False)
            facts.refresh(ticket, self.run.rows, new=True)


def plan_new_ticket_clocks(ticket) -> NewTicketClocks:
    return NewTicketClocks(ticket)
