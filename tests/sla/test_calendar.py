"""Business-calendar arithmetic. Pure functions over fixed instants, so no clock is frozen;
`hypothesis` checks the laws that tie adding and measuring together."""

import time as stopwatch
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.calendar import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    Window,
    add_business_time,
    business_time_between,
    covers,
    holidays_from_package,
    is_working_time,
    package_knows,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = ((time(9), time(18)),)
WITH_LUNCH = ((time(9), time(12)), (time(13), time(18)))
ALL_DAY = ((time(0), time(0)),)
HOUR = timedelta(hours=1)
MICRO = timedelta(microseconds=1)

CN_HOLIDAYS, CN_WORKDAYS = holidays_from_package("CN", [2025, 2026, 2027])


def monday_to_friday(windows: tuple[Window, ...]) -> dict[int, tuple[Window, ...]]:
    return dict.fromkeys(range(5), windows)


CHINA_OFFICE = BusinessCalendar(
    tz=SHANGHAI, windows=monday_to_friday(OFFICE), holidays=CN_HOLIDAYS, workdays=CN_WORKDAYS
)
BERLIN_OFFICE = BusinessCalendar(tz=BERLIN, windows=monday_to_friday(WITH_LUNCH))
BERLIN_ROUND_THE_CLOCK = BusinessCalendar(tz=BERLIN, windows=dict.fromkeys(range(7), ALL_DAY))


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


# Examples a dispatcher would count by hand.


def test_business_time_continues_next_morning_after_the_night() -> None:
    due = add_business_time(CHINA_OFFICE, shanghai(2026, 11, 16, 17), 2 * HOUR)  # a Monday

    assert due == shanghai(2026, 11, 17, 10)


def test_weekend_is_skipped() -> None:
    due = add_business_time(CHINA_OFFICE, shanghai(2026, 11, 20, 17, 30), HOUR)  # a Friday

    assert due == shanghai(2026, 11, 23, 9, 30)


def test_lunch_break_is_not_counted() -> None:
    cal = BusinessCalendar(tz=SHANGHAI, windows=monday_to_friday(WITH_LUNCH))

    assert add_business_time(cal, shanghai(2026, 11, 16, 11, 30), HOUR) == shanghai(
        2026, 11, 16, 13, 30
    )
    assert (
        business_time_between(cal, shanghai(2026, 11, 16, 11, 30), shanghai(2026, 11, 16, 13, 30))
        == HOUR
    )


def test_three_working_days_of_a_general_fault_reported_friday_evening_end_wednesday_evening() -> (
    None
):
    due = add_business_time(
        CHINA_OFFICE, shanghai(2026, 11, 20, 19), 27 * HOUR
    )  # Mon 9 h + Tue 9 h + Wed 9 h

    assert due == shanghai(2026, 11, 25, 18)


def test_new_years_day_2027_is_skipped() -> None:
    due = add_business_time(CHINA_OFFICE, shanghai(2026, 12, 31, 17), 2 * HOUR)

    # Friday 1 January 2027 is a holiday, so the next working day is Monday the 4th.
    assert due == shanghai(2027, 1, 4, 10)


# China's holidays and make-up working days, as the `holidays` package (0.84) has them.


def test_package_has_the_official_2025_national_day_holiday_and_makeup_days() -> None:
    holidays, workdays = holidays_from_package("CN", [2025])

    assert {
        date(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)
    } <= holidays  # the 4th and 5th are a weekend
    assert workdays == {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),  # Sunday
        date(2025, 10, 11),  # Saturday
    }


def test_package_carries_the_official_2026_national_day_arrangement() -> None:
    holidays, workdays = holidays_from_package("CN", [2026])

    # State Council notice for 2026: 1-7 October off (the 4th is a Sunday anyway),
    # Sunday 20 September and Saturday 10 October worked.
    assert sorted(d for d in holidays if d.month == 10) == [
        date(2026, 10, d) for d in (1, 2, 3, 5, 6, 7)
    ]
    assert {date(2026, 9, 20), date(2026, 10, 10)} <= workdays


