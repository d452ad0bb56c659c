# The web pages of this app, mounted under /sla/ by servicedesk/urls.py.
from django.urls import path

from . import settings_pages, views

app_name = "sla"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("about-to-breach/", views.about_to_breach, name="about_to_breach"),
    path("export/<str:what>.<str:fmt>", views.export, name="export"),
    path("calendars/<int:pk>/", views.calendar_page, name="calendar"),
]
# The managers' settings pages (servicedesk.settings_pages).
for _page in (settings_pages.POLICIES, settings_pages.TARGETS, settings_pages.CALENDARS):
    urlpatterns += _page.urls()
