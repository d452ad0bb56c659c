# The web pages of this app, mounted under /training/ by servicedesk/urls.py.
from django.urls import path

from . import settings_pages, views

app_name = "training"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("my/", views.my_trainings, name="my"),
    path("obligations/", views.obligations, name="obligations"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/enroll/", views.enroll, name="enroll"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("enrollments/<int:pk>/cancel/", views.enrollment_cancel, name="enrollment_cancel"),
    path("enrollments/<int:pk>/attendance/", views.attendance_save, name="attendance_save"),
    path("enrollments/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("courses/<int:pk>/materials/<int:material_pk>/", views.material, name="material"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
# The managers' settings pages (servicedesk.settings_pages).
for _page in (settings_pages.COURSES, settings_pages.SESSIONS):
    urlpatterns += _page.urls()
