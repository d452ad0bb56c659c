"""The operator-training obligation follows the contract's delivery date (set,
changed, cleared), is fulfilled by a passing attendance in an operational course, and
the sweep warns a week ahead and flags the lapse exactly once however often it runs."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from tests.factories.training import SessionFactory
from training import services, tasks
from training.models import TrainingObligation

from .conftest import enrol

pytestmark = pytest.mark.django_db
API = "/api/v1"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _at(day: datetime.date, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _set_delivery(api, world, day):
    response = api.as_user(world.manager).patch(
        f"{API}/contracts/{world.contract_a.pk}/",
        {"delivery_date": day.isoformat() if day else None},
        format="json",
    )
    assert response.status_code == 200, response.content
    return TrainingObligation.objects.filter(contract=world.contract_a).first()


# --- following the delivery date ---------------------------------------------------
def test_setting_the_delivery_date_creates_an_obligation_due_a_month_later(api, world):
    assert not TrainingObligation.objects.exists()
    obligation = _set_delivery(api, world, datetime.date(2026, 11, 10))
    assert (obligation.organization, obligation.due_on, obligation.status) == (
        world.org_a,
        datetime.date(2026, 12, 10),
        "open",
    )
    assert obligation.history.first().history_user == world.manager


def test_a_month_after_the_31st_is_the_end_of_the_next_month(api, world):
    assert _set_delivery(api, world, datetime.date(2027, 1, 31)).due_on == datetime.date(
        2027, 2, 28
    )


def test_changing_the_delivery_date_moves_the_due_date_and_resets_the_flags(api, world):
    obligation = _set_delivery(api, world, datetime.date(2026, 11, 10))
    TrainingObligation.objects.filter(pk=obligation.pk).update(warned_at=timezone.now())
    obligation = _set_delivery(api, world, datetime.date(2026, 12, 20))
    assert (obligation.due_on, obligation.delivery_date, obligation.warned_at) == (
        datetime.date(2027, 1, 20),
        datetime.date(2026, 12, 20),
        None,
    )
    assert TrainingObligation.objects.count() == 1


def test_clearing_the_delivery_date_cancels_and_setting_it_again_reopens(api, world):
    _set_delivery(api, world, datetime.date(2026, 11, 10))
    obligation = _set_delivery(api, world, None)
    assert obligation.status == "cancelled" and obligation.cancelled_at is not None
    obligation = _set_delivery(api, world, datetime.date(2026, 11, 20))
    assert (obligation.status, obligation.due_on, obligation.cancelled_at) == (
        "open",
        datetime.date(2026, 12, 20),
        None,
    )


def test_saving_the_contract_unchanged_writes_nothing(api, world):
    obligation = _set_delivery(api, world, datetime.date(2026, 11, 10))
    _set_delivery(api, world, datetime.date(2026, 11, 10))
    assert obligation.history.count() == 1


def test_a_fulfilled_obligation_keeps_its_dates(world, session_a, after_start):
    world.contract_a.delivery_date = datetime.date(2026, 11, 10)
    world.contract_a.save()
    obligation = services.obligation_sync_for_contract(contract=world.contract_a)
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    with after_start(session_a):
        services.record_attendance(
            enrollment=enrollment, actor=world.engineer1, attended=True, score=90, passed=True
        )
    world.contract_a.delivery_date = datetime.date(2027, 3, 1)
    world.contract_a.save()
    services.obligation_sync_for_contract(contract=world.contract_a)
    obligation.refresh_from_db()
    assert (obligation.status, obligation.due_on) == ("fulfilled", datetime.date(2026, 12, 10))


def test_the_contract_admin_keeps_the_obligation_in_step(client, world):
    client.force_login(world.admin)
    contract = world.contract_a
    data = {
        "organization": world.org_a.pk,
        "number": contract.number,
        "title": "",
        "sites": [world.site_a.pk],
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "delivery_date": "2026-11-10",
        "inspection_frequency": "monthly",
        "training_entitlement": 5,
        "notes": "",
    }
    response = client.post(f"/admin/assets/servicecontract/{contract.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TrainingObligation.objects.get(contract=contract).due_on == datetime.date(2026, 12, 10)


# --- fulfilment ---------------------------------------------------------------------
@pytest.fixture
def obligation_a(world):
    world.contract_a.delivery_date = datetime.date(2026, 11, 10)
    world.contract_a.save()
    return services.obligation_sync_for_contract(contract=world.contract_a)


def test_a_passing_attendance_in_an_operational_session_fulfils_the_obligation(
    world, session_a, obligation_a, after_start
):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    with after_start(session_a):
        services.record_attendance(
            enrollment=enrollment, actor=world.engineer1, attended=True, score=75, passed=True
        )
    obligation_a.refresh_from_db()
    assert obligation_a.status == "fulfilled"
    assert obligation_a.fulfilled_by == enrollment
    assert obligation_a.fulfilled_on == timezone.localdate(session_a.starts_at)


def test_failing_or_advanced_training_does_not_fulfil(
    world, session_a, open_session, obligation_a, after_start
):
    failed = enrol(session_a, world.customer_a2, world.customer_a)
    advanced = enrol(open_session, world.customer_a, world.customer_a)
    with after_start(session_a):
        services.record_attendance(
            enrollment=failed, actor=world.engineer1, attended=True, score=40, passed=False
        )
    with after_start(open_session):
        services.record_attendance(
            enrollment=advanced, actor=world.expert, attended=True, score=95, passed=True
        )
    obligation_a.refresh_from_db()
    assert obligation_a.status == "open" and obligation_a.fulfilled_by is None


def test_a_lapsed_obligation_is_still_fulfilled_later(world, operational, obligation_a):
    late = _at(obligation_a.due_on + datetime.timedelta(days=10))
    with time_machine.travel(late - datetime.timedelta(days=5), tick=False):
        services.check_obligations()
        session = SessionFactory(
            course=operational,
            organization=world.org_a,
            trainer=world.engineer1,
            starts_at=late,
            ends_at=late + datetime.timedelta(hours=3),
        )
        enrollment = enrol(session, world.customer_a2, world.customer_a)
    with time_machine.travel(late + datetime.timedelta(hours=1), tick=False):
        services.record_attendance(
            enrollment=enrollment, actor=world.engineer1, attended=True, passed=True
        )
    obligation_a.refresh_from_db()
    assert obligation_a.status == "fulfilled" and obligation_a.lapsed_at is not None
    assert obligation_a.fulfilled_on > obligation_a.due_on


# --- the sweep: warning and lapse, each once --------------------------------------------
def _events(event):
    return sorted(
        Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
    )


def test_warning_and_lapse_are_each_sent_once_however_often_the_task_runs(
    world, obligation_a, django_capture_on_commit_callbacks
):
    due = obligation_a.due_on  # 2026-12-10
    steps = [
        (due - datetime.timedelta(days=8), 0, 0),
        (due - datetime.timedelta(days=7), 1, 0),
        (due - datetime.timedelta(days=3), 0, 0),
        (due, 0, 0),
        (due + datetime.timedelta(days=1), 0, 1),
        (due + datetime.timedelta(days=30), 0, 0),
    ]
    for day, warned, lapsed in steps:
        for hour in (0, 9, 23):  # the hourly beat runs many times a day
            with (
                time_machine.travel(_at(day, hour), tick=False),
                django_capture_on_commit_callbacks(execute=True),
            ):
                result = tasks.check_obligations.apply().get()
            assert result == {
                "warned": warned if hour == 0 else 0,
                "lapsed": lapsed if hour == 0 else 0,
            }, (day, hour)
    obligation_a.refresh_from_db()
    assert obligation_a.status == "lapsed"
    assert timezone.localdate(obligation_a.warned_at) == due - datetime.timedelta(days=7)
    assert timezone.localdate(obligation_a.lapsed_at) == due + datetime.timedelta(days=1)
    # dispatchers of the site's centre and organisation A's customer admin; on lapse also the
    # manager
    assert _events("training_obligation_due_soon") == ["customer_a", "dispatcher"]
    assert _events("training_obligation_lapsed") == ["customer_a", "dispatcher", "manager"]
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects.count("Operator training for Org A is due by 2026-12-10") == 2
    assert subjects.count("Operator training for Org A has lapsed") == 3


def test_a_sweep_that_missed_the_warning_week_only_flags_the_lapse(
    world, obligation_a, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(_at(obligation_a.due_on + datetime.timedelta(days=3)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.check_obligations() == {"warned": 0, "lapsed": 1}
        assert services.check_obligations() == {"warned": 0, "lapsed": 0}
    assert _events("training_obligation_due_soon") == []


def test_fulfilled_and_cancelled_obligations_are_never_warned(world, obligation_a):
    TrainingObligation.objects.filter(pk=obligation_a.pk).update(status="cancelled")
    with time_machine.travel(_at(obligation_a.due_on - datetime.timedelta(days=2)), tick=False):
        assert services.check_obligations() == {"warned": 0, "lapsed": 0}
    with time_machine.travel(_at(obligation_a.due_on + datetime.timedelta(days=2)), tick=False):
        assert services.check_obligations() == {"warned": 0, "lapsed": 0}
