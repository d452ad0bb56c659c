"""Training fixtures on top of the shared `world`: an operational and an advanced
course, a session for organisation A (trainer engineer1) and an open one, and
helpers to enrol and to move the clock past a session's start."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.factories.training import CourseFactory, SessionFactory
from training import services
from training.models import Course


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Tasks enqueued after commit run in-process in these tests."""


@pytest.fixture
def operational():
    return CourseFactory(title="PLC operation 操作培训", kind=Course.Kind.OPERATIONAL)


@pytest.fixture
def advanced():
    return CourseFactory(title="Advanced diagnostics", kind=Course.Kind.ADVANCED)


@pytest.fixture
def session_a(world, operational):
    return SessionFactory(course=operational, organization=world.org_a, trainer=world.engineer1)


@pytest.fixture
def open_session(world, advanced):
    return SessionFactory(course=advanced, organization=None, trainer=world.expert)


def enrol(session, trainee, actor=None):
    return services.enroll(session=session, trainee=trainee, actor=actor or trainee)


@pytest.fixture
def after_start():
    """Move the clock into a session: `with after_start(session): ...`."""

    def travel(session, delta=datetime.timedelta(hours=1)):
        return time_machine.travel(session.starts_at + delta, tick=True)

    return travel


def past_session(**kwargs):
    """A session that took place yesterday."""
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    return SessionFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=4), **kwargs)