def test_due_before_national_day_2026_lands_on_the_first_working_day_after_it() -> None:
    due = add_business_time(CHINA_OFFICE, shanghai(2026, 9, 30, 17), 2 * HOUR)

    # 1 h on Wednesday 30 Sep; 1-7 October off; Thursday the 8th at 10:00.
    assert due == shanghai(2026, 10, 8, 10)


def test_makeup_saturday_after_national_day_2026_is_worked() -> None:
    due = add_business_time(CHINA_OFFICE, shanghai(2026, 10, 9, 17), 2 * HOUR)  # a Friday

    assert due == shanghai(2026, 10, 10, 10)


def test_due_before_national_day_2025_lands_after_the_eight_day_holiday() -> None:
    due = add_business_time(CHINA_OFFICE, shanghai(2025, 9, 30, 17), 2 * HOUR)

    assert due == shanghai(2025, 10, 9, 10)


def test_makeup_sunday_is_worked_before_the_next_monday() -> None:
    due = add_business_time(CHINA_OFFICE, shanghai(2025, 9, 26, 17, 30), HOUR)  # a Friday

    assert due == shanghai(2025, 9, 28, 9, 30)


def test_makeup_days_given_by_hand_are_worked_with_the_makeup_windows() -> None:
    cal = BusinessCalendar(
        tz=SHANGHAI,
        windows=monday_to_friday(OFFICE),
        holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
        workdays=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
        makeup_windows=((time(10), time(16)),),
    )

    assert add_business_time(cal, shanghai(2026, 9, 30, 17), 2 * HOUR) == shanghai(2026, 10, 8, 10)
    assert add_business_time(cal, shanghai(2026, 10, 9, 17), 2 * HOUR) == shanghai(2026, 10, 10, 11)
    assert business_time_between(cal, shanghai(2026, 9, 19), shanghai(2026, 9, 21)) == 6 * HOUR


def test_makeup_days_default_to_the_first_worked_weekday_windows() -> None:
    cal = BusinessCalendar(
        tz=SHANGHAI, windows={1: OFFICE, 2: WITH_LUNCH}, workdays=frozenset({date(2026, 10, 10)})
    )

    assert business_time_between(cal, shanghai(2026, 10, 10), shanghai(2026, 10, 11)) == 9 * HOUR


# Edges.


def test_counting_starts_after_the_holiday_when_started_inside_it() -> None:
    due = add_business_time(CHINA_OFFICE, shanghai(2026, 10, 2, 10), HOUR)

    assert due == shanghai(2026, 10, 8, 10)


def test_start_exactly_at_opening_counts_from_the_opening() -> None:
    monday_nine = shanghai(2026, 11, 16, 9)

    assert is_working_time(CHINA_OFFICE, monday_nine)
    assert add_business_time(CHINA_OFFICE, monday_nine, HOUR) == shanghai(2026, 11, 16, 10)


def test_start_exactly_at_closing_counts_from_the_next_opening() -> None:
    monday_six = shanghai(2026, 11, 16, 18)

    assert not is_working_time(CHINA_OFFICE, monday_six)
    assert is_working_time(CHINA_OFFICE, monday_six - MICRO)
    assert add_business_time(CHINA_OFFICE, monday_six, HOUR) == shanghai(2026, 11, 17, 10)


def test_a_full_window_ends_at_its_closing_not_at_the_next_opening() -> None:
    due = add_business_time(CHINA_OFFICE, shanghai(2026, 11, 16, 9), 9 * HOUR)

    assert due == shanghai(2026, 11, 16, 18)


def test_zero_duration_returns_the_start_even_outside_working_time() -> None:
    saturday_night = shanghai(2026, 11, 21, 3, 17, 5, 42)

    assert add_business_time(CHINA_OFFICE, saturday_night, timedelta(0)) == saturday_night


def test_results_are_utc_whatever_the_input_zone() -> None:
    start_in_berlin = shanghai(2026, 11, 16, 17).astimezone(BERLIN)

    due = add_business_time(CHINA_OFFICE, start_in_berlin, 2 * HOUR)

    assert due.tzinfo is UTC
    assert due == datetime(2026, 11, 17, 2, tzinfo=UTC)


