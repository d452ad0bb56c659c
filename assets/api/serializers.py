from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from accounts.selectors import organizations_visible_to, service_centers_visible_to
from assets.availability import MAX_PERIOD, period_bound
from assets.models import Equipment, EquipmentModel, ServiceContract, ServiceTeamMember, Site
from assets.selectors import equipment_models_visible_to, is_senior, sites_visible_to
from servicedesk.api.fields import ScopedPrimaryKeyRelatedField


class SiteSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(selector=organizations_visible_to)
    service_center = ScopedPrimaryKeyRelatedField(selector=service_centers_visible_to)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "organization",
            "organization_name",
            "name",
            "code",
            "address",
            "latitude",
            "longitude",
            "service_center",
            "time_zone",
            "contact_name",
            "contact_phone",
            "created_at",
            "updated_at",
        ]
        # The ranges of the database's check constraints, as field errors first.
        extra_kwargs = {
            "latitude": {"min_value": -90, "max_value": 90},
            "longitude": {"min_value": -180, "max_value": 180},
        }


class EquipmentModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = EquipmentModel
        fields = [
            "id",
            "manufacturer",
            "model_number",
            "category",
            "description",
            "vendor_name",
            "vendor_contact",
            "vendor_email",
            "created_at",
            "updated_at",
        ]


class EquipmentSerializer(serializers.ModelSerializer):
    site = ScopedPrimaryKeyRelatedField(selector=sites_visible_to)
    equipment_model = ScopedPrimaryKeyRelatedField(selector=equipment_models_visible_to)
    site_name = serializers.CharField(source="site.name", read_only=True)
    model_name = serializers.CharField(source="equipment_model.__str__", read_only=True)

    class Meta:
        model = Equipment
        fields = [
            "id",
            "site",
            "site_name",
            "equipment_model",
            "model_name",
            "name",
            "serial_number",
            "firmware_version",
            "delivered_on",
            "installed_on",
            "warranty_end",
            "critical",
            "status",
            "created_at",
            "updated_at",
        ]


class ServiceContractSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(selector=organizations_visible_to)
    sites = ScopedPrimaryKeyRelatedField(selector=sites_visible_to, many=True, required=False)

    class Meta:
        model = ServiceContract
        fields = [
            "id",
            "organization",
            "number",
            "title",
            "sites",
            "starts_on",
            "ends_on",
            "delivery_date",
            "inspection_frequency",
            "training_entitlement",
            "notes",
            "sla_policy",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError(
                {"ends_on": [_("The contract cannot end before it starts.")]}
            )
        organization = attrs.get("organization", getattr(self.instance, "organization", None))
        for site in attrs.get("sites", []):
            if organization is not None and site.organization_id != organization.pk:
                raise serializers.ValidationError(
                    {"sites": [_("Every site must belong to the organisation.")]}
                )
        return attrs


# --- service teams (issue 18) ---------------------------------------------------------
def _active_staff(user):
    return User.objects.filter(role__in=User.STAFF_ROLES, is_active=True)


class TeamMemberSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user.pk")
    name = serializers.CharField(source="user.get_full_name")
    team_role = serializers.ChoiceField(source="role", choices=ServiceTeamMember.Role.choices)
    staff_role = serializers.CharField(source="user.role")
    phone = serializers.CharField(source="user.phone")
    email = serializers.EmailField(source="user.email")
    senior = serializers.SerializerMethodField()

    def get_senior(self, member) -> bool:
        return is_senior(member.user)


class ServiceTeamSerializer(serializers.Serializer):
    """A contract's team as read (customers see it as their contacts)."""

    contract = serializers.IntegerField()
    name = serializers.CharField()
    members = TeamMemberSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())
    updated_at = serializers.DateTimeField(allow_null=True)


class ServiceTeamInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lead = ScopedPrimaryKeyRelatedField(selector=_active_staff)
    members = serializers.ListField(
        child=ScopedPrimaryKeyRelatedField(selector=_active_staff), max_length=100
    )


class AvailabilityQuerySerializer(serializers.Serializer):
    """`from` and `to`: dates (the end day included, in the server's zone) or ISO 8601
    times with offset (the end excluded); the last 30 days by default."""

    def to_internal_value(self, data):
        errors, bounds = {}, {}
        for name in ("from", "to"):
            text = (data.get(name) or "").strip()
            if not text:
                continue
            try:
                bounds[name] = period_bound(text, end=name == "to")
            except (ValueError, OverflowError):
                errors[name] = [_("Give a date (YYYY-MM-DD) or an ISO 8601 time with offset.")]
        if errors:
            raise serializers.ValidationError(errors)
        end = bounds.get("to") or period_bound(timezone.localdate().isoformat(), end=True)
        start = bounds.get("from") or end - timedelta(days=30)
        if start >= end:
            raise serializers.ValidationError({"to": [_("The period must end after it starts.")]})
        if end - start > MAX_PERIOD:
            raise serializers.ValidationError({"to": [_("The period may span ten years at most.")]})
        return {"start": start, "end": end}


class AvailabilitySerializer(serializers.Serializer):
    """One unit's figures over the period (docs/availability.md)."""

    equipment = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Equipment.Status.choices)
    from_ = serializers.DateTimeField()
    to = serializers.DateTimeField()
    availability = serializers.FloatField(
        allow_null=True, help_text="0..1: (scheduled - unplanned downtime) / scheduled time."
    )
    scheduled_seconds = serializers.IntegerField(help_text="The period less planned downtime.")
    planned_downtime_seconds = serializers.IntegerField()
    unplanned_downtime_seconds = serializers.IntegerField()
    degraded_seconds = serializers.IntegerField()
    failures = serializers.IntegerField()
    mtbf_seconds = serializers.IntegerField(allow_null=True)
    mttr_seconds = serializers.IntegerField(allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields
