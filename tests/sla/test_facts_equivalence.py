"""The dashboard read from the daily facts equals the dashboard computed from the rows,
figure for figure, after random histories of tickets (reports, triage, reassignment,
visits, sweeps, resolutions, follow-ups, reopenings, cancellations, closes), for random
periods and filters; and equals it again after the facts are compacted and rebuilt."""

import random
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sla import dashboard_facts, facts, kpis
from sla.models import DailyFact
from sla.services import sweep
from tests.factories.sla import dispatch, move, report, triage
from tests.sla.conftest import cst

pytestmark = pytest.mark.django_db
START = cst(2026, 2, 20)


def _history(w, rnd: random.Random, tickets: int) -> None:
    engineers = [w.users.engineer1, w.users.engineer2, None]
    for _ in range(tickets):
        site, unit = rnd.choice([(w.site_a, w.equipment_a), (w.site_b, w.equipment_b)])
        at = START + timedelta(days=rnd.uniform(0, 60))
        kind = rnd.choice(["fault", "fault", "consultation", "request"])
        t = report(site=site, at=at, kind=kind, equipment=unit if rnd.random() < 0.8 else None)
        if rnd.random() < 0.15:
            move(t, "cancelled", at + timedelta(minutes=rnd.uniform(1, 60)), status="cancelled")
            continue
        at += timedelta(minutes=rnd.uniform(2, 40))
        if rnd.random() < 0.1:  # the sweep sees a late triage first
            sweep(now=at)
            t.refresh_from_db()  # as the services re-read the locked row
        t = triage(
            t, at, rnd.choice(["major", "urgent", "general"]), assignee=rnd.choice(engineers)
        )
        if rnd.random() < 0.3:  # reassigned: no clock moves, the service refreshes the facts
            t.assignee = rnd.choice(engineers)
            t.save(update_fields=["assignee", "updated_at"])
            facts.refresh_ticket(ticket=t)
        at += timedelta(minutes=rnd.uniform(5, 180))
        move(t, "responded", at)
        if rnd.random() < 0.25:  # a restore breach escalates: the expert takes the ticket
            sweep(now=at + timedelta(hours=rnd.uniform(0, 30)))
            t.refresh_from_db()
        if kind == "fault" and rnd.random() < 0.4:
            visit = dispatch(t, at, w.users.engineer1)
            at += timedelta(hours=rnd.uniform(0.5, 6))
            move(t, "arrived", at, visit=visit)
        if rnd.random() < 0.2:
            move(t, "cancelled", at + timedelta(hours=1), status="cancelled")
            continue
        if rnd.random() < 0.15:
            continue  # still open
        at += timedelta(hours=rnd.uniform(0.5, 80))
        resolution = rnd.choice(["remote", "onsite"])
        move(t, "resolved", at, status="resolved", resolved_at=at, resolution=resolution)
        if rnd.random() < 0.2:
            move(t, "reopened", at + timedelta(hours=3), status="in_progress")
            at += timedelta(hours=rnd.uniform(4, 30))
            move(t, "resolved", at, status="resolved", resolved_at=at, resolution=resolution)
        if rnd.random() < 0.6:
            at += timedelta(hours=rnd.uniform(1, 40))
            move(t, "followed_up", at, status="closed", followed_up_at=at, satisfaction=4)
            move(t, "closed", at, status="closed")
        elif rnd.random() < 0.5:
            move(t, "closed", at + timedelta(days=3), status="closed")
    sweep(now=START + timedelta(days=70))


def _filters(w, rnd: random.Random) -> list[kpis.Filters]:
    out = []
    for _ in range(6):
        first = START.date() + timedelta(days=rnd.randrange(0, 50))
        last = first + timedelta(days=rnd.choice([0, 6, 30, 90]))
        scope = rnd.choice(
            [
                {},
                {"organization": w.org_a.pk},
                {"site": w.site_b.pk},
                {"service_center": w.regional.pk},
                {"service_center": w.local.pk},
            ]
        )
        out.append(
            kpis.filters_for(
                start=first,
                end=last,
                severity=rnd.choice(["", "", "major", "general"]),
                bucket=rnd.choice(["week", "month"]),
                **scope,
            )
        )
    return out


def _assert_same(w, filters) -> None:
    for user in (w.users.manager, w.users.admin, w.users.dispatcher):
        for f in filters:
            assert dashboard_facts.applies(user, f)
            assert dashboard_facts.dashboard(user, f) == kpis.dashboard_from_rows(user, f), f


@pytest.mark.parametrize("seed", range(4))
def test_facts_figures_equal_the_rows_after_random_histories(world, seed):
    rnd = random.Random(seed)
    _history(world, rnd, tickets=8)
    filters = [kpis.filters_for(start=START.date(), end=START.date() + timedelta(days=80))]
    filters += _filters(world, rnd)
    _assert_same(world, filters)
    assert DailyFact.objects.filter(fresh=True).exists()
    facts.compact()
    assert not DailyFact.objects.filter(fresh=True).exists()
    _assert_same(world, filters)
    kept = Counter(DailyFact.objects.values_list(*facts.KEY, *facts.MEASURES))
    facts.rebuild()
    assert Counter(DailyFact.objects.values_list(*facts.KEY, *facts.MEASURES)) == kept
    _assert_same(world, filters)


