from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import EngineerProfile, Organization, ServiceCenter, User
from accounts.selectors import organizations_visible_to, service_centers_visible_to
from servicedesk.api.fields import ScopedPrimaryKeyRelatedField


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "code", "address", "phone", "email", "created_at", "updated_at"]


class ServiceCenterSerializer(serializers.ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(
        selector=service_centers_visible_to, allow_null=True, required=False
    )

    class Meta:
        model = ServiceCenter
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "parent",
            "address",
            "phone",
            "time_zone",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        kind = attrs.get("kind", getattr(self.instance, "kind", ServiceCenter.Kind.LOCAL))
        parent = attrs.get("parent", getattr(self.instance, "parent", None))
        if kind == ServiceCenter.Kind.REGIONAL and parent is not None:
            raise serializers.ValidationError({"parent": [_("A regional centre has no parent.")]})
        if parent is not None and parent.kind != ServiceCenter.Kind.REGIONAL:
            raise serializers.ValidationError(
                {"parent": [_("The parent must be a regional centre.")]}
            )
        return attrs


class EngineerProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = EngineerProfile
        fields = ["tier", "skills", "service_center"]


class UserSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(
        selector=organizations_visible_to, allow_null=True, required=False
    )
    service_centers = ScopedPrimaryKeyRelatedField(
        selector=service_centers_visible_to, many=True, required=False
    )
    password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}
    )
    engineer_profile = EngineerProfileSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "role",
            "organization",
            "service_centers",
            "language",
            "time_zone",
            "is_active",
            "engineer_profile",
            "password",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class MeSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)
    service_centers = ServiceCenterSerializer(many=True, read_only=True)
    engineer_profile = EngineerProfileSerializer(read_only=True, allow_null=True)
    display_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "first_name",
            "last_name",
            "email",
            "phone",
            "role",
            "organization",
            "service_centers",
            "engineer_profile",
            "language",
            "time_zone",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "username",
            "role",
            "organization",
            "service_centers",
            "updated_at",
        ]
