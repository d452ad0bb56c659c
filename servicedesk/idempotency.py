"""`Idempotency-Key` on every API POST: a retry with the same key and body gets the
first response again and changes nothing; the same key with another body is a 422;
a retry while the first is still running is a 409 (with Retry-After).

The key is claimed first ("in progress", its own short transaction) with a lease of
IDEMPOTENCY_LEASE_SECONDS; then the request runs in one transaction that also stores
its response, so a committed write always has its response stored and replays, and a
request that did not commit (a 5xx, a killed process) leaves nothing but the claim. A
claim whose process died is taken over once its lease has expired. A request that
finishes after losing its lease rolls back and answers 409."""

import collections
import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _request_user(request):
    """The caller as the API will see it: the session's user, else whoever the API's
    own authentication classes (JWT) recognise; None when nobody."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    drf_request = Request(request)
    for authenticator in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        try:
            found = authenticator().authenticate(drf_request)
        except APIException:
            return None
        if found:
            return found[0]
    return None


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("CONTENT_TYPE", "").split(";")[0]):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _in_progress(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {
            "detail": _("A request with this Idempotency-Key is still being processed."),
            "code": "idempotency_in_progress",
        },
        status=409,
    )
    response["Retry-After"] = str(max(retry_after, 1))
    return response


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
        _release_unreleased()
        lease = timezone.now() + timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS)
        record, answer = self._claim(request, user, key, fingerprint, lease)
        if answer is not None:
            return answer
        return self._run(request, record, lease)

    @staticmethod
    def _claim(request, user, key, fingerprint, lease):
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    fingerprint=fingerprint,
                    lease_until=lease,
                )
            return record, None
        except IntegrityError:
            pass
        record = IdempotencyKey.objects.filter(user=user, key=key).first()
        if record is None:  # released after a failure in between: ask for a retry
            return None, JsonResponse(
                {"detail": _("Please retry the request."), "code": "idempotency_retry"}, status=409
            )
        if record.fingerprint != fingerprint:
            return None, JsonResponse(
                {
                    "detail": _("This Idempotency-Key was used with another request."),
                    "code": "idempotency_key_reused",
                },
                status=422,
            )
        if record.response_status is not None:
            return None, _replay(record)
        now = timezone.now()
        taken = IdempotencyKey.objects.filter(
            pk=record.pk, response_status__isnull=True, lease_until__lt=now
        ).update(lease_until=lease)
        if not taken:  # still running somewhere (or finished just now: the retry replays)
            left = (record.lease_until - now).total_seconds() if record.lease_until else 1
            return None, _in_progress(int(left) + 1)
        return record, None

    def _run(self, request, record, lease):
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500 or getattr(response, "streaming", False):
                    transaction.set_rollback(True)  # nothing of a failed request is kept
                    stored = False
                else:
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
                    stored = IdempotencyKey.objects.filter(
                        pk=record.pk, response_status__isnull=True, lease_until=lease
                    ).update(
                        response_status=response.status_code,
                        response_body=bytes(response.content),
                        response_content_type=response.get("Content-Type", ""),
                        lease_until=None,
                    )
                    if not stored:  # the lease ran out and another request took the key over
                        transaction.set_rollback(True)
                        return _in_progress(settings.IDEMPOTENCY_LEASE_SECONDS)
        except Exception:
            self._release(record, lease)
            raise
        if not stored:
            self._release(record, lease)
        return response

    @staticmethod
    def _release(record, lease):
        """Let the client try again at once. During an outage the DELETE fails too: the
        claim is remembered and released by this process's next request that reaches
        the database (or, if this process dies, when its lease runs out)."""
        _unreleased.append((record.pk, lease))
        _release_unreleased()


_unreleased: collections.deque = collections.deque()


def _release_unreleased() -> None:
    """Release the claims this process could not release before (cheap when none)."""
    for _pending in range(len(_unreleased)):
        try:
            pk, lease = _unreleased.popleft()
        except IndexError:
            return
        try:
            IdempotencyKey.objects.filter(
                pk=pk, response_status__isnull=True, lease_until=lease
            ).delete()
        except DatabaseError:
            _unreleased.append((pk, lease))
            return


def _replay(record) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body),
        status=record.response_status,
        content_type=record.response_content_type or "application/json",
    )
    response["Idempotent-Replayed"] = "true"
    return response
