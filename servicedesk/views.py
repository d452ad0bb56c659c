import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

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
    """Liveness and readiness: 200 when the database, cache and broker answer, else 503
    naming the part that failed. Open to anonymous callers and says nothing secret."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # a health check reports any failure, whatever its kind
            logger.warning("healthz: %s failed: %s", name, exc)
            results[name] = "failed"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if healthy else "failed", **results}, status=200 if healthy else 503)
