from datetime import UTC, date, datetime, timedelta

import pytest

from inspections import services
from inspections.models import Inspection, InspectionPlan, MaintenanceTask
from tests.factories.inspections import InspectionFactory, MaintenancePlanFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _dates(plan):
    return list(plan.inspections.order_by("scheduled_for").values_list("scheduled_for", flat=True))


def test_generation_creates_the_dates_within_the_horizon(plan_a):
    services.generate_due(now=NOW, horizon_days=60)
    assert _dates(plan_a) == [date(2026, 3, 15), date(2026, 4, 15)]
    inspection = plan_a.inspections.first()
    assert inspection.assignee == plan_a.default_engineer
    assert inspection.service_center == plan_a.site.service_center
    assert inspection.checklist_template == plan_a.checklist_template


def test_generation_run_twice_creates_the_same_rows(plan_a, plan_b):
    services.generate_due(now=NOW, horizon_days=90)
    first = list(Inspection.objects.order_by("pk").values_list("pk", "plan_id", "scheduled_for"))
    services.generate_due(now=NOW, horizon_days=90)
    services.generate_due(now=NOW + timedelta(hours=5), horizon_days=90)
    assert (
        list(Inspection.objects.order_by("pk").values_list("pk", "plan_id", "scheduled_for"))
        == first
    )
    assert len(first) == 6


def test_the_unique_constraint_refuses_a_second_inspection_for_the_same_date(plan_a):
    from django.db import IntegrityError, transaction

    InspectionFactory(plan=plan_a, scheduled_for=date(2026, 3, 15))
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionFactory(plan=plan_a, scheduled_for=date(2026, 3, 15))


def test_an_edited_plan_does_not_duplicate_dates_it_already_generated(plan_a):
    services.generate_due(now=NOW, horizon_days=60)
    assert _dates(plan_a) == [date(2026, 3, 15), date(2026, 4, 15)]
    plan_a.anchor_date = date(2026, 1, 20)  # moved from the 15th to the 20th
    plan_a.save()
    services.generate_due(now=NOW, horizon_days=60)
    # Nothing is added in the months already planned; the new day applies afterwards.
    assert _dates(plan_a) == [date(2026, 3, 15), date(2026, 4, 15)]
    services.generate_due(now=NOW + timedelta(days=30), horizon_days=60)
    assert _dates(plan_a) == [date(2026, 3, 15), date(2026, 4, 15), date(2026, 5, 20)]


def test_inactive_and_ended_plans_generate_nothing(plan_a, plan_b):
    plan_a.active = False
    plan_a.save()
    plan_b.active_until = date(2026, 2, 28)
    plan_b.save()
    services.generate_due(now=NOW, horizon_days=60)
    assert Inspection.objects.count() == 0


def test_site_time_zone_decides_which_day_is_today(plan_a):
    # 07:30 UTC on 1 March: already 15:30 on 1 March in Shanghai (the server's zone) but
    # still 23:30 on 28 February in Los Angeles.
    now = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)
    plan_a.recurrence, plan_a.anchor_date, plan_a.active_from = (
        InspectionPlan.Recurrence.MONTHLY,
        date(2026, 1, 28),
        date(2026, 1, 1),
    )
    plan_a.save()
    services.generate_due(now=now, horizon_days=0)
    assert _dates(plan_a) == []  # in Shanghai the 28 February has passed
    plan_a.time_zone = "America/Los_Angeles"
    plan_a.save()
    services.generate_due(now=now, horizon_days=0)
    assert _dates(plan_a) == [date(2026, 2, 28)]


def test_rrule_plan_generates_first_mondays(plan_a):
    plan_a.recurrence, plan_a.rrule = InspectionPlan.Recurrence.RRULE, "FREQ=MONTHLY;BYDAY=1MO"
    plan_a.save()
    services.generate_due(now=NOW, horizon_days=70)
    assert _dates(plan_a) == [date(2026, 3, 2), date(2026, 4, 6), date(2026, 5, 4)]


def test_missed_after_date_plus_grace_in_the_sites_zone(plan_a, world):
    inspection = InspectionFactory(plan=plan_a, scheduled_for=date(2026, 3, 1))
    done = InspectionFactory(
        plan=plan_a, scheduled_for=date(2026, 2, 1), status=Inspection.Status.COMPLETED
    )
    # Grace 3 days: missed once the site's date is 5 March.
    before = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # 23:00 on 4 March in Shanghai
    assert services.mark_missed(now=before)["missed"] == 0
    after = datetime(2026, 3, 4, 16, 30, tzinfo=UTC)  # 00:30 on 5 March in Shanghai
    assert services.mark_missed(now=after)["missed"] == 1
    assert services.mark_missed(now=after)["missed"] == 0
    inspection.refresh_from_db()
    done.refresh_from_db()
    assert inspection.status == Inspection.Status.MISSED and inspection.missed_at == after
    assert done.status == Inspection.Status.COMPLETED
    assert inspection.history.first().status == Inspection.Status.MISSED


def test_missed_notification_goes_to_the_dispatchers_exactly_once(
    plan_a, world, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr("notifications.services.notify", lambda **kw: calls.append(kw))
    InspectionFactory(plan=plan_a, scheduled_for=date(2026, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_missed(now=datetime(2026, 3, 10, tzinfo=UTC))
        services.mark_missed(now=datetime(2026, 3, 10, tzinfo=UTC))
    assert len(calls) == 1
    assert calls[0]["event"] == "inspection_missed"
    assert calls[0]["recipients"] == [world.dispatcher]


def test_grace_days_come_from_the_setting(plan_a, settings):
    settings.INSPECTION_GRACE_DAYS = 10
    InspectionFactory(plan=plan_a, scheduled_for=date(2026, 3, 1))
    assert services.mark_missed(now=datetime(2026, 3, 8, tzinfo=UTC))["missed"] == 0
    assert services.mark_missed(now=datetime(2026, 3, 12, tzinfo=UTC))["missed"] == 1


def test_maintenance_tasks_generated_once_and_overdue_after_their_date(world):
    plan = MaintenancePlanFactory(
        equipment=world.equipment_a,
        start_date=date(2026, 3, 10),
        interval_count=2,
        interval_unit="weeks",
    )
    services.generate_due(now=NOW, horizon_days=30)
    services.generate_due(now=NOW, horizon_days=30)
    assert list(plan.tasks.values_list("due_on", flat=True)) == [
        date(2026, 3, 10),
        date(2026, 3, 24),
    ]
    assert services.mark_missed(now=datetime(2026, 3, 11, tzinfo=UTC))["overdue"] == 1
    assert plan.tasks.get(due_on=date(2026, 3, 10)).status == MaintenanceTask.Status.OVERDUE


def test_maintenance_on_non_critical_equipment_generates_nothing(world):
    MaintenancePlanFactory(equipment=world.equipment_b, start_date=date(2026, 3, 10))
    services.generate_due(now=NOW, horizon_days=30)
    assert MaintenanceTask.objects.count() == 0
