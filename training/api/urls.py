# The API routes of this app, mounted under /api/v1/ by servicedesk/api/urls.py.
from servicedesk.api.routers import Router

from . import views

router = Router()
router.register("training/courses", views.CourseViewSet, basename="training-course")
router.register("training/sessions", views.SessionViewSet, basename="training-session")
router.register("training/enrollments", views.EnrollmentViewSet, basename="training-enrollment")
router.register("training/obligations", views.ObligationViewSet, basename="training-obligation")

urlpatterns = router.urls
