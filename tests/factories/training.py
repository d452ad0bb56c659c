import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from training.models import Course, Session

from .accounts import UserFactory


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    kind = Course.Kind.OPERATIONAL
    title = factory.Sequence(lambda n: f"Course {n}")
    description = "Operating the system."
    duration_hours = Decimal("4")


class SessionFactory(factory.django.DjangoModelFactory):
    """A session a week ahead, four hours long, in a room, for ten trainees."""

    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    organization = None
    trainer = factory.SubFactory(UserFactory, role=User.Role.ENGINEER)
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=4))
    place = "Training room 1"
    capacity = 10
