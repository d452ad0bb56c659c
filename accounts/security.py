"""Login protection: django-axes locks an account or a client address out after
repeated failed logins (page login and token endpoint); the password reset form is
rate limited per client address and per e-mail address. Every refusal is a 429 with
Retry-After whose message says nothing about whether the account exists."""

import math

from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from servicedesk.security import audit_line, client_address, rate_limited


def lockout_seconds(request=None) -> int:
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds())) if cool_off else 3600


def lockout_message() -> str:
    return _("Too many failed attempts. Try again later.")


def throttled_response(request, retry_after: int):
    """429 with Retry-After: JSON for the API, the page with a message otherwise."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message(), "code": "throttled"}, status=429)
    else:
        response = render(
            request, "registration/throttled.html", {"message": lockout_message()}, status=429
        )
    response["Retry-After"] = str(retry_after)
    return response


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the response to a locked-out login attempt."""
    return throttled_response(request, lockout_seconds(request))


@receiver(user_locked_out, dispatch_uid="accounts-audit-lockout")
def _log_lockout(sender, request, username=None, ip_address=None, **kwargs):
    audit_line("lockout", request, status=429, username=username or None)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, rate limited per client address and per e-mail
    address (whether or not an account has it)."""

    def post(self, request, *args, **kwargs):
        rate = settings.PASSWORD_RESET_RATE
        email = (request.POST.get("email") or "").strip().lower()[:254]
        waits = [rate_limited(f"pwreset:ip:{client_address(request)}", rate["ip"], rate["window"])]
        if email:
            waits.append(rate_limited(f"pwreset:email:{email}", rate["email"], rate["window"]))
        wait = max((w for w in waits if w), default=None)
        if wait:
            audit_line("password_reset_throttled", request, status=429)
            return throttled_response(request, wait)
        return super().post(request, *args, **kwargs)
