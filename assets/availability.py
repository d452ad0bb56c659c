"""Availability, unplanned downtime, MTBF and MTTR of units over a period, from their
downtime spans (assets.models.Downtime). The definitions are in docs/availability.md:

- The period is [start, end), cut at `now` (the future is not observed yet).
- Planned time: the union of the planned windows in the period.
- Unplanned downtime: the union of the spans of faults that took the unit *down*, in
  the period, less the planned time (a fault inside a window costs nothing more).
- Degraded time: the union of the *degraded* spans less planned and down time (shown,
  not counted against availability: the unit still works).
- Scheduled time = observed period - planned time;
  availability = (scheduled - unplanned downtime) / scheduled (None when nothing was
  scheduled).
- Failures: the faults (down or degraded) that began in the period; operating time =
  scheduled - unplanned downtime; MTBF = operating time / failures; MTTR = the mean
  report → resolution time of the failures that began in the period and are resolved.
  No failure: no MTBF; none resolved: no MTTR.
- Overlapping faults are counted once in time (a union), each in the failure count.
An open fault runs until `now`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Downtime

Span = tuple[datetime, datetime]
ZERO = timedelta()
MAX_PERIOD = timedelta(days=3660)


def period_bound(text: str, *, end: bool) -> datetime:
    """A period's bound from a query: an ISO time with offset as it is, or a date at the
    server zone's midnight (an end date is included: the next midnight). ValueError
    when it is neither."""
    moment = parse_datetime(text) if "T" in text or " " in text else None
    if moment is not None:
        if timezone.is_naive(moment):
            raise ValueError(text)
        return moment
    day = date.fromisoformat(text)
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=timezone.get_current_timezone())


def _union(spans: Iterable[Span]) -> list[Span]:
    merged: list[list[datetime]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _length(spans: Iterable[Span]) -> timedelta:
    return sum((b - a for a, b in spans), ZERO)


def _minus(spans: list[Span], cut: list[Span]) -> list[Span]:
    """The parts of the (merged) `spans` outside the (merged) `cut`."""
    out = []
    for start, end in spans:
        pieces = [(start, end)]
        for c_start, c_end in cut:
            pieces = [
                piece
                for a, b in pieces
                for piece in ((a, min(b, c_start)), (max(a, c_end), b))
                if piece[1] > piece[0]
            ]
        out.extend(pieces)
    return out


@dataclass
class Figures:
    start: datetime
    end: datetime
    observed: timedelta = ZERO
    planned: timedelta = ZERO
    unplanned: timedelta = ZERO
    degraded: timedelta = ZERO
    failures: int = 0
    repairs: list[timedelta] = field(default_factory=list)

    @property
    def scheduled(self) -> timedelta:
        return self.observed - self.planned

    @property
    def operating(self) -> timedelta:
        return self.scheduled - self.unplanned

    @property
    def availability(self) -> float | None:
        if self.scheduled <= ZERO:
            return None
        return self.operating / self.scheduled

    @property
    def mtbf(self) -> timedelta | None:
        return self.operating / self.failures if self.failures else None

    @property
    def mttr(self) -> timedelta | None:
        return sum(self.repairs, ZERO) / len(self.repairs) if self.repairs else None

    def add(self, other: "Figures") -> None:
        """Sum another unit's figures into these (a site's, an organisation's)."""
        self.observed += other.observed
        self.planned += other.planned
        self.unplanned += other.unplanned
        self.degraded += other.degraded
        self.failures += other.failures
        self.repairs.extend(other.repairs)

    def display(self) -> dict:
        """For pages and reports: availability in %, times in hours (None: —)."""

        def hours(value):
            return None if value is None else round(value.total_seconds() / 3600, 1)

        availability = self.availability
        return {
            "availability_pct": None if availability is None else round(availability * 100, 2),
            "unplanned_hours": hours(self.unplanned),
            "planned_hours": hours(self.planned),
            "degraded_hours": hours(self.degraded),
            "failures": self.failures,
            "mtbf_hours": hours(self.mtbf),
            "mttr_hours": hours(self.mttr),
        }

    def as_dict(self) -> dict:
        def seconds(value):
            return None if value is None else int(value.total_seconds())

        return {
            "from": self.start,
            "to": self.end,
            "availability": None if self.availability is None else round(self.availability, 6),
            "scheduled_seconds": seconds(self.scheduled),
            "planned_downtime_seconds": seconds(self.planned),
            "unplanned_downtime_seconds": seconds(self.unplanned),
            "degraded_seconds": seconds(self.degraded),
            "failures": self.failures,
            "mtbf_seconds": seconds(self.mtbf),
            "mttr_seconds": seconds(self.mttr),
        }


def compute(
    downtimes: Iterable[Downtime], start: datetime, end: datetime, now: datetime
) -> Figures:
    """One unit's figures over [start, end) from its downtime rows."""
    stop = max(min(end, now), start)
    figures = Figures(start=start, end=end, observed=stop - start)

    def clipped(rows):
        return _union((max(r.started_at, start), min(r.ended_at or now, stop)) for r in rows)

    rows = list(downtimes)
    planned = clipped(r for r in rows if r.kind == Downtime.Kind.PLANNED)
    faults = [r for r in rows if r.kind == Downtime.Kind.UNPLANNED]
    down = _minus(clipped(r for r in faults if r.impact == Downtime.Impact.DOWN), planned)
    degraded = _minus(
        _minus(clipped(r for r in faults if r.impact == Downtime.Impact.DEGRADED), planned), down
    )
    figures.planned, figures.unplanned, figures.degraded = (
        _length(planned),
        _length(down),
        _length(degraded),
    )
    began = [r for r in faults if start <= r.started_at < stop]
    figures.failures = len(began)
    figures.repairs = [r.ended_at - r.started_at for r in began if r.ended_at is not None]
    return figures
