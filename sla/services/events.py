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
- Resolution meets restore, starts follow-up, and stops arrival and departure still
  open (no visit is needed any more): `stopped` clocks do not count in compliance.
- Reopening continues restore: the time between resolution and reopening becomes a
  pause (the customer's system was working), a follow-up still open is stopped and
  starts again at the next resolution.
- Cancel and close stop every open clock (`stopped`)."""

from datetime import datetime

from django.db import transaction

from sla import deadlines
from sla.models import Clock, ClockKind, Metric, Policy, Target
from tickets.models import Ticket

from .config import policy_for

M = Metric
S = Clock.State
FAULT = "fault"
SAVED_FIELDS = [
    "visit", "policy", "severity", "duration", "clock_kind", "calendar", "warning_ratio", "started_at", "due_at",
    "warn_at", "met_at", "paused_at", "paused_total", "pauses", "state", "breached", "warned_at", "breached_at",
    "updated_at",
]


COUNTING = (S.RUNNING, S.BREACHED)


class _TicketClocks:
    """The locked clocks of one ticket and the policy they run on, for one event."""

    def __init__(self, ticket, *, new: bool = False):
        self.ticket = ticket
        self.new = new
        if new:  # a ticket reported in this transaction has no clocks yet
            self.clocks = {}
        else:
            locked = Clock.objects.select_for_update(of=("self",)).select_related("calendar").filter(ticket=ticket)
            self.clocks = {c.metric: c for c in locked}
        self.changed: set[str] = set()
        self.calendars = deadlines.Calendars()
        self._targets = None
        self._policy = None

    # --- policy and targets ------------------------------------------------------
    @property
    def policy(self) -> Policy | None:
        if self._policy is None:
            running = next((c for c in self.clocks.values() if c.policy_id), None)
            if running is not None:
                self._policy = Policy.objects.select_related("calendar").filter(pk=running.policy_id).first()
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

    # --- clock moves -------------------------------------------------------------
    def _retarget(self, clock: Clock, target: Target) -> None:
        clock.policy = self.policy
        clock.severity = self.ticket.severity or ""
        clock.duration, clock.clock_kind, clock.warning_ratio = target.duration, target.clock, target.warning_ratio
        clock.calendar = self.policy.calendar if target.clock == ClockKind.BUSINESS else None
        deadlines.recompute(clock, self.calendars.for_clock(clock))
        self.changed.add(clock.metric)

    def start(self, metric: str, *, started_at: datetime, visit=None) -> Clock | None:
        """Start `metric` unless it exists; returns the clock (None without a target)."""
        if metric in self.clocks:
            return self.clocks[metric]
        target = self.target(metric)
        if target is None:
            return None
        clock = Clock(ticket=self.ticket, metric=metric, visit=visit, started_at=started_at, state=S.RUNNING)
        self._retarget(clock, target)
        self.clocks[metric] = clock
        return clock

    def restart(self, metric: str, *, started_at: datetime, visit=None) -> Clock | None:
        """A new round of `metric` on the same row: claims reset, a breach stays recorded."""
        clock = self.clocks.get(metric)
        if clock is None:
            return self.start(metric, started_at=started_at, visit=visit)
        target = self.target(metric)
        if target is None:
            return clock
        clock.visit, clock.started_at, clock.pauses = visit, started_at, []
        clock.met_at = clock.paused_at = clock.warned_at = clock.breached_at = None
        clock.state = S.RUNNING
        self._retarget(clock, target)
        return clock

    def retarget_open(self) -> None:
        """The severity changed: recompute every open clock from its start."""
        for clock in self.clocks.values():
            target = self.target(clock.metric)
            if clock.is_open and target is not None:
                self._retarget(clock, target)

    def _close_pause(self, clock: Clock, at: datetime) -> None:
        if clock.state == S.PAUSED:
            deadlines.add_pause(clock, clock.paused_at, at)
            clock.paused_at = None
            clock.state = S.BREACHED if clock.breached_at else S.RUNNING
            deadlines.recompute(clock, self.calendars.for_clock(clock))

    def meet(self, metric: str, at: datetime, *, visit=None) -> None:
        clock = self.clocks.get(metric)
        if clock is None or not clock.is_open or (visit is not None and clock.visit_id not in (None, visit.pk)):
            return
        self._close_pause(clock, at)
        clock.met_at, clock.state = at, S.MET
        clock.breached = clock.breached or at > clock.due_at
        self.changed.add(metric)

    def pause(self, metric: str, at: datetime) -> None:
        clock = self.clocks.get(metric)
        if clock is not None and clock.state in (S.RUNNING, S.BREACHED):
            clock.paused_at, clock.state = at, S.PAUSED
            self.changed.add(metric)

    def resume(self, metric: str, at: datetime) -> None:
        clock = self.clocks.get(metric)
        if clock is not None and clock.state == S.PAUSED:
            self._close_pause(clock, at)
            self.changed.add(metric)

    def reopen(self, metric: str, at: datetime) -> None:
        """Continue a met clock: the span since it was met is a pause."""
        clock = self.clocks.get(metric)
        if clock is None or clock.state != S.MET:
            return
        deadlines.add_pause(clock, clock.met_at, at)
        clock.met_at = None
        clock.state = S.BREACHED if clock.breached_at else S.RUNNING
        deadlines.recompute(clock, self.calendars.for_clock(clock))
        self.changed.add(metric)

    def stop(self, metric: str, at: datetime) -> None:
        clock = self.clocks.get(metric)
        if clock is not None and clock.is_open:
            if clock.state == S.PAUSED:
                deadlines.add_pause(clock, clock.paused_at, at)
                clock.paused_at = None
            clock.state = S.STOPPED
            self.changed.add(metric)

    def save(self) -> None:
        fresh = []
        for metric in sorted(self.changed):
            clock = self.clocks[metric]
            if clock.pk is None:
                fresh.append(clock)
            else:
                clock.save(update_fields=SAVED_FIELDS)
        if fresh:
            Clock.objects.bulk_create(fresh)
        if self.changed:
            # The request answers with the ticket's clocks: these (locked) are all of them,
            # so a prefetch left on this ticket object by an earlier event stays true.
            ordered = sorted(self.clocks.values(), key=lambda c: (c.started_at, c.pk))
            cached = Clock.objects.filter(ticket=self.ticket)
            cached._result_cache, cached._prefetch_done = ordered, True
            self.ticket._prefetched_objects_cache = {"sla_clocks": cached}
        self._save_nearest_due()

    def _save_nearest_due(self) -> None:
        """The ticket's `nearest_due_at` (the dispatcher queue's order, read through an
        index): the earliest due time of its counting clocks, one UPDATE when it moved."""
        counting = [c.due_at for c in self.clocks.values() if c.state in COUNTING]
        nearest = min(counting, default=None)
        if nearest != self.ticket.nearest_due_at:
            Ticket.objects.filter(pk=self.ticket.pk).update(nearest_due_at=nearest)
            self.ticket.nearest_due_at = nearest


def _reported(run: _TicketClocks, at, visit, data) -> None:
    for metric in (M.TRIAGE, M.RESPONSE):
        run.start(metric, started_at=run.ticket.reported_at)


def _triaged(run: _TicketClocks, at, visit, data) -> None:
    reported = run.ticket.reported_at
    _reported(run, at, visit, data)  # tickets that existed before the engine get their clocks too
    if not data or "old_severity" not in data:
        run.meet(M.TRIAGE, at)
    run.retarget_open()
    run.start(M.RESTORE, started_at=reported)
    if run.ticket.kind == FAULT:
        run.start(M.ARRIVAL, started_at=reported)


def _dispatched(run: _TicketClocks, at, visit, data) -> None:
    if run.ticket.kind != FAULT:
        return
    clock = run.clocks.get(M.DEPARTURE)
    if clock is None:
        run.start(M.DEPARTURE, started_at=at, visit=visit)
    elif clock.is_open:  # an earlier visit never left: the clock now runs for this one
        run.restart(M.DEPARTURE, started_at=at, visit=visit)


def _departed(run, at, visit, data) -> None:
    run.meet(M.DEPARTURE, at, visit=visit)


def _arrived(run, at, visit, data) -> None:
    run.meet(M.DEPARTURE, at, visit=visit)  # checked in without a separate departure
    run.meet(M.ARRIVAL, at)
    run.meet(M.RESPONSE, at)


def _resolved(run, at, visit, data) -> None:
    run.meet(M.RESPONSE, at)
    run.meet(M.RESTORE, at)
    run.stop(M.ARRIVAL, at)
    run.stop(M.DEPARTURE, at)
    run.restart(M.FOLLOW_UP, started_at=at)


def _reopened(run, at, visit, data) -> None:
    run.reopen(M.RESTORE, at)
    run.stop(M.FOLLOW_UP, at)


def _stop_all(run, at, visit, data) -> None:
    for metric in list(run.clocks):
        run.stop(metric, at)


HANDLERS = {
    "reported": _reported,
    "triaged": _triaged,
    "responded": lambda run, at, visit, data: run.meet(M.RESPONSE, at),
    "dispatched": _dispatched,
    "departed": _departed,
    "arrived": _arrived,
    "waiting_customer": lambda run, at, visit, data: run.pause(M.RESTORE, at),
    "resumed": lambda run, at, visit, data: run.resume(M.RESTORE, at),
    "resolved": _resolved,
    "reopened": _reopened,
    "followed_up": lambda run, at, visit, data: run.meet(M.FOLLOW_UP, at),
    "cancelled": _stop_all,
    "closed": _stop_all,
}


def clocks_on_ticket_event(*, ticket, event: str, at: datetime, actor=None, visit=None, data=None) -> None:
    """Start, meet, pause, resume, re-target or stop the ticket's clocks for `event`
    (reported, triaged — again later with data={"old_severity": ...} for a severity
    change —, responded, dispatched, departed, arrived, waiting_customer, resumed,
    resolved, reopened, followed_up, cancelled, closed). Unknown events do nothing."""
    handler = HANDLERS.get(event)
    if handler is None:
        return
    with transaction.atomic(savepoint=False):
        # "reported" comes once, from the creating transaction: there are no clocks to lock.
        run = _TicketClocks(ticket, new=event == "reported")
        handler(run, at, visit, data)
        run.save()
