from django.contrib import admin
from django.urls import include, path

from . import settings_pages, views

# A database or broker outage is a 503 with Retry-After, never a 500 (issue 11).
handler500 = "servicedesk.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("settings/", settings_pages.settings_index, name="settings"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", views.switch_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("servicedesk.api.urls", "api"), namespace="api")),
    path("assets/", include("assets.urls")),
    path("tickets/", include("tickets.urls")),
    path("sla/", include("sla.urls")),
    path("inspections/", include("inspections.urls")),
    path("parts/", include("spareparts.urls")),
    path("training/", include("training.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),  # issue 18
    path("kb/", include("kb.urls")),  # issue 17
    path("", include("operations.urls")),  # /metrics (issue 19)
]

# Uploaded files are never served from /media/: every download goes through a view
# that checks the caller's scope.
