from django.urls import path

from servicedesk.api.routers import Router

from . import views

router = Router()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("service-centers", views.ServiceCenterViewSet, basename="service-center")
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", views.RefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
