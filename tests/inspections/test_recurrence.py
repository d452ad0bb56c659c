from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspections import recurrence


def test_monthly_on_the_31st_falls_back_to_the_last_day_of_shorter_months():
    days = recurrence.occurrences(
        recurrence="monthly",
        anchor=date(2026, 1, 31),
        start=date(2026, 1, 1),
        end=date(2026, 5, 31),
    )
    assert days == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]


def test_monthly_on_the_31st_in_a_leap_year_february():
    days = recurrence.occurrences(
        recurrence="monthly",
        anchor=date(2027, 12, 31),
        start=date(2028, 2, 1),
        end=date(2028, 3, 31),
    )
    assert days == [date(2028, 2, 29), date(2028, 3, 31)]


def test_quarterly_repeats_every_third_month_from_the_anchor():
    days = recurrence.occurrences(
        recurrence="quarterly",
        anchor=date(2026, 2, 10),
        start=date(2026, 3, 1),
        end=date(2027, 2, 28),
    )
    assert days == [date(2026, 5, 10), date(2026, 8, 10), date(2026, 11, 10), date(2027, 2, 10)]


def test_first_monday_of_each_month():
    days = recurrence.occurrences(
        recurrence="rrule",
        rule="FREQ=MONTHLY;BYDAY=1MO",
        anchor=date(2026, 1, 1),
        start=date(2026, 1, 1),
        end=date(2026, 6, 30),
    )
    assert days == [
        date(2026, 1, 5),
        date(2026, 2, 2),
        date(2026, 3, 2),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 6, 1),
    ]
    assert all(day.weekday() == 0 and day.day <= 7 for day in days)


def test_rrule_until_is_respected():
    days = recurrence.occurrences(
        recurrence="rrule",
        rule="RRULE:FREQ=WEEKLY;UNTIL=20260122",
        anchor=date(2026, 1, 1),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    assert days == [date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15), date(2026, 1, 22)]


def test_utc_until_is_read_in_the_plans_time_zone():
    # 2026-01-21 18:00 UTC is already 22 January 02:00 in Shanghai but still 21 January in UTC.
    rule = "FREQ=WEEKLY;UNTIL=20260121T180000Z"
    kwargs = {
        "recurrence": "rrule",
        "rule": rule,
        "anchor": date(2026, 1, 1),
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
    }
    assert recurrence.occurrences(**kwargs, zone="Asia/Shanghai")[-1] == date(2026, 1, 22)
    assert recurrence.occurrences(**kwargs, zone="UTC")[-1] == date(2026, 1, 15)


def test_plan_end_date_cuts_the_occurrences():
    days = recurrence.occurrences(
        recurrence="monthly",
        anchor=date(2026, 1, 15),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        until=date(2026, 3, 20),
    )
    assert days == [date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15)]


@pytest.mark.parametrize(
    "rule",
    ["FREQ=HOURLY", "DTSTART:20260101\nRRULE:FREQ=DAILY", "nonsense", "FREQ=MONTHLY;BYDAY=XX", ""],
)
def test_invalid_rules_are_refused(rule):
    with pytest.raises(ValueError):
        recurrence.validate_rrule(rule)


def test_maintenance_intervals_in_days_weeks_and_months():
    assert recurrence.interval_dates(
        start_date=date(2026, 1, 1),
        count=10,
        unit="days",
        start=date(2026, 1, 5),
        end=date(2026, 2, 1),
    ) == [date(2026, 1, 11), date(2026, 1, 21), date(2026, 1, 31)]
    assert recurrence.interval_dates(
        start_date=date(2026, 1, 1),
        count=2,
        unit="weeks",
        start=date(2026, 1, 1),
        end=date(2026, 2, 1),
    ) == [date(2026, 1, 1), date(2026, 1, 15), date(2026, 1, 29)]
    assert recurrence.interval_dates(
        start_date=date(2026, 8, 31),
        count=6,
        unit="months",
        start=date(2026, 9, 1),
        end=date(2027, 12, 31),
    ) == [date(2027, 2, 28), date(2027, 8, 31)]


@given(
    anchor=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    months=st.integers(min_value=1, max_value=24),
)
def test_monthly_dates_are_one_per_month_on_the_anchor_day_or_the_month_end(anchor, months):
    end = date(min(anchor.year + 3, 2103), 12, 31)
    days = recurrence.every_n_months(anchor, months, anchor, end)
    assert days[0] == anchor
    for day in days:
        month_end = (day + timedelta(days=1)).day == 1
        assert day.day == anchor.day or (day.day < anchor.day and month_end)
    steps = {
        (b.year - a.year) * 12 + b.month - a.month for a, b in zip(days, days[1:], strict=False)
    }
    assert steps <= {months}
