# The API routes of this app, mounted under /api/v1/ by servicedesk/api/urls.py.
from servicedesk.api.routers import Router

from . import channels, views

router = Router()
router.register("notifications/channels", channels.PreferenceViewSet, basename="channel-preference")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("webhooks", channels.WebhookViewSet, basename="webhook")  # issue 17

urlpatterns = router.urls
