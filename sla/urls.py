# The web pages of this app, mounted under /sla/ by servicedesk/urls.py.
from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("about-to-breach/", views.about_to_breach, name="about_to_breach"),
    path("export/<str:what>.<str:fmt>", views.export, name="export"),
    path("calendars/<int:pk>/", views.calendar_page, name="calendar"),
]
