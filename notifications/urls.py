# The web pages of this app, mounted under /notifications/ by servicedesk/urls.py.
from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    # issue 17: channels
    path("channels/", views.channel_preferences, name="channels"),
    path("webhooks/", views.endpoint_list, name="endpoint_list"),
    path("webhooks/new/", views.endpoint_create, name="endpoint_create"),
    path("webhooks/<int:pk>/", views.endpoint_detail, name="endpoint_detail"),
    path("webhooks/<int:pk>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/retry/",
        views.delivery_retry,
        name="delivery_retry",
    ),
]
