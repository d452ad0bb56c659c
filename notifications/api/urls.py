# The API routes of this app, mounted under /api/v1/ by servicedesk/api/urls.py.
from servicedesk.api.routers import Router

from . import views

router = Router()
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
