# The API routes of this app, mounted under /api/v1/ by servicedesk/api/urls.py.
from django.urls import path

from servicedesk.api.routers import Router

from . import views

router = Router()
router.register("sla/policies", views.PolicyViewSet, basename="sla-policy")
router.register("sla/targets", views.TargetViewSet, basename="sla-target")
router.register("sla/calendars", views.BusinessCalendarViewSet, basename="sla-calendar")
router.register("sla/calendar-days", views.CalendarDayViewSet, basename="sla-calendar-day")
router.register("sla/clocks", views.ClockViewSet, basename="sla-clock")

urlpatterns = [
    path("sla/dashboard/", views.DashboardView.as_view(), name="sla-dashboard"),
    *router.urls,
]