def test_window_ending_at_midnight_runs_to_the_end_of_the_day() -> None:
    evenings = BusinessCalendar(tz=SHANGHAI, windows=monday_to_friday(((time(18), time(0)),)))

    assert is_working_time(evenings, shanghai(2026, 11, 16, 23, 59, 59, 999999))
    assert not is_working_time(evenings, shanghai(2026, 11, 17, 0))
    assert add_business_time(evenings, shanghai(2026, 11, 16, 23), 2 * HOUR) == shanghai(
        2026, 11, 17, 19
    )


def test_measuring_backwards_or_nothing_is_zero() -> None:
    monday_ten = shanghai(2026, 11, 16, 10)

    assert business_time_between(CHINA_OFFICE, monday_ten, monday_ten) == timedelta(0)
    assert business_time_between(CHINA_OFFICE, monday_ten, monday_ten - HOUR) == timedelta(0)


def test_a_year_of_china_office_hours_is_counted_quickly() -> None:
    fresh = BusinessCalendar(  # not equal to CHINA_OFFICE, so nothing is cached yet
        tz=SHANGHAI,
        windows=monday_to_friday(OFFICE),
        holidays=CN_HOLIDAYS | {date(1999, 1, 1)},
        workdays=CN_WORKDAYS,
    )
    began = stopwatch.perf_counter()

    worked = business_time_between(fresh, shanghai(2026, 1, 1), shanghai(2027, 1, 1))

    # 261 weekdays in 2026, less 19 weekday holidays, plus 6 make-up days.
    assert worked == 248 * 9 * HOUR
    # A day-by-day walk takes a few ms; a minute-by-minute one would take seconds.
    assert stopwatch.perf_counter() - began < 0.2


# Daylight saving time in Berlin: windows are wall-clock hours.


def test_office_hours_keep_their_wall_clock_across_the_spring_change() -> None:
    due = add_business_time(BERLIN_OFFICE, berlin(2026, 3, 27, 17), 2 * HOUR)  # Friday, CET

    assert due == berlin(2026, 3, 30, 10)  # Monday, CEST
    assert due == datetime(2026, 3, 30, 8, tzinfo=UTC)


def test_office_hours_keep_their_wall_clock_across_the_autumn_change() -> None:
    due = add_business_time(BERLIN_OFFICE, berlin(2026, 10, 23, 17), 2 * HOUR)  # Friday, CEST

    assert due == datetime(2026, 10, 26, 9, tzinfo=UTC)  # Monday 10:00 CET


def test_round_the_clock_windows_count_real_hours_on_dst_days() -> None:
    spring_sunday = business_time_between(
        BERLIN_ROUND_THE_CLOCK, berlin(2026, 3, 29), berlin(2026, 3, 30)
    )
    autumn_sunday = business_time_between(
        BERLIN_ROUND_THE_CLOCK, berlin(2026, 10, 25), berlin(2026, 10, 26)
    )

    assert (spring_sunday, autumn_sunday) == (23 * HOUR, 25 * HOUR)
    assert add_business_time(BERLIN_ROUND_THE_CLOCK, berlin(2026, 3, 28, 12), 24 * HOUR) == berlin(
        2026, 3, 29, 13
    )


def test_a_window_spanning_the_skipped_or_repeated_hour_counts_real_time() -> None:
    night_shift = BusinessCalendar(tz=BERLIN, windows={6: ((time(1), time(4)),)})

    assert business_time_between(night_shift, berlin(2026, 3, 29), berlin(2026, 3, 30)) == 2 * HOUR
    assert (
        business_time_between(night_shift, berlin(2026, 10, 25), berlin(2026, 10, 26)) == 4 * HOUR
    )


# 24x7 clocks share the API.


def test_twenty_four_seven_is_plain_calendar_arithmetic() -> None:
    eve_of_national_day = shanghai(2026, 9, 30, 17)

    assert add_business_time(TWENTY_FOUR_SEVEN, eve_of_national_day, 48 * HOUR) == shanghai(
        2026, 10, 2, 17
    )
    assert (
        business_time_between(TWENTY_FOUR_SEVEN, eve_of_national_day, shanghai(2026, 10, 8, 17))
        == 8 * 24 * HOUR
    )
    assert is_working_time(TWENTY_FOUR_SEVEN, shanghai(2026, 10, 1, 3))


# Refusals.


