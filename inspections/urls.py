# The web pages of this app, mounted under /inspections/ by servicedesk/urls.py.
from django.urls import path

from . import settings_pages, views, views_assessments

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("archive/", views.archive, name="archive"),
    path("calendar/", views.calendar, name="calendar"),
    path("maintenance/", views.maintenance, name="maintenance"),
    path("maintenance/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/checklist/", views.checklist, name="checklist"),
    path("<int:pk>/items/<int:item_pk>/check/", views.check_value, name="check_value"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/results/<int:result_pk>/raise-ticket/", views.raise_ticket, name="raise_ticket"),
    path("<int:pk>/results/<int:result_pk>/photo/", views.photo, name="photo"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    # Upgrade assessments (issue 18)
    path(
        "assessments/ticket/<int:ticket_pk>/",
        views_assessments.for_ticket,
        name="assessment_for_ticket",
    ),
    path("assessments/<int:pk>/", views_assessments.detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views_assessments.edit, name="assessment_edit"),
    path(
        "assessments/<int:pk>/actions/<slug:name>/",
        views_assessments.action,
        name="assessment_action",
    ),
    path("assessments/<int:pk>/assessment.pdf", views_assessments.pdf, name="assessment_pdf"),
]
# The managers' settings pages (servicedesk.settings_pages).
for _page in (settings_pages.INSPECTION_PLANS, settings_pages.MAINTENANCE_PLANS):
    urlpatterns += _page.urls()
