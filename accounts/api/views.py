from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import services
from accounts.models import Organization, ServiceCenter, User
from accounts.roles import ADMINS, ALL_ROLES, STAFF, USER_ADMINS
from accounts.security import lockout_message, lockout_seconds
from accounts.selectors import (
    organizations_visible_to,
    service_centers_visible_to,
    users_visible_to,
)
from accounts.tokens import revoke_all
from servicedesk.api.views import ScopedModelViewSet

from .serializers import (
    MeSerializer,
    OrganizationSerializer,
    ServiceCenterSerializer,
    UserSerializer,
)


class OrganizationViewSet(ScopedModelViewSet):
    queryset = (
        Organization.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = OrganizationSerializer
    read_roles = ALL_ROLES
    write_roles = ADMINS
    search_fields = ["name", "code"]
    ordering_fields = ["name", "updated_at"]

    create_service = staticmethod(services.organization_create)
    update_service = staticmethod(services.organization_update)
    delete_service = staticmethod(services.organization_delete)

    def get_queryset(self):
        return organizations_visible_to(self.request.user)


class ServiceCenterViewSet(ScopedModelViewSet):
    queryset = (
        ServiceCenter.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = ServiceCenterSerializer
    read_roles = ALL_ROLES
    write_roles = ADMINS
    filterset_fields = ["kind", "parent"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "updated_at"]

    create_service = staticmethod(services.service_center_create)
    update_service = staticmethod(services.service_center_update)
    delete_service = staticmethod(services.service_center_delete)

    def get_queryset(self):
        return service_centers_visible_to(self.request.user)


class UserViewSet(ScopedModelViewSet):
    queryset = User.objects.none()  # names the model for the schema; rows come from get_queryset()
    serializer_class = UserSerializer
    read_roles = STAFF | USER_ADMINS
    write_roles = USER_ADMINS
    filterset_fields = ["role", "organization", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "updated_at"]

    def get_queryset(self):
        return users_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.user_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.user_update(
            actor=self.request.user, user=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        # Accounts are deactivated, never deleted: tickets and history point at them.
        with transaction.atomic():
            services.user_update(actor=self.request.user, user=instance, is_active=False)


class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = MeSerializer
    read_roles = ALL_ROLES
    write_roles = ALL_ROLES
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user


TOKEN_PAIR = inline_serializer(
    "TokenPair",
    {
        "access": serializers.CharField(help_text="Access token (15 minutes)."),
        "refresh": serializers.CharField(
            help_text="Refresh token: use it once, the answer has a new one."
        ),
    },
)


@extend_schema(tags=["auth"], responses=TOKEN_PAIR)
class TokenView(TokenObtainPairView):
    """Username and password for a token pair. Repeated failures lock the account and
    the client address out for a while: 429 with Retry-After, whether or not the
    account exists."""

    permission_classes = [permissions.AllowAny]

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            # django-axes flags the request it was given (this DRF request).
            if getattr(request, "axes_locked_out", False):
                raise Throttled(wait=lockout_seconds(request), detail=lockout_message()) from None
            raise


@extend_schema(tags=["auth"], responses=TOKEN_PAIR)
class RefreshView(TokenRefreshView):
    """A refresh token for a new pair; the refresh token given is used up (a second
    use is 401)."""

    permission_classes = [permissions.AllowAny]


@extend_schema(tags=["auth"], request=None, responses={204: None})
class LogoutView(APIView):
    """Revoke every refresh token of the caller (all devices). Access tokens run out
    within 15 minutes."""

    read_roles = ALL_ROLES
    write_roles = ALL_ROLES

    def post(self, request):
        revoke_all(request.user)
        return Response(status=204)
