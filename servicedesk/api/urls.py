from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include("accounts.api.urls")),
    path("", include("assets.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("sla.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("spareparts.api.urls")),
    path("", include("training.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("kb.api.urls")),  # issue 17
]