def _long_filters(w, rnd: random.Random) -> list[kpis.Filters]:
    """Periods of up to a year with whole months (rolled up) and days at both ends."""
    out = []
    for first, last in (
        (START.date() - timedelta(days=300), START.date() + timedelta(days=64)),  # a year
        (START.date().replace(month=1, day=1), START.date().replace(month=12, day=31)),
        (START.date() + timedelta(days=9), START.date() + timedelta(days=61)),  # March whole
    ):
        for scope in ({}, {"organization": w.org_a.pk}, {"site": w.site_b.pk}):
            out.append(
                kpis.filters_for(
                    start=first,
                    end=last,
                    severity=rnd.choice(["", "major", "general"]),
                    bucket=rnd.choice(["week", "month"]),
                    **scope,
                )
            )
    return out


@pytest.mark.parametrize("seed", range(2))
def test_a_year_sums_the_monthly_rows_and_the_days_around_them(world, seed):
    """Whole months are read from the monthly roll-up, the other days and the days not
    folded yet (fresh) from the daily rows: equal to the rows before, between and after
    compactions, for years and filters, by week and by month."""
    rnd = random.Random(100 + seed)
    _history(world, rnd, tickets=6)
    facts.compact()
    monthly = DailyFact.objects.filter(monthly=True)
    assert set(monthly.values_list("day", flat=True)) >= {
        START.date().replace(month=3, day=1),
        START.date().replace(month=4, day=1),
    }
    # Later changes: new tickets in the same months, and sweeps of the older ones.
    _history(world, rnd, tickets=6)
    assert DailyFact.objects.filter(fresh=True).exists()
    filters = _long_filters(world, rnd)
    year = filters[0]
    assert DailyFact.objects.filter(dashboard_facts.period_q(year), monthly=True).exists()
    assert DailyFact.objects.filter(dashboard_facts.period_q(year), fresh=True).exists()
    _assert_same(world, filters)
    facts.compact(days=5)  # some days folded, their months rolled up again
    assert DailyFact.objects.filter(fresh=True).exists()
    _assert_same(world, filters)
    facts.compact()
    _assert_same(world, filters)
    # The monthly rows are the sums of the folded daily rows (failures aside, whose
    # resolution day a month keeps only when it is after the month).
    for fact in (DailyFact.Fact.CLOCK, DailyFact.Fact.MISS, DailyFact.Fact.REPORTED):
        by_month = Counter()
        for day, n in DailyFact.objects.filter(fact=fact, monthly=False).values_list("day", "n"):
            by_month[day.replace(day=1)] += n
        rolled = Counter()
        for day, n in DailyFact.objects.filter(fact=fact, monthly=True).values_list("day", "n"):
            rolled[day] += n
        assert +rolled == +by_month


def test_a_zone_with_other_days_reads_the_rows(world):
    month = kpis.filters_for(start=START.date(), end=START.date() + timedelta(days=30))
    assert dashboard_facts.applies(world.users.manager, month)
    assert not dashboard_facts.applies(world.users.customer_a, month)  # not a dashboard scope
    with timezone.override(ZoneInfo("Asia/Singapore")):  # +8 like Shanghai, no DST since 1982
        same = kpis.filters_for(start=START.date(), end=START.date() + timedelta(days=30))
        assert dashboard_facts.applies(world.users.manager, same)
    with timezone.override(ZoneInfo("Europe/Berlin")):
        other = kpis.filters_for(start=START.date(), end=START.date() + timedelta(days=30))
        assert not dashboard_facts.applies(world.users.manager, other)
        triage(report(site=world.site_a, at=cst(2026, 3, 1, 7)), cst(2026, 3, 1, 7, 5), "major")
        # 07:00 in Shanghai is the last day of February in Berlin: counted in Berlin's days
        assert kpis.dashboard(world.users.manager, other) == kpis.dashboard_from_rows(
            world.users.manager, other
        )


def test_the_compaction_task_folds_fresh_rows(world):
    from sla.tasks import compact_facts

    for day in (2, 3):
        triage(report(site=world.site_a, at=cst(2026, 3, day, 9)), cst(2026, 3, day, 9, 5))
    month = kpis.filters_for(start=START.date(), end=START.date() + timedelta(days=30))
    before = kpis.dashboard(world.users.manager, month)
    assert compact_facts.apply().get() == 2  # two days folded
    assert compact_facts.apply().get() == 0
    assert not DailyFact.objects.filter(fresh=True).exists()
    assert kpis.dashboard(world.users.manager, month) == before
