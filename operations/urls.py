from django.urls import path

from . import metrics

app_name = "operations"
urlpatterns = [
    path("metrics", metrics.metrics, name="metrics"),
]
