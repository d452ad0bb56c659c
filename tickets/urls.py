from django.urls import path

from . import web, web_canned, web_inbound, web_queue, web_survey

app_name = "tickets"
urlpatterns = [
    path("", web.ticket_list, name="list"),
    path("new/", web.ticket_create, name="create"),
    path("new/equipment/", web.equipment_options, name="equipment_options"),
    path("queue/", web_queue.queue, name="queue"),
    path("queue/bulk/", web_queue.queue_bulk, name="queue_bulk"),
    path("queue/views/", web_queue.view_save, name="view_save"),
    path("queue/views/<int:pk>/delete/", web_queue.view_delete, name="view_delete"),
    path("mine/", web.my_work, name="my_work"),
    path("archive/", web.archive, name="archive"),
    path("<int:pk>/", web.ticket_detail, name="detail"),
    path("<int:pk>/actions/<slug:action>/", web.ticket_action, name="action"),
    path("<int:pk>/comments/", web.comment_add, name="comment_add"),
    path("<int:pk>/attachments/", web.attachment_add, name="attachment_add"),
    path("<int:pk>/report.pdf", web.report_pdf, name="report_pdf"),
    path("<int:pk>/survey/", web_survey.survey_page, name="survey"),  # issue 17
    path("attachments/<int:pk>/", web.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/preview/", web.attachment_preview, name="attachment_preview"),
    path("visits/", web.visit_list, name="visit_list"),
    path("visits/<int:pk>/", web.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/actions/<slug:action>/", web.visit_action, name="visit_action"),
    path("visits/<int:pk>/confirmation.pdf", web.confirmation_pdf, name="confirmation_pdf"),
    path("canned/", web_canned.canned_list, name="canned_list"),
    path("canned/<int:pk>/", web_canned.canned_list, name="canned_edit"),
    path("inbound/", web_inbound.inbound_list, name="inbound"),
    path("inbound/<int:pk>/register/", web_inbound.inbound_register, name="inbound_register"),
    path("inbound/<int:pk>/discard/", web_inbound.inbound_discard, name="inbound_discard"),
    path("inbound/<int:pk>/message.eml", web_inbound.inbound_raw, name="inbound_raw"),
]
