"""`Idempotency-Key` on every API POST: a retry with the same key and body gets the
first response again and changes nothing; the same key with another body is a 422;
a retry while the first is still running is a 409."""

import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _request_user(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    forced = getattr(request, "_force_auth_user", None)  # DRF's APIClient.force_authenticate
    if forced is not None:
        return forced
    try:
        found = JWTAuthentication().authenticate(Request(request))
    except (InvalidToken, TokenError):
        return None
    return found[0] if found else None


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("CONTENT_TYPE", "").split(";")[0]):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return JsonResponse({HEADER: [_("At most 255 characters.")]}, status=400)
        user = _request_user(request)
        if user is None:
            return self.get_response(request)  # authentication will answer 401
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, key=key, method=request.method, path=request.path[:500], fingerprint=fingerprint
                )
        except IntegrityError:
            return self._replay(user, key, fingerprint)
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            record.delete()  # let the client try again
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        IdempotencyKey.objects.filter(pk=record.pk).update(
            response_status=response.status_code,
            response_body=bytes(response.content),
            response_content_type=response.get("Content-Type", ""),
        )
        return response

    @staticmethod
    def _replay(user, key, fingerprint):
        record = IdempotencyKey.objects.filter(user=user, key=key).first()
        if record is None:  # deleted after a failure in between: ask for a retry
            return JsonResponse({"detail": _("Please retry the request."), "code": "idempotency_retry"}, status=409)
        if record.fingerprint != fingerprint:
            return JsonResponse(
                {"detail": _("This Idempotency-Key was used with another request."),
                 "code": "idempotency_key_reused"},
                status=422,
            )
        if record.response_status is None:
            return JsonResponse(
                {"detail": _("A request with this Idempotency-Key is still being processed."),
                 "code": "idempotency_in_progress"},
                status=409,
            )
        response = HttpResponse(
            bytes(record.response_body), status=record.response_status,
            content_type=record.response_content_type or "application/json",
        )
        response["Idempotent-Replayed"] = "true"
        return response
