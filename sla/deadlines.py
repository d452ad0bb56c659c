"""Where a clock's due and warning points fall: the bridge between the clock rows and
the pure calendar arithmetic of `sla.calendar`.

Counted time is time on the clock's calendar (every second on a 24x7 clock, working
time on a business clock) since `started_at`, leaving out the clock's pauses. The due
time is the instant counted time reaches the target; the warning time the instant it
reaches `warning_ratio` of it. Both are recomputed from the start and the list of
closed pauses, never shifted incrementally, so a resume, a severity change and a
reopen all give the same exact answer:

    due = start + duration on the calendar, skipping every closed pause

which for one pause wholly before the due time equals
`add_business_time(start, duration + business_time_between(pause_start, pause_end))`.
A pause that begins after the due time does not move it (the breach already happened)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_datetime

from . import calendar as bizcal
from .models import BusinessCalendar, Clock, ClockKind


def load_calendar(calendar: BusinessCalendar | None) -> bizcal.BusinessCalendar:
    """The arithmetic calendar of a calendar row (two queries), or 24x7 for None."""
    if calendar is None:
        return bizcal.TWENTY_FOUR_SEVEN
    windows: dict[int, list] = {}
    for weekday, start, end in calendar.windows.values_list("weekday", "start", "end"):
        windows.setdefault(weekday, []).append((start, end))
    holidays, workdays = set(), set()
    for day, kind in calendar.days.values_list("date", "kind"):
        (holidays if kind == "holiday" else workdays).add(day)
    return bizcal.BusinessCalendar(
        tz=ZoneInfo(calendar.time_zone),
        windows=windows,
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        coverage=coverage_of(calendar),
    )


def coverage_of(calendar: BusinessCalendar) -> tuple[tuple[date, date], ...] | None:
    """The dates a calendar row knows holidays for: up to `covered_through`. A calendar
    with no holiday country and no `covered_through` keeps no holidays: no limit."""
    if calendar.covered_through is not None:
        return ((date.min, calendar.covered_through),)
    return () if calendar.country else None


class Calendars:
    """Arithmetic calendars by row id, each loaded once per use case."""

    def __init__(self):
        self._loaded: dict[int | None, bizcal.BusinessCalendar] = {None: bizcal.TWENTY_FOUR_SEVEN}

    def for_clock(self, clock: Clock) -> bizcal.BusinessCalendar:
        if clock.clock_kind == ClockKind.ALWAYS or clock.calendar_id is None:
            return bizcal.TWENTY_FOUR_SEVEN
        if clock.calendar_id not in self._loaded:
            self._loaded[clock.calendar_id] = load_calendar(clock.calendar)
        return self._loaded[clock.calendar_id]


def _pauses(clock: Clock) -> list[tuple[datetime, datetime]]:
    return [(parse_datetime(start), parse_datetime(end)) for start, end in clock.pauses]


def deadline(
    cal: bizcal.BusinessCalendar,
    start: datetime,
    amount: timedelta,
    pauses: list[tuple[datetime, datetime]],
) -> datetime:
    """The instant `amount` of counted time has elapsed since `start`, pauses skipped."""
    cursor, remaining = start, amount
    for pause_start, pause_end in sorted(pauses):
        counted = bizcal.business_time_between(cal, cursor, pause_start)
        if remaining <= counted:
            break
        remaining -= counted
        cursor = max(cursor, pause_end)
    return bizcal.add_business_time(cal, cursor, remaining)


def warning_amount(clock: Clock) -> timedelta:
    return timedelta(seconds=round(clock.duration.total_seconds() * float(clock.warning_ratio)))


def recompute(clock: Clock, cal: bizcal.BusinessCalendar) -> None:
    """Set `due_at`, `warn_at` and `paused_total` from the start, target and pauses."""
    pauses = _pauses(clock)
    clock.due_at = deadline(cal, clock.started_at, clock.duration, pauses)
    clock.warn_at = deadline(cal, clock.started_at, warning_amount(clock), pauses)
    clock.paused_total = sum(
        (bizcal.business_time_between(cal, start, end) for start, end in pauses), timedelta()
    )
    clock.beyond_coverage = not bizcal.covers(cal, clock.started_at, clock.due_at)


def add_pause(clock: Clock, start: datetime, end: datetime) -> None:
    if end > start:
        clock.pauses = [*clock.pauses, [start.isoformat(), end.isoformat()]]
