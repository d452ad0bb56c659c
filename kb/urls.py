from django.urls import path

from . import views

app_name = "kb"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_create, name="create"),
    path("suggest/", views.suggest, name="suggest"),
    path("insights/", views.insights, name="insights"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/solved/", views.solved, name="solved"),
    path("from-ticket/<int:pk>/", views.article_from_ticket, name="from_ticket"),
]
