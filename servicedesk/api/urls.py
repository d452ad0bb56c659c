from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (no inline script: CSP); Redoc
    # is gone: it needs inline script and styles and fetches fonts from a CDN.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("accounts.api.urls")),
    path("", include("assets.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("sla.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("spareparts.api.urls")),
    path("", include("training.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("kb.api.urls")),  # issue 17
    path("", include("reports.api.urls")),  # issue 18
]
