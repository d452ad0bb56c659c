"""The request id: taken from the proxy's `X-Request-ID` (when it looks like one) or
made up, kept in a context variable for the log lines of this request, sent back in
the response, and carried in the headers of every Celery task the request enqueues,
so the worker's log lines of that task carry it too."""

import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

current = ContextVar("request_id", default="")


def new_id() -> str:
    return uuid.uuid4().hex


def from_header(value: str | None) -> str:
    """The proxy's id when it is a plain token, else a new one (never log raw input)."""
    return value if value and _ACCEPTED.match(value) else new_id()


def _add_to_headers(headers=None, **kwargs):
    request_id = current.get()
    if headers is not None and request_id and not headers.get(TASK_HEADER):
        headers[TASK_HEADER] = request_id


def _task_request_id(task) -> str:
    request = task.request
    value = getattr(request, TASK_HEADER, None) or (request.headers or {}).get(TASK_HEADER)
    return value if isinstance(value, str) and _ACCEPTED.match(value) else ""


def enter_task(task) -> None:
    # Each task gets the id of the request that caused it, or one of its own, so that
    # the tasks it enqueues in turn carry it on.
    request_id = (
        _task_request_id(task) or current.get() or new_id()
    )  # eager tasks keep the caller's
    task.request._request_id_token = current.set(request_id)


def leave_task(task) -> None:
    token = getattr(task.request, "_request_id_token", None)
    if token is not None:
        current.reset(token)


def connect_celery_signals():
    """Publishing only; operations.telemetry enters and leaves the id around each task."""
    before_task_publish.connect(
        _add_to_headers, weak=False, dispatch_uid="operations-request-id-publish"
    )
