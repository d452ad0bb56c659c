from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import services
from accounts.models import Organization, ServiceCenter, User
from accounts.roles import ADMINS, ALL_ROLES, STAFF, USER_ADMINS
from accounts.selectors import organizations_visible_to, service_centers_visible_to, users_visible_to
from servicedesk.api.views import ScopedModelViewSet

from .serializers import MeSerializer, OrganizationSerializer, ServiceCenterSerializer, UserSerializer


class OrganizationViewSet(ScopedModelViewSet):
    queryset = Organization.objects.none()  # names the model for the schema; rows come from get_queryset()
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
    queryset = ServiceCenter.objects.none()  # names the model for the schema; rows come from get_queryset()
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
        serializer.instance = services.user_create(actor=self.request.user, **serializer.validated_data)

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


@extend_schema(tags=["auth"])
class TokenView(TokenObtainPairView):
    permission_classes = [permissions.AllowAny]


@extend_schema(tags=["auth"])
class RefreshView(TokenRefreshView):
    permission_classes = [permissions.AllowAny]
