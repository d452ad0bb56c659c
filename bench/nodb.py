"""The no-database reference: one DRF view answering a fixed list page, in the
project's own settings and middleware, served by gunicorn exactly like the app
(`gunicorn bench.nodb:application`). Its database is an address nothing listens on,
so a query would fail the benchmark rather than slip in."""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.nodb_settings"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.urls import path  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

ROWS = [
    {
        "id": i,
        "number": f"FR-2026-{i:06d}",
        "title": "Pump does not start",
        "status": "triaged",
        "severity": "urgent",
        "site_name": "Plant A",
        "sla": [{"metric": "restore", "state": "running"}],
    }
    for i in range(30)
]


class NoDatabaseView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"next": None, "previous": None, "results": ROWS})


urlpatterns = [path("nodb/", NoDatabaseView.as_view())]
