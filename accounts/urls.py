from django.urls import path

from . import views
from .security import PasswordResetView

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    # Ahead of django.contrib.auth.urls' own (same path): rate limited (issue 13).
    path("password_reset/", PasswordResetView.as_view(), name="password_reset"),
]