def test_a_calendar_without_working_time_cannot_reach_a_due_time() -> None:
    with pytest.raises(ValueError, match="no working time"):
        add_business_time(BusinessCalendar(tz=SHANGHAI), shanghai(2026, 1, 1), HOUR)


def test_a_calendar_whose_working_days_are_all_holidays_gives_up_after_ten_years() -> None:
    mondays = frozenset(date(2026, 1, 5) + timedelta(weeks=n) for n in range(53 * 11))
    cal = BusinessCalendar(tz=SHANGHAI, windows={0: OFFICE}, holidays=mondays)

    with pytest.raises(ValueError, match="not enough working time"):
        add_business_time(cal, shanghai(2026, 1, 1), HOUR)


def test_naive_datetimes_and_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_business_time(CHINA_OFFICE, datetime(2026, 1, 1, 9), HOUR)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(CHINA_OFFICE, shanghai(2026, 1, 1, 9), -HOUR)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"windows": {0: ((time(9), time(12)), (time(11), time(18)))}},
        {"windows": {0: ((time(18), time(9)),)}},
        {"windows": {7: OFFICE}},
        {
            "windows": {0: OFFICE},
            "holidays": frozenset({date(2026, 1, 4)}),
            "workdays": frozenset({date(2026, 1, 4)}),
        },
    ],
    ids=[
        "overlapping windows",
        "window ending before it starts",
        "no weekday 7",
        "holiday and workday at once",
    ],
)
def test_inconsistent_calendars_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(tz=SHANGHAI, **kwargs)


def test_a_24x7_calendar_refuses_holidays() -> None:
    with pytest.raises(ValueError, match="24x7"):
        BusinessCalendar(tz=UTC, always_open=True, holidays=frozenset({date(2026, 1, 1)}))


def test_unknown_country_is_refused() -> None:
    with pytest.raises(ValueError, match="not available"):
        holidays_from_package("XX", [2026])


# Properties, over real calendars and random ones (odd windows, DST zones whose changes
# happen at midnight or by half an hour, random holidays and make-up days).

