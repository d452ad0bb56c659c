# The API routes of this app, mounted under /api/v1/ by servicedesk/api/urls.py.
from django.urls import path

from servicedesk.api.routers import Router

from . import desk, views
from .survey import SurveyView

router = Router()
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("canned-replies", desk.CannedReplyViewSet, basename="canned-reply")

urlpatterns = [
    *router.urls,
    path("tickets/<int:pk>/survey/", SurveyView.as_view(), name="ticket-survey"),  # issue 17
]
