"""Business-calendar arithmetic for SLA clocks: pure functions over plain data.

Business time is real elapsed time spent inside working windows. Windows are wall-clock
times in the calendar's zone, so a 09:00–18:00 window is 9 h every day, while a
00:00–24:00 window lasts 23 h or 25 h on DST change days. Every datetime returned is
aware and in UTC; inputs may be in any zone but must be aware.

No Django here: the SLA models build a `BusinessCalendar` from their rows and call in.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from types import MappingProxyType

import holidays as holidays_package

Window = tuple[time, time]
"""A working window (start, end) in wall-clock time. An end of `time(0)` means 24:00."""

_Interval = tuple[datetime, datetime]
_Offsets = tuple[tuple[timedelta, timedelta], ...]

_DAY = timedelta(days=1)
# add_business_time gives up after this many days without enough working time, so a
# calendar of nothing but holidays cannot loop forever.
_MAX_SEARCH_DAYS = 366 * 10


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekly working windows in a zone, with public holidays and make-up working days.

    `windows` maps a weekday (0 = Monday … 6 = Sunday) to that day's windows; a lunch
    break is two windows. A date in `holidays` is not worked; a date in `workdays` is
    worked with `makeup_windows` whatever its weekday (default: the windows of the first
    weekday that has any). `always_open` makes a 24x7 clock: business time is calendar
    time, and it takes no windows, holidays or workdays.
    """

    tz: tzinfo
    windows: Mapping[int, Sequence[Window]] = field(default_factory=dict, hash=False)
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    makeup_windows: Sequence[Window] | None = field(default=None, hash=False)
    always_open: bool = False
    # The local dates whose holidays the calendar knows, as inclusive (first, last)
    # ranges; None means no limit. Outside them a date is worked by its weekday only,
    # which may be wrong: `covers` tells whether a span stays inside.
    coverage: tuple[tuple[date, date], ...] | None = None
    _weekly: tuple[_Offsets, ...] = field(init=False, repr=False, compare=False)
    _makeup: _Offsets = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.always_open and (
            self.windows or self.holidays or self.workdays or self.makeup_windows
        ):
            raise ValueError("a 24x7 calendar takes no windows, holidays or workdays")
        if self.holidays & self.workdays:
            raise ValueError(
                f"dates both holiday and workday: {sorted(self.holidays & self.workdays)}"
            )
        if set(self.windows) - set(range(7)):
            raise ValueError(
                f"weekdays must be 0 (Monday) to 6 (Sunday), got {sorted(self.windows)}"
            )
        weekly = tuple(_offsets(self.windows.get(weekday, ())) for weekday in range(7))
        if self.makeup_windows is None:
            makeup = next((offsets for offsets in weekly if offsets), ())
        else:
            makeup = _offsets(self.makeup_windows)
            object.__setattr__(self, "makeup_windows", tuple(self.makeup_windows))
        # A read-only copy, so that a caller mutating its dict cannot change a calendar.
        object.__setattr__(
            self, "windows", MappingProxyType({k: tuple(v) for k, v in self.windows.items()})
        )
        object.__setattr__(self, "_weekly", weekly)
        object.__setattr__(self, "_makeup", makeup)

    @property
    def has_working_time(self) -> bool:
        return self.always_open or any(self._weekly) or bool(self.workdays and self._makeup)


