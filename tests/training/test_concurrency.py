"""On PostgreSQL: 20 concurrent enrolments in a session with capacity 5 give exactly
5 (the conditional UPDATE and the CheckConstraint settle it, not a Python check); the
same trainee enrolled twice at once gets one place; concurrent sweeps warn once."""

import datetime

import pytest
import time_machine

from notifications.models import Notification
from servicedesk.errors import Conflict
from tests.concurrency import require_postgresql, run_together
from tests.factories import UserFactory
from tests.factories.training import SessionFactory
from training import services
from training.models import Enrollment, Session

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    require_postgresql()


def test_twenty_concurrent_enrolments_in_five_places_give_exactly_five(world):
    session = SessionFactory(organization=None, trainer=world.engineer1, capacity=5)
    trainees = [UserFactory(role="customer", organization=world.org_a) for _ in range(20)]

    results = run_together(
        20, lambda i: services.enroll(session=session, trainee=trainees[i], actor=world.customer_a)
    )

    enrolled = [r for r in results if isinstance(r, Enrollment)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(enrolled), len(refused)) == (5, 15), [
        r for r in results if not isinstance(r, Enrollment)
    ][:3]
    assert all(r.code == "session_full" for r in refused)
    assert Session.objects.get(pk=session.pk).enrolled_count == 5
    assert Enrollment.objects.filter(session=session, status="enrolled").count() == 5


def test_the_same_trainee_enrolled_twice_at_once_gets_one_place(world):
    session = SessionFactory(organization=None, trainer=world.engineer1, capacity=5)
    results = run_together(
        6,
        lambda i: services.enroll(
            session=session, trainee=world.customer_a2, actor=world.customer_a
        ),
    )
    assert sum(isinstance(r, Enrollment) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 5
    assert Session.objects.get(pk=session.pk).enrolled_count == 1


def test_the_database_refuses_an_overbooked_count(world):
    from django.db import IntegrityError

    session = SessionFactory(organization=None, trainer=world.engineer1, capacity=2)
    with pytest.raises(IntegrityError):
        Session.objects.filter(pk=session.pk).update(enrolled_count=3)


def test_concurrent_sweeps_warn_and_lapse_once(world):
    world.contract_a.delivery_date = datetime.date(2026, 11, 10)
    world.contract_a.save()
    services.obligation_sync_for_contract(contract=world.contract_a)
    for day, event in (
        (datetime.date(2026, 12, 5), "training_obligation_due_soon"),
        (datetime.date(2026, 12, 11), "training_obligation_lapsed"),
    ):
        moment = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=datetime.UTC)
        with time_machine.travel(moment, tick=False):
            results = run_together(8, lambda i: services.check_obligations())
        assert not [r for r in results if isinstance(r, Exception)], results
        key = "warned" if event.endswith("due_soon") else "lapsed"
        assert sum(r[key] for r in results) == 1
        assert Notification.objects.filter(event=event, recipient=world.dispatcher).count() == 1
