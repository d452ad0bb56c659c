from django.urls import path

from servicedesk.api.routers import Router

from . import views

router = Router()
router.register("kb/articles", views.ArticleViewSet, basename="kb-article")

urlpatterns = [
    *router.urls,
    path("sites/<int:pk>/labels/", views.SiteLabelsView.as_view(), name="site-labels"),
    path(
        "tickets/<int:pk>/publish-article/",
        views.PublishArticleView.as_view(),
        name="ticket-publish-article",
    ),
]
