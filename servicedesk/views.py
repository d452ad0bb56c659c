import logging
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.defaults import server_error as default_server_error
from django.views.i18n import set_language

from . import heartbeats, outage
from .celery import app as celery_app

logger = logging.getLogger(__name__)
# (order, template, context function) triples the apps add from their AppConfig.ready();
# a function returns the section's context, or None to leave the section out.
HOME_SECTIONS = []


@login_required
def home(request):
    context = {"sections": []}
    for _order, template, build in sorted(HOME_SECTIONS, key=lambda section: section[0]):
        section = build(request)
        if section is not None:
            context["sections"].append({"template": template, **section})
    return render(request, "home.html", context)


@require_POST
def switch_language(request):
    """The language switch: sets the cookie and, for a signed-in user, remembers the
    choice on the account so that e-mails and PDFs follow it."""
    response = set_language(request)
    code = request.POST.get("language")
    if request.user.is_authenticated and code in dict(settings.LANGUAGES):
        get_user_model().objects.filter(pk=request.user.pk).update(language=code)
    return response


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache():
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _check_broker():
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)


@never_cache
def healthz(request):
    """Liveness and readiness: 200 when the database, cache and broker answer and the
    worker's and beat's heartbeats are fresh (HEARTBEAT_STALE_AFTER), else 503 with
    `failed` naming each part that is not. Open to anonymous callers and says nothing
    secret."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # a health check reports any failure, whatever its kind
            logger.warning("healthz: %s failed: %s", name, exc)
            results[name] = "failed"
    ages = dict.fromkeys(heartbeats.NAMES)
    if results["database"] == "ok":
        ages = heartbeats.ages()
        stale = heartbeats.stale(ages)
        results.update({name: "stale" if name in stale else "ok" for name in heartbeats.NAMES})
    else:  # the heartbeats live in the database
        results.update(dict.fromkeys(heartbeats.NAMES, "unknown"))
    failed = [name for name, value in results.items() if value in ("failed", "stale")]
    rounded = {name: None if age is None else round(age) for name, age in ages.items()}
    body = {
        "status": "failed" if failed else "ok",
        **results,
        "failed": failed,
        "heartbeat_age": rounded,
    }
    return JsonResponse(body, status=503 if failed else 200)


def server_error(request):
    """handler500: an outage (database or broker unreachable) is a 503 with
    Retry-After (servicedesk.outage); anything else Django's plain 500."""
    if outage.is_outage(sys.exc_info()[1]):
        return outage.outage_response(request)
    return default_server_error(request)
