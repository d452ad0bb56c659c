"""Recurrence arithmetic, pure functions over dates (no database).

- `monthly`: the anchor's day of month every month; a month without that day (the
  31st in April, the 30th in February) gets its last day instead. Each date is
  computed from the anchor, never from the previous date, so February does not pull
  the rest of the year to the 28th.
- `quarterly`: the same, every third month from the anchor.
- `rrule`: any RFC 5545 RRULE (python-dateutil) with DTSTART = the anchor at local
  midnight in the plan's time zone. `UNTIL` is respected; a UTC `UNTIL` (…Z) is
  converted into the plan's zone first, so it cuts at the right local date.
- Maintenance intervals: the start date plus k × N days, weeks or months.

Ranges are inclusive at both ends: `occurrences(..., start, end)` gives the dates d
with start <= d <= end.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, rrule, rrulestr

MONTHLY = "monthly"
QUARTERLY = "quarterly"
RRULE = "rrule"
STEP_MONTHS = {MONTHLY: 1, QUARTERLY: 3}
# More frequent than daily makes no sense for dates; it would also be a cheap way to
# make the generator loop.
MAX_FREQUENCY = DAILY
_UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.IGNORECASE)
_FORBIDDEN = re.compile(r"(^|\n)\s*(DTSTART|RDATE|EXDATE|EXRULE)", re.IGNORECASE)


def _months_between(anchor: date, day: date) -> int:
    return (day.year - anchor.year) * 12 + (day.month - anchor.month)


def every_n_months(anchor: date, months: int, start: date, end: date) -> list[date]:
    """anchor + k*months (k >= 0), clipped to month ends, within [start, end]."""
    k = max(0, _months_between(anchor, start) // months - 1)
    found = []
    while True:
        day = anchor + relativedelta(months=k * months)
        if day > end:
            return found
        if day >= start:
            found.append(day)
        k += 1


def _localize_until(text: str, zone: ZoneInfo) -> str:
    def convert(match):
        instant = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=ZoneInfo("UTC"))
        return "UNTIL=" + instant.astimezone(zone).strftime("%Y%m%dT%H%M%S")

    return _UNTIL_UTC.sub(convert, text)


def parse_rrule(text: str, *, anchor: date, zone: str = "UTC") -> rrule:
    """The rule with DTSTART = the anchor's local midnight (naive, in `zone`).
    Raises ValueError for anything that is not a single, at most daily RRULE."""
    text = (text or "").strip()
    if not text:
        raise ValueError("empty rule")
    if _FORBIDDEN.search(text):
        raise ValueError("only an RRULE is accepted; the plan's first date is its DTSTART")
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    text = _localize_until(text, ZoneInfo(zone))
    rule = rrulestr(text, dtstart=datetime.combine(anchor, time.min), ignoretz=True)
    if not isinstance(rule, rrule):
        raise ValueError("a single RRULE is expected")
    if rule._freq > MAX_FREQUENCY:  # dateutil orders YEARLY=0 … SECONDLY=6
        raise ValueError("the rule repeats more often than daily")
    return rule


def validate_rrule(text: str, *, anchor: date | None = None, zone: str = "UTC") -> None:
    parse_rrule(text, anchor=anchor or date(2000, 1, 1), zone=zone)


def occurrences(
    *,
    recurrence: str,
    anchor: date,
    start: date,
    end: date,
    rule: str = "",
    zone: str = "UTC",
    until: date | None = None,
) -> list[date]:
    """The plan's dates within [start, end] (and not after `until`, the plan's last
    active day). `zone` is the plan's time zone, which only matters for a UTC UNTIL."""
    if until is not None:
        end = min(end, until)
    start = max(start, anchor)
    if end < start:
        return []
    if recurrence in STEP_MONTHS:
        return every_n_months(anchor, STEP_MONTHS[recurrence], start, end)
    if recurrence == RRULE:
        parsed = parse_rrule(rule, anchor=anchor, zone=zone)
        days = parsed.between(
            datetime.combine(start, time.min), datetime.combine(end, time.max), inc=True
        )
        return sorted({moment.date() for moment in days})
    raise ValueError(f"unknown recurrence {recurrence!r}")


def interval_dates(
    *, start_date: date, count: int, unit: str, start: date, end: date
) -> list[date]:
    """Maintenance: start_date + k × count days/weeks/months within [start, end]."""
    if count < 1:
        raise ValueError("the interval must be at least 1")
    if unit == "months":
        return every_n_months(start_date, count, max(start, start_date), end)
    step = timedelta(days=count * (7 if unit == "weeks" else 1))
    first = max(start, start_date)
    k = -(-(first - start_date).days // step.days)  # ceil
    found = []
    day = start_date + k * step
    while day <= end:
        found.append(day)
        day += step
    return found


def resume_after(recurrence: str, last: date) -> date:
    """The first date a plan may generate after `last`, its latest generated date. For
    monthly and quarterly plans that is the first day of the next period, so a plan whose
    day of month was edited does not get a second inspection in a period already planned;
    for an RRULE, the next day."""
    if recurrence in STEP_MONTHS:
        return last.replace(day=1) + relativedelta(months=STEP_MONTHS[recurrence])
    return last + timedelta(days=1)


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()
