"""The services' clock: `now()` is the current time, except inside `at(moment)`, where
it is `moment`. The demo uses it to replay weeks of ticket history through the real
services (so timelines, SLA clocks and KPIs are what they would have been); nothing
else sets it. While the past is replayed nobody is notified (`replaying()`): a message
today about last month's events would only mislead."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("servicedesk_clock", default=None)


def now() -> datetime:
    return _moment.get() or timezone.now()


def replaying() -> bool:
    return _moment.get() is not None


@contextmanager
def at(moment: datetime):
    if timezone.is_naive(moment):
        raise ValueError("the clock is set to aware datetimes only")
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)