ZONES = [
    ZoneInfo(key)
    for key in ("Asia/Shanghai", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe")
]
YEARS = st.dates(date(2025, 1, 1), date(2027, 12, 31))


@st.composite
def day_windows(draw: st.DrawFn) -> tuple[Window, ...]:
    # Half-hour points, so that instants and durations often hit window edges exactly.
    points = sorted(draw(st.lists(st.integers(0, 48), unique=True, max_size=6)))
    as_time = [time(0) if p == 48 else time(p // 2, 30 * (p % 2)) for p in points]
    return tuple(zip(as_time[0::2], as_time[1::2], strict=False))


@st.composite
def random_calendars(draw: st.DrawFn) -> BusinessCalendar:
    windows = {weekday: draw(day_windows()) for weekday in range(7)}
    assume(any(windows.values()))
    holidays = draw(st.frozensets(YEARS, max_size=40))
    return BusinessCalendar(
        tz=draw(st.sampled_from(ZONES)),
        windows=windows,
        holidays=holidays,
        workdays=draw(st.frozensets(YEARS, max_size=10)) - holidays,
    )


calendars = st.one_of(
    st.sampled_from([CHINA_OFFICE, BERLIN_OFFICE, BERLIN_ROUND_THE_CLOCK]), random_calendars()
)
instants = st.one_of(
    st.datetimes(
        datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.sampled_from([UTC, *ZONES])
    ),
    st.datetimes(
        datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.sampled_from(ZONES)
    ).map(
        lambda moment: moment.replace(minute=30 * (moment.minute // 30), second=0, microsecond=0)
    ),
)


def durations(up_to: timedelta) -> st.SearchStrategy[timedelta]:
    return st.one_of(
        st.integers(0, int(up_to.total_seconds())).map(lambda seconds: timedelta(seconds=seconds)),
        st.integers(0, int(up_to / timedelta(minutes=30))).map(
            lambda half_hours: timedelta(minutes=30 * half_hours)
        ),
    )


def six_weeks_of_work(cal: BusinessCalendar) -> timedelta:
    """About 30 business days of a Mon-Fri office; no more than a sparse random calendar
    can give within years."""
    minutes = sum(
        (1440 if end == time(0) else end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        for windows in cal.windows.values()
        for start, end in windows
    )
    return timedelta(minutes=6 * minutes)


Case = tuple[BusinessCalendar, list[timedelta]]


def with_durations(count: int) -> st.SearchStrategy[Case]:
    return calendars.flatmap(
        lambda cal: st.tuples(
            st.just(cal),
            st.lists(durations(six_weeks_of_work(cal)), min_size=count, max_size=count).map(sorted),
        )
    )


property_settings = settings(deadline=None, max_examples=100)


@property_settings
@given(case=with_durations(1), start=instants)
def test_measuring_what_was_added_gives_it_back(case: Case, start: datetime) -> None:
    cal, [duration] = case

    due = add_business_time(cal, start, duration)

    assert due >= start
    assert business_time_between(cal, start, due) == duration


@property_settings
@given(case=with_durations(1), start=instants)
def test_a_due_time_closes_working_time_and_is_the_earliest(case: Case, start: datetime) -> None:
    cal, [duration] = case
    assume(duration > timedelta(0))

    due = add_business_time(cal, start, duration)

    # Inside a window or exactly at its end: the instant just before is worked, and
    # one microsecond less of business time would have been reached just then.
    assert is_working_time(cal, due - MICRO)
    assert business_time_between(cal, start, due - MICRO) == duration - MICRO


@property_settings
@given(cal=calendars, moments=st.lists(instants, min_size=3, max_size=3).map(sorted))
def test_measuring_is_additive(cal: BusinessCalendar, moments: list[datetime]) -> None:
    a, b, c = moments

    assert business_time_between(cal, a, b) + business_time_between(
        cal, b, c
    ) == business_time_between(cal, a, c)


@property_settings
@given(case=with_durations(2), start=instants)
def test_adding_more_never_ends_earlier(case: Case, start: datetime) -> None:
    cal, [shorter, longer] = case

    assert add_business_time(cal, start, shorter) <= add_business_time(cal, start, longer)


@property_settings
@given(cal=calendars, moments=st.lists(instants, min_size=3, max_size=3).map(sorted))
def test_measuring_over_a_longer_span_never_gives_less(
    cal: BusinessCalendar, moments: list[datetime]
) -> None:
    a, b, c = moments

    assert (
        business_time_between(cal, b, c)
        <= business_time_between(cal, a, c)
        >= business_time_between(cal, a, b)
    )
    # Subtracting in UTC: datetimes sharing a zone subtract wall clocks, ignoring DST.
    assert business_time_between(cal, a, c) <= c.astimezone(UTC) - a.astimezone(UTC)


@property_settings
@given(cal=calendars, instant=instants)
def test_working_time_is_where_business_time_passes(
    cal: BusinessCalendar, instant: datetime
) -> None:
    next_microsecond = (
        instant.astimezone(UTC) + MICRO
    )  # in UTC, so that a repeated wall hour cannot bite
    assert is_working_time(cal, instant) == (
        business_time_between(cal, instant, next_microsecond) == MICRO
    )


@property_settings
@given(start=instants, duration=durations(timedelta(days=30)), zone=st.sampled_from(ZONES))
def test_round_the_clock_windows_agree_with_twenty_four_seven(
    start: datetime, duration: timedelta, zone: ZoneInfo
) -> None:
    round_the_clock = BusinessCalendar(tz=zone, windows=dict.fromkeys(range(7), ALL_DAY))

    assert add_business_time(round_the_clock, start, duration) == add_business_time(
        TWENTY_FOUR_SEVEN, start, duration
    )
    # In UTC: adding to a Berlin datetime would move its wall clock, not the instant.
    assert add_business_time(TWENTY_FOUR_SEVEN, start, duration) == start.astimezone(UTC) + duration


# Coverage: a calendar knows its holidays only on some dates (ranges with gaps between
# them). `covers` must say exactly whether a span stays on known dates, and a due time
# it vouches for must not move whatever the unknown dates turn out to be.


@st.composite
def gapped_coverage(draw: st.DrawFn) -> tuple[tuple[date, date], ...]:
    """Up to four disjoint date ranges over 2025-2027, usually with gaps between them."""
    cuts = sorted(
        draw(
            st.lists(
                st.dates(date(2025, 1, 1), date(2027, 12, 31)), unique=True, min_size=0, max_size=8
            )
        )
    )
    return tuple((low, high) for low, high in zip(cuts[0::2], cuts[1::2], strict=False))


def _dates_between(cal: BusinessCalendar, start: datetime, end: datetime) -> list[date]:
    first, last = start.astimezone(cal.tz).date(), max(start, end).astimezone(cal.tz).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _known(coverage, day: date) -> bool:
    return any(low <= day <= high for low, high in coverage)


@property_settings
@given(case=with_durations(1), coverage=gapped_coverage(), start=instants)
def test_coverage_flags_exactly_the_spans_that_touch_an_unknown_date(
    case: Case, coverage, start: datetime
) -> None:
    cal, [duration] = case
    assume(not cal.always_open)
    covered = replace(cal, coverage=coverage)
    due = add_business_time(covered, start, duration)
    assert due == add_business_time(
        cal, start, duration
    )  # coverage flags, it never moves a due time
    assert covers(covered, start, due) == all(
        _known(coverage, day) for day in _dates_between(cal, start, due)
    )
    assert covers(cal, start, due)  # no coverage given: no limit


@property_settings
@given(
    case=with_durations(1),
    others=gapped_coverage(),
    start=instants,
    margin=st.integers(0, 20),
    unknown=st.frozensets(st.dates(date(2024, 12, 1), date(2028, 6, 30)), max_size=30),
    as_workdays=st.booleans(),
)
def test_a_due_time_inside_coverage_stays_whatever_the_unknown_dates_turn_out_to_be(
    case: Case, others, start: datetime, margin: int, unknown: frozenset[date], as_workdays: bool
) -> None:
    cal, [duration] = case
    assume(not cal.always_open)
    due = add_business_time(cal, start, duration)
    span = _dates_between(cal, start, due)
    # known: the span (a few days more on either side) and other ranges with gaps
    coverage = (*others, (span[0] - timedelta(days=margin), span[-1] + timedelta(days=margin)))
    covered = replace(cal, coverage=coverage)
    assert covers(covered, start, due)
    news = frozenset(day for day in unknown if not _known(coverage, day))
    if as_workdays:
        changed = replace(covered, workdays=(cal.workdays | news) - cal.holidays)
    else:
        changed = replace(covered, holidays=cal.holidays | news, workdays=cal.workdays - news)
    assert add_business_time(changed, start, duration) == due


def test_a_fault_reported_beyond_the_calendars_years_is_flagged() -> None:
    """The issue's case: coverage through 2027, a general fault on Mon 2028-01-24 10:00."""
    cal = replace(CHINA_OFFICE, coverage=((date(2025, 1, 1), date(2027, 12, 31)),))
    start = datetime(2028, 1, 24, 10, tzinfo=SHANGHAI)
    due = add_business_time(cal, start, 27 * HOUR)
    assert not covers(cal, start, due)
    assert covers(
        cal,
        datetime(2027, 12, 27, 10, tzinfo=SHANGHAI),
        datetime(2027, 12, 31, 18, tzinfo=SHANGHAI),
    )
    assert not covers(
        cal, datetime(2027, 12, 31, 10, tzinfo=SHANGHAI), datetime(2028, 1, 3, 10, tzinfo=SHANGHAI)
    )


def test_the_package_knows_china_only_for_years_with_the_official_notice() -> None:
    assert package_knows("CN", 2026) and not package_knows("CN", 2027)
    assert package_knows("DE", 2030)  # rule-based holidays
    with pytest.raises(ValueError):
        package_knows("XX", 2026)


def test_holiday_names_follow_the_reader_and_leave_typed_names_alone():
    from sla.calendar import holiday_name_in

    spring = date(2027, 2, 6)
    assert holiday_name_in("CN", spring, "Chinese New Year (Spring Festival)", "zh-hans") == "春节"
    assert holiday_name_in("cn", spring, "春节", "en") == "Chinese New Year (Spring Festival)"
    assert holiday_name_in("CN", spring, "Plant shutdown", "zh-hans") == "Plant shutdown"
    assert holiday_name_in("CN", date(2027, 2, 1), "春节", "en") == "春节"  # not that day's
    assert holiday_name_in("", spring, "春节", "en") == "春节"
