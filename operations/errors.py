"""Error reporting to a Sentry-compatible service: off unless `SENTRY_DSN` is set, and
nothing personal leaves the host (no default PII, and a scrubber on every event)."""

import re

from django.conf import settings

FILTERED = "[Filtered]"
# Keys whose values are personal or secret wherever they appear in an event.
_SENSITIVE_KEY = re.compile(
    r"pass|secret|token|auth|cookie|session|csrf|signature|e-?mail|phone|mobile|name|address|"
    r"contact|signer|holder|dsn|api.?key",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(\+?\d[\d ()-]{6,}\d)(?!\d)")
# Keys of Sentry's own bookkeeping, left as they are (time stamps, ids, code locations).
_KEPT = frozenset(
    {
        "timestamp",
        "start_timestamp",
        "event_id",
        "trace_id",
        "span_id",
        "parent_span_id",
        "sdk",
        "platform",
        "release",
        "environment",
        "level",
        "logger",
        "type",
        "filename",
        "abs_path",
        "module",
        "function",
        "lineno",
        "transaction",
    }
)
# Parts of an event that carry what the user sent or typed; dropped whole.
_DROPPED_REQUEST_PARTS = ("data", "cookies", "query_string", "env")


def scrub_text(value: str) -> str:
    return _PHONE.sub(FILTERED, _EMAIL.sub(FILTERED, value))


def _scrub(value, depth=0):
    if depth > 20:
        return FILTERED
    if isinstance(value, dict):
        return {key: _scrub_item(key, item, depth) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item, depth + 1) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def _scrub_item(key, item, depth):
    if key in _KEPT:
        return item
    if isinstance(key, str) and _SENSITIVE_KEY.search(key):
        return FILTERED
    return _scrub(item, depth + 1)


def scrub_event(event, hint=None):
    """Sentry's `before_send`: keeps the user's id only, drops request bodies, cookies
    and query strings, masks sensitive keys everywhere (frame locals, extra, contexts)
    and e-mail addresses and phone numbers in every string left."""
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    request = event.get("request")
    if isinstance(request, dict):
        for part in _DROPPED_REQUEST_PARTS:
            request.pop(part, None)
    scrubbed = _scrub({key: value for key, value in event.items() if key != "user"})
    scrubbed["user"] = event["user"]
    return scrubbed


def init_sentry():
    dsn = getattr(settings, "SENTRY_DSN", "")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=settings.SENTRY_ENVIRONMENT,
        release=settings.SENTRY_RELEASE or None,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    return True
