# The API routes of this app, mounted under /api/v1/ by servicedesk/api/urls.py.
from django.urls import re_path
from rest_framework.routers import SimpleRouter

from . import views


class Router(SimpleRouter):
    """Documents keep their file name: tickets/{id}/report.pdf, visits/{id}/confirmation.pdf."""

    def get_urls(self):
        urls = []
        for url in super().get_urls():
            pattern = url.pattern.regex.pattern
            if pattern.endswith(".pdf/$"):
                url = re_path(pattern[: -len(".pdf/$")] + r"\.pdf$", url.callback, name=url.name)
            urls.append(url)
        return urls


router = Router()
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("visits", views.VisitViewSet, basename="visit")

urlpatterns = router.urls
