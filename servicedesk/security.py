"""Security pieces every app shares: the audit log of denied requests, the
Permissions-Policy header, the API docs behind login, and a cache-backed rate limit."""

import json
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.permissions import BasePermission

audit = logging.getLogger("servicedesk.audit")


def client_address(request) -> str:
    """The caller's address as django-axes sees it (REMOTE_ADDR unless proxies are trusted)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


def audit_line(
    event: str, request, *, status: int | None = None, username: str | None = None, **extra
):
    """One structured (JSON) line: event, user, client address, method, path."""
    user = getattr(request, "user", None)
    if username is None:
        username = user.get_username() if user is not None and user.is_authenticated else None
    record = {
        "event": event,
        "status": status,
        "user": username,
        "ip": client_address(request),
        "method": request.method,
        "path": request.path,
        **extra,
    }
    audit.info(json.dumps(record, ensure_ascii=False, default=str))


class AuditMiddleware:
    """Logs every denied request: 403 (role), 404 for a signed-in caller (an object
    outside the caller's scope answers 404, as one that does not exist) and 429."""

    EVENTS = {403: "access_denied", 404: "not_found_or_out_of_scope", 429: "throttled"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        event = self.EVENTS.get(response.status_code)
        user = getattr(request, "user", None)
        if event and (response.status_code != 404 or (user is not None and user.is_authenticated)):
            audit_line(event, request, status=response.status_code)
        return response


class PermissionsPolicyMiddleware:
    """`Permissions-Policy`: the camera (photos, signatures) and location for this
    origin only, every other powerful feature off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ApiDocsPermission(BasePermission):
    """The schema and API docs: open with DEBUG or SERVICEDESK_PUBLIC_API_DOCS, else
    for signed-in users only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"])."""

    def has_permission(self, request, view):
        return settings.PUBLIC_API_DOCS or bool(request.user and request.user.is_authenticated)


def rate_limited(key: str, limit: int, window: int) -> int | None:
    """Count one hit on `key` in a fixed window; over `limit`, the seconds until the
    window ends (for Retry-After), else None."""
    now = int(time.time())
    start = now - now % window
    cache_key = f"ratelimit:{key}:{start}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        hits = 1
    if hits > limit:
        return max(1, math.ceil(start + window - now))
    return None
