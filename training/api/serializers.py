from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from accounts.selectors import organizations_visible_to, users_visible_to
from servicedesk.api.fields import ScopedPrimaryKeyRelatedField
from training.models import (
    Certificate,
    Course,
    CourseMaterial,
    Enrollment,
    Session,
    TrainingObligation,
)
from training.selectors import courses_visible_to, sessions_visible_to


def _trainers(user):
    return User.objects.filter(role__in=User.STAFF_ROLES, is_active=True)


class CourseMaterialSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CourseMaterial
        fields = ["id", "title", "content_type", "size", "url", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return reverse("api:training-course-material", args=[obj.course_id, obj.pk])


class CourseSerializer(serializers.ModelSerializer):
    materials = CourseMaterialSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "duration_hours",
            "active",
            "materials",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "duration_hours": {"min_value": Decimal("0.1")}
        }  # the check constraint, as a field error


class MaterialUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SessionSerializer(serializers.ModelSerializer):
    course = ScopedPrimaryKeyRelatedField(selector=courses_visible_to)
    organization = ScopedPrimaryKeyRelatedField(
        selector=organizations_visible_to, required=False, allow_null=True
    )
    trainer = ScopedPrimaryKeyRelatedField(selector=_trainers)
    course_title = serializers.CharField(source="course.title", read_only=True)
    course_kind = serializers.CharField(source="course.kind", read_only=True)
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, allow_null=True
    )
    trainer_name = serializers.CharField(source="trainer.__str__", read_only=True)
    seats_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "course",
            "course_title",
            "course_kind",
            "organization",
            "organization_name",
            "trainer",
            "trainer_name",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "capacity",
            "enrolled_count",
            "seats_left",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["enrolled_count"]

    def _value(self, attrs, name):
        return attrs.get(name, getattr(self.instance, name, None))

    def validate(self, attrs):
        starts, ends = self._value(attrs, "starts_at"), self._value(attrs, "ends_at")
        if starts and ends and ends <= starts:
            raise serializers.ValidationError(
                {"ends_at": [_("The session must end after it starts.")]}
            )
        if not (self._value(attrs, "place") or self._value(attrs, "online_link")):
            raise serializers.ValidationError({"place": [_("Give a place or an online link.")]})
        capacity = self._value(attrs, "capacity")
        if (
            self.instance is not None
            and capacity is not None
            and capacity < self.instance.enrolled_count
        ):
            raise serializers.ValidationError(
                {
                    "capacity": [
                        _("%(count)d trainees are enrolled; the capacity cannot be lower.")
                        % {"count": self.instance.enrolled_count}
                    ]
                }
            )
        if (
            self.instance is not None
            and "organization" in attrs
            and attrs["organization"] is not None
            and self.instance.enrollments.filter(status=Enrollment.Status.ENROLLED)
            .exclude(trainee__organization=attrs["organization"])
            .exists()
        ):
            raise serializers.ValidationError(
                {
                    "organization": [
                        _(
                            "Trainees of other organisations are enrolled; cancel their "
                            "enrolments first."
                        )
                    ]
                }
            )
        return attrs


class CertificateSerializer(serializers.ModelSerializer):
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "code",
            "holder_name",
            "course_title",
            "completed_on",
            "issued_at",
            "verify_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_verify_url(self, obj) -> str:
        return reverse("training:verify", args=[obj.code])


class EnrollmentSerializer(serializers.ModelSerializer):
    session = ScopedPrimaryKeyRelatedField(selector=sessions_visible_to)
    trainee = ScopedPrimaryKeyRelatedField(
        selector=users_visible_to, required=False, help_text="Defaults to the caller."
    )
    trainee_name = serializers.CharField(source="trainee.__str__", read_only=True)
    organization = serializers.IntegerField(source="trainee.organization_id", read_only=True)
    course_title = serializers.CharField(source="session.course.title", read_only=True)
    starts_at = serializers.DateTimeField(source="session.starts_at", read_only=True)
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "session",
            "trainee",
            "trainee_name",
            "organization",
            "course_title",
            "starts_at",
            "status",
            "attended",
            "score",
            "passed",
            "recorded_at",
            "certificate",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "attended", "score", "passed", "recorded_at"]
        validators = []  # one place per trainee: training.services.enroll answers 409

    @extend_schema_field(CertificateSerializer(allow_null=True))
    def get_certificate(self, obj):
        try:
            certificate = obj.certificate
        except Certificate.DoesNotExist:
            return None
        return CertificateSerializer(certificate).data


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField()
    score = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    passed = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if attrs.get("passed") and not attrs.get("attended"):
            raise serializers.ValidationError(
                {"passed": [_("A trainee who did not attend cannot pass.")]}
            )
        return attrs


class ObligationSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    fulfilled_by_trainee = serializers.CharField(
        source="fulfilled_by.trainee.__str__", read_only=True, allow_null=True
    )
    in_time = serializers.SerializerMethodField()

    class Meta:
        model = TrainingObligation
        fields = [
            "id",
            "organization",
            "organization_name",
            "contract",
            "contract_number",
            "delivery_date",
            "due_on",
            "status",
            "fulfilled_at",
            "fulfilled_on",
            "fulfilled_by",
            "fulfilled_by_trainee",
            "in_time",
            "warned_at",
            "lapsed_at",
            "cancelled_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_in_time(self, obj) -> bool | None:
        if obj.status != TrainingObligation.Status.FULFILLED:
            return None
        return obj.fulfilled_on is not None and obj.fulfilled_on <= obj.due_on
