"""Requests during a database or broker outage: API clients get JSON 503
`{"code": "service_unavailable", ...}` with `Retry-After`, pages a plain 503 page (no
database needed to render it). Installed as `handler500`, so it sees every exception
nothing else handled, from a view or from a middleware."""

import socket

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

OUTAGE_ERRORS = (
    OperationalError,
    InterfaceError,
    BrokerError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
    socket.timeout,
)


def is_outage(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) says a backing service is unreachable."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def outage_response(request) -> HttpResponse:
    retry_after = str(settings.OUTAGE_RETRY_AFTER)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _("The service is briefly unavailable. Please retry in a moment."),
                "code": "service_unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": retry_after}),
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = retry_after
    return response