def add_business_time(cal: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The instant (UTC) at which `duration` of business time has elapsed since `start`.

    Counting begins at `start`, or at the next window opening if `start` is outside
    working time. For a positive duration the result closes a stretch of working time:
    it lies inside a window or exactly at a window's end, never at an opening.
    """
    start = _as_utc(start)
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    if cal.always_open or not duration:
        return start + duration
    if not cal.has_working_time:
        raise ValueError("the calendar has no working time")
    remaining = duration
    for opens, closes in _intervals_from(cal, start, _MAX_SEARCH_DAYS):
        if remaining <= closes - opens:
            return opens + remaining
        remaining -= closes - opens
    raise ValueError(
        f"not enough working time within {_MAX_SEARCH_DAYS} days after {start.isoformat()}"
    )


def business_time_between(cal: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Business time in [start, end); zero when end <= start."""
    start, end = _as_utc(start), _as_utc(end)
    if end <= start:
        return timedelta(0)
    if cal.always_open:
        return end - start
    days = (_local_date(cal, end) - _local_date(cal, start)).days + 1
    total = timedelta(0)
    for opens, closes in _intervals_from(cal, start, days):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def is_working_time(cal: BusinessCalendar, instant: datetime) -> bool:
    """Whether `instant` lies inside a working window (windows are half-open: [start, end))."""
    instant = _as_utc(instant)
    if cal.always_open:
        return True
    return any(
        opens <= instant < closes
        for opens, closes in _day_intervals(cal, _local_date(cal, instant))
    )


def covers(cal: BusinessCalendar, start: datetime, end: datetime) -> bool:
    """Whether every local date from `start` to `end` (inclusive) lies inside the
    calendar's holiday coverage: a due time computed over such a span can be trusted;
    one running past it may move once the missing holidays are known."""
    if cal.always_open or cal.coverage is None:
        return True
    first, last = _local_date(cal, _as_utc(start)), _local_date(cal, _as_utc(max(start, end)))
    day = first
    for low, high in sorted(cal.coverage):
        if high < day:
            continue
        if low > day:
            return False
        if high >= last:
            return True
        day = high + _DAY
    return False


def package_knows(country: str, year: int, subdiv: str | None = None) -> bool:
    """Whether the `holidays` package has the official calendar of `year`. Countries
    that set their holidays by a yearly notice with make-up days (China's 调休) are
    known only for the years whose notice the package carries; rule-based countries
    for every year the package supports."""
    try:
        calendar = holidays_package.country_holidays(country, subdiv=subdiv)
    except NotImplementedError as exc:
        raise ValueError(str(exc)) from exc
    if not (getattr(calendar, "start_year", year) <= year <= getattr(calendar, "end_year", year)):
        return False
    notices = getattr(calendar, "special_public_holidays", None)
    if getattr(calendar, "has_substituted_holidays", False) and notices:
        return year in notices
    return True


def holidays_from_package(
    country: str, years: Iterable[int], subdiv: str | None = None
) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, make-up working days) of `country` in `years`, from the `holidays` package.

    Make-up days are the country's weekend days that its notice makes working days
    (China's 调休), read through the package's public `is_weekend`/`is_working_day`.
    """
    years = sorted(set(years))
    try:
        calendar = holidays_package.country_holidays(country, subdiv=subdiv, years=years)
    except NotImplementedError as exc:
        raise ValueError(str(exc)) from exc
    days = (d for year in years for d in _dates_of(year))
    makeup = frozenset(d for d in days if calendar.is_weekend(d) and calendar.is_working_day(d))
    return frozenset(d for d in calendar if d.year in years), makeup


def _dates_of(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += _DAY


def _offsets(windows: Sequence[Window]) -> _Offsets:
    """Windows as sorted offsets from midnight, checked for order and overlap."""
    offsets = sorted(
        (_since_midnight(start), _since_midnight(end, is_end=True)) for start, end in windows
    )
    if any(opens >= closes for opens, closes in offsets):
        raise ValueError(f"a working window must end after it starts: {windows}")
    for (_, closes), (next_opens, _) in zip(offsets, offsets[1:], strict=False):
        if next_opens < closes:
            raise ValueError(f"overlapping working windows: {windows}")
    return tuple(offsets)


def _since_midnight(moment: time, *, is_end: bool = False) -> timedelta:
    if moment.tzinfo is not None:
        raise ValueError(
            "window times are wall-clock times in the calendar's zone; give them no tzinfo"
        )
    if is_end and moment == time(0):
        return _DAY
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _intervals_from(cal: BusinessCalendar, since: datetime, max_days: int) -> Iterator[_Interval]:
    """Working intervals after `since`, in order, the first clipped to begin no earlier than it."""
    day = _local_date(cal, since)
    for n in range(max_days):
        for opens, closes in _day_intervals(cal, day + n * _DAY):
            if closes > since:
                yield max(opens, since), closes


@lru_cache(maxsize=8192)
def _day_intervals(cal: BusinessCalendar, day: date) -> tuple[_Interval, ...]:
    """The UTC intervals worked on a local date, ascending and disjoint.

    Clamping to the day and to the previous interval keeps them so even when a DST gap
    makes a wall time non-existent (it then maps past the gap, PEP 495 fold=0).
    Cached: SLA sweeps ask about the same few days over and over.
    """
    offsets = _offsets_on(cal, day)
    if not offsets:
        return ()
    # Adding to an aware datetime moves its wall clock, not the instant, which is what a
    # wall-clock window means; astimezone then resolves the offset for that wall time.
    midnight = datetime.combine(day, time(0), tzinfo=cal.tz)
    floor, day_end = midnight.astimezone(UTC), (midnight + _DAY).astimezone(UTC)
    intervals = []
    for start, end in offsets:
        opens = min(max((midnight + start).astimezone(UTC), floor), day_end)
        closes = min(max((midnight + end).astimezone(UTC), opens), day_end)
        if closes > opens:
            intervals.append((opens, closes))
            floor = closes
    return tuple(intervals)


def _offsets_on(cal: BusinessCalendar, day: date) -> _Offsets:
    if day in cal.workdays:
        return cal._makeup
    if day in cal.holidays:
        return ()
    return cal._weekly[day.weekday()]


def _local_date(cal: BusinessCalendar, instant: datetime) -> date:
    return instant.astimezone(cal.tz).date()


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got {moment!r}")
    return moment.astimezone(UTC)


# Defined last: constructing a calendar needs the helpers above.
TWENTY_FOUR_SEVEN = BusinessCalendar(tz=UTC, always_open=True)


# The `holidays` package's language codes for the interface's languages.
PACKAGE_LANGUAGES = {"en": "en_US", "zh-hans": "zh_CN", "zh-hant": "zh_TW"}


@lru_cache(maxsize=128)
def _names_by_language(country: str, year: int) -> dict[str, Mapping[date, str]]:
    """{package language: {date: holiday name}} of `country` in `year`."""
    try:
        cls = holidays_package.country_holidays(country).__class__
    except NotImplementedError:
        return {}
    languages = getattr(cls, "supported_languages", ()) or (None,)
    return {
        language: MappingProxyType(
            dict(holidays_package.country_holidays(country, years=year, language=language))
        )
        for language in languages
    }


def holiday_name_in(country: str, day: date, stored: str, language: str) -> str:
    """The name to show for a calendar day in the reader's `language` (a Django code):
    a name that is the package's own for that date, in any of its languages (the import
    stores them so), is shown in the reader's language when the package has it; any
    other name was typed by a person and is shown as typed."""
    if not (country and stored):
        return stored
    names = _names_by_language(country.upper(), day.year)
    if not any(by_date.get(day) == stored for by_date in names.values()):
        return stored
    wanted = PACKAGE_LANGUAGES.get(language.lower(), PACKAGE_LANGUAGES["en"])
    return names.get(wanted, {}).get(day, stored)
