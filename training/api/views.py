"""Training over the API. Rows come from training.selectors; enrolment, attendance,
cancellation and materials go through training.services."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.roles import ALL_ROLES, CUSTOMERS, DISPATCH, MANAGERS, STAFF
from servicedesk.api.downloads import file_action
from servicedesk.api.views import (
    ScopedCreateListRetrieveViewSet,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
)
from servicedesk.pdf import pdf_response
from training import catalogue, selectors, services
from training.models import Certificate, Course, Enrollment, Session, TrainingObligation

from . import serializers


class CourseViewSet(ScopedModelViewSet):
    queryset = (
        Course.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.CourseSerializer
    read_roles = ALL_ROLES
    write_roles = MANAGERS
    filterset_fields = ["kind", "active"]
    search_fields = ["title", "description"]
    ordering_fields = ["title", "kind", "updated_at"]

    create_service = staticmethod(catalogue.course_create)
    update_service = staticmethod(catalogue.course_update)
    delete_service = staticmethod(catalogue.course_delete)

    def get_queryset(self):
        return selectors.courses_visible_to(self.request.user)

    @extend_schema(
        request={"multipart/form-data": serializers.MaterialUploadSerializer},
        responses={201: serializers.CourseMaterialSerializer},
        summary="Add a material file to the course",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="materials",
        roles=MANAGERS,
        filter_backends=[],
        pagination_class=None,
        parser_classes=[MultiPartParser, FormParser],
    )
    def add_material(self, request, pk=None):
        course = self.get_object()
        body = serializers.MaterialUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        material = services.material_add(
            course=course,
            actor=request.user,
            file=body.validated_data["file"],
            title=body.validated_data.get("title", ""),
        )
        return Response(
            serializers.CourseMaterialSerializer(material).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download a course material",
    )
    @file_action(
        url_path=r"materials/(?P<material_id>[0-9]+)",
        url_name="material",
        roles=ALL_ROLES,
    )
    def material(self, request, pk=None, material_id=None):
        material = self.get_object().materials.get(pk=material_id)
        return FileResponse(
            material.file.open("rb"),
            as_attachment=True,
            filename=material.file.name.rsplit("/", 1)[-1],
            content_type=material.content_type,
        )


class SessionViewSet(ScopedModelViewSet):
    queryset = (
        Session.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.SessionSerializer
    read_roles = ALL_ROLES
    write_roles = DISPATCH
    filterset_fields = {
        "course": ["exact"],
        "course__kind": ["exact"],
        "organization": ["exact", "isnull"],
        "trainer": ["exact"],
        "starts_at": ["gte", "lte"],
    }
    search_fields = ["course__title", "place"]
    ordering_fields = ["starts_at", "updated_at"]

    create_service = staticmethod(catalogue.session_create)
    update_service = staticmethod(catalogue.session_update)
    delete_service = staticmethod(catalogue.session_delete)

    def get_queryset(self):
        return selectors.sessions_visible_to(self.request.user)


def _action(name: str, roles, request=None, **kwargs):
    def decorator(func):
        # @action resets the function's kwargs: the schema goes on top of it
        func = action(
            detail=True,
            methods=["post"],
            url_path=name,
            roles=roles,
            filter_backends=[],
            pagination_class=None,
        )(func)
        return extend_schema(
            request=request,
            responses={200: serializers.EnrollmentSerializer},
            summary=f"Enrolment action “{name}”",
            **kwargs,
        )(func)

    return decorator


@extend_schema_view(
    create=extend_schema(summary="Enrol a trainee (the caller when `trainee` is left out)")
)
class EnrollmentViewSet(ScopedCreateListRetrieveViewSet):
    queryset = (
        Enrollment.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.EnrollmentSerializer
    read_roles = ALL_ROLES
    write_roles = CUSTOMERS | DISPATCH
    filterset_fields = {
        "session": ["exact"],
        "trainee": ["exact"],
        "status": ["exact"],
        "passed": ["exact"],
        "session__course__kind": ["exact"],
    }
    ordering_fields = ["created_at", "updated_at"]

    def get_queryset(self):
        return selectors.enrollments_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        enrollment = services.enroll(
            session=data["session"],
            trainee=data.get("trainee", self.request.user),
            actor=self.request.user,
        )
        serializer.instance = self.get_queryset().get(pk=enrollment.pk)

    def _fresh(self, enrollment, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=enrollment.pk)
        return Response(
            serializers.EnrollmentSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
        )

    @_action("attendance", STAFF, request=serializers.AttendanceSerializer)
    def attendance(self, request, pk=None):
        enrollment = self.get_object()
        body = serializers.AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._fresh(
            services.record_attendance(
                enrollment=enrollment, actor=request.user, **body.validated_data
            )
        )

    @_action("cancel", CUSTOMERS | DISPATCH)
    def cancel(self, request, pk=None):
        return self._fresh(
            services.enrollment_cancel(enrollment=self.get_object(), actor=request.user)
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No certificate (not passed yet)"),
        },
        summary="Completion certificate (PDF)",
    )
    @file_action(
        roles=ALL_ROLES,
        url_path="certificate.pdf",
        url_name="certificate-pdf",
    )
    def certificate_pdf(self, request, pk=None):
        enrollment = self.get_object()
        certificate = Certificate.objects.select_related(
            "enrollment__session__course",
            "enrollment__session__trainer",
            "enrollment__trainee",
        ).get(enrollment=enrollment)  # none yet: 404
        return pdf_response(
            services.render_certificate(certificate, language=request.user.language),
            services.certificate_filename(certificate),
        )


class ObligationViewSet(ScopedReadOnlyViewSet):
    queryset = (
        TrainingObligation.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.ObligationSerializer
    read_roles = DISPATCH | CUSTOMERS
    filterset_fields = {
        "status": ["exact", "in"],
        "organization": ["exact"],
        "contract": ["exact"],
        "due_on": ["gte", "lte"],
    }
    ordering_fields = ["due_on", "updated_at"]

    def get_queryset(self):
        return selectors.obligations_visible_to(self.request.user)
