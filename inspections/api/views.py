"""Inspections and maintenance over the API. Rows come from inspections.selectors,
every write on inspections and tasks goes through inspections.services."""

import json

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.roles import ALL_ROLES, DISPATCH, STAFF
from inspections import selectors, services
from inspections.models import (
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    MaintenancePlan,
    MaintenanceTask,
    UpgradeAssessment,
)
from inspections.transitions import (
    ASSESSMENT_ACTION_ROLES,
    INSPECTION_ACTION_ROLES,
    TASK_ACTION_ROLES,
)
from servicedesk.api.downloads import file_action
from servicedesk.api.views import (
    ETagMixin,
    IfMatchUpdateMixin,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
)
from servicedesk.pdf import pdf_response
from tickets.models import Ticket

from . import serializers as inspection_serializers


def _action(
    name: str, roles, request=None, response=inspection_serializers.InspectionSerializer, **kwargs
):
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
            responses={200: response},
            summary=f"Inspection action “{name}”",
            **kwargs,
        )(func)

    return decorator


class ChecklistTemplateViewSet(ScopedReadOnlyViewSet):
    queryset = (
        ChecklistTemplate.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = inspection_serializers.ChecklistTemplateSerializer
    read_roles = STAFF
    search_fields = ["name"]

    def get_queryset(self):
        return selectors.checklist_templates_visible_to(self.request.user)


class InspectionPlanViewSet(ScopedModelViewSet):
    queryset = (
        InspectionPlan.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = inspection_serializers.InspectionPlanSerializer
    read_roles = ALL_ROLES
    write_roles = DISPATCH
    filterset_fields = ["site", "contract", "recurrence", "active", "default_engineer"]
    search_fields = ["name", "site__name"]
    ordering_fields = ["name", "anchor_date", "updated_at"]

    create_service = staticmethod(services.inspection_plan_create)
    update_service = staticmethod(services.inspection_plan_update)
    delete_service = staticmethod(services.inspection_plan_delete)

    def get_queryset(self):
        return selectors.plans_visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Inspections in the caller's scope, latest date first"),
    partial_update=extend_schema(summary="Assign the engineer (dispatchers and managers)"),
)
class InspectionViewSet(
    IfMatchUpdateMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = (
        Inspection.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = inspection_serializers.InspectionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    read_roles = ALL_ROLES
    write_roles = DISPATCH
    roles = None
    filterset_fields = {
        "status": ["exact", "in"],
        "site": ["exact"],
        "plan": ["exact"],
        "assignee": ["exact"],
        "service_center": ["exact"],
        "scheduled_for": ["exact", "gte", "lte"],
    }
    search_fields = ["site__name", "findings"]
    ordering_fields = ["scheduled_for", "updated_at", "status"]

    def get_queryset(self):
        return selectors.with_results(selectors.inspections_visible_to(self.request.user))

    def perform_update(self, serializer):
        inspection = services.inspection_assign(
            inspection=serializer.instance,
            actor=self.request.user,
            assignee=serializer.validated_data.get("assignee", serializer.instance.assignee),
        )
        serializer.instance = inspection

    def _detail(self, inspection):
        fresh = selectors.with_results(selectors.inspections_visible_to(self.request.user)).get(
            pk=inspection.pk
        )
        return Response(
            inspection_serializers.InspectionSerializer(
                fresh, context=self.get_serializer_context()
            ).data
        )

    @_action("start", INSPECTION_ACTION_ROLES["start"])
    def start(self, request, pk=None):
        return self._detail(
            services.inspection_start(inspection=self.get_object(), actor=request.user)
        )

    @extend_schema(
        request={
            "application/json": inspection_serializers.InspectionResultsRequestSerializer,
            "multipart/form-data": inspection_serializers.InspectionResultsMultipartSerializer,
        },
        responses={200: inspection_serializers.InspectionSerializer},
        summary="Record checklist results (and photos)",
    )
    @action(
        detail=True,
        methods=["post"],
        roles=INSPECTION_ACTION_ROLES["results"],
        filter_backends=[],
        pagination_class=None,
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def results(self, request, pk=None):
        inspection = self.get_object()
        raw, photos = self._results_payload(request)
        entries = inspection_serializers.InspectionResultEntrySerializer(
            data=raw, many=True, context=self.get_serializer_context()
        )
        if not entries.is_valid():
            errors = {str(i): e for i, e in enumerate(entries.errors) if e}
            raise serializers.ValidationError({"results": errors})
        services.inspection_record_results(
            inspection=inspection, actor=request.user, results=entries.validated_data, photos=photos
        )
        return self._detail(inspection)

    @staticmethod
    def _results_payload(request):
        data = request.data
        photos = {
            key.removeprefix("photo_"): file
            for key, file in request.FILES.items()
            if key.startswith("photo_") and key.removeprefix("photo_").isdigit()
        }
        if isinstance(data, list):
            return data, photos
        raw = data.get("results", [])
        if isinstance(raw, str):
            try:
                raw = json.loads(raw) if raw.strip() else []
            except ValueError as exc:
                raise serializers.ValidationError({"results": ["Not valid JSON."]}) from exc
        if not isinstance(raw, list):
            raise serializers.ValidationError({"results": ["Expected a list of results."]})
        return raw, photos

    @_action(
        "complete",
        INSPECTION_ACTION_ROLES["complete"],
        request=inspection_serializers.InspectionCompleteSerializer,
    )
    def complete(self, request, pk=None):
        inspection = self.get_object()
        body = inspection_serializers.InspectionCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._detail(
            services.inspection_complete(
                inspection=inspection, actor=request.user, **body.validated_data
            )
        )

    @_action("acknowledge", INSPECTION_ACTION_ROLES["acknowledge"])
    def acknowledge(self, request, pk=None):
        return self._detail(
            services.inspection_acknowledge(inspection=self.get_object(), actor=request.user)
        )

    @_action(
        "cancel",
        INSPECTION_ACTION_ROLES["cancel"],
        request=inspection_serializers.InspectionReasonSerializer,
    )
    def cancel(self, request, pk=None):
        inspection = self.get_object()
        body = inspection_serializers.InspectionReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._detail(
            services.inspection_cancel(
                inspection=inspection, actor=request.user, reason=body.validated_data["reason"]
            )
        )

    @extend_schema(
        request=inspection_serializers.InspectionRaiseTicketSerializer,
        responses={201: inspection_serializers.InspectionRaisedTicketSerializer},
        summary="Raise a fault report from a warning or fault finding",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="raise-ticket",
        roles=INSPECTION_ACTION_ROLES["raise_ticket"],
        filter_backends=[],
        pagination_class=None,
    )
    def raise_ticket(self, request, pk=None):
        inspection = self.get_object()
        body = inspection_serializers.InspectionRaiseTicketSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        result = inspection.results.filter(pk=body.validated_data["result"]).first()
        if result is None:
            raise serializers.ValidationError({"result": ["Not a result of this inspection."]})
        ticket = services.inspection_raise_ticket(
            result=result,
            actor=request.user,
            channel=Ticket.Channel.API if request.auth is not None else Ticket.Channel.PORTAL,
            title=body.validated_data.get("title", ""),
            description=body.validated_data.get("description", ""),
            equipment=body.validated_data.get("equipment"),
        )
        result.refresh_from_db()
        return Response(
            {
                "ticket": ticket.pk,
                "number": ticket.number,
                "result": inspection_serializers.InspectionResultSerializer(result).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="Not completed yet"),
        },
        summary="Inspection report (PDF)",
    )
    @file_action(
        roles=ALL_ROLES,
        url_path="report.pdf",
        url_name="report-pdf",
    )
    def report_pdf(self, request, pk=None):
        inspection = self.get_object()
        return pdf_response(
            services.render_report(inspection, language=request.user.language),
            services.report_filename(inspection),
        )

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="A result's photo",
    )
    @file_action(
        roles=ALL_ROLES,
        url_path=r"results/(?P<result_id>[0-9]+)/photo",
    )
    def photo(self, request, pk=None, result_id=None):
        result = self.get_object().results.exclude(photo="").get(pk=result_id)
        return FileResponse(result.photo.open("rb"), filename=result.photo.name.rsplit("/", 1)[-1])


class MaintenancePlanViewSet(ScopedModelViewSet):
    queryset = (
        MaintenancePlan.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = inspection_serializers.MaintenancePlanSerializer
    read_roles = ALL_ROLES
    write_roles = DISPATCH
    filterset_fields = ["equipment", "task_kind", "active", "assignee"]
    ordering_fields = ["start_date", "updated_at"]

    create_service = staticmethod(services.maintenance_plan_create)
    update_service = staticmethod(services.maintenance_plan_update)
    delete_service = staticmethod(services.maintenance_plan_delete)

    def get_queryset(self):
        return selectors.maintenance_plans_visible_to(self.request.user)


class MaintenanceTaskViewSet(ScopedReadOnlyViewSet):
    queryset = (
        MaintenanceTask.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = inspection_serializers.MaintenanceTaskSerializer
    read_roles = ALL_ROLES
    filterset_fields = {
        "status": ["exact", "in"],
        "equipment": ["exact"],
        "plan": ["exact"],
        "task_kind": ["exact"],
        "assignee": ["exact"],
        "due_on": ["exact", "gte", "lte"],
    }
    ordering_fields = ["due_on", "updated_at"]

    def get_queryset(self):
        return selectors.maintenance_tasks_visible_to(self.request.user)

    def _fresh(self, task):
        return Response(
            inspection_serializers.MaintenanceTaskSerializer(
                self.get_queryset().get(pk=task.pk)
            ).data
        )

    @extend_schema(
        request=inspection_serializers.MaintenanceTaskCompleteSerializer,
        responses={200: inspection_serializers.MaintenanceTaskSerializer},
        summary="Complete a task (a firmware update needs new_version)",
    )
    @action(
        detail=True,
        methods=["post"],
        roles=TASK_ACTION_ROLES["complete"],
        filter_backends=[],
        pagination_class=None,
    )
    def complete(self, request, pk=None):
        task = self.get_object()
        body = inspection_serializers.MaintenanceTaskCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._fresh(
            services.maintenance_task_complete(task=task, actor=request.user, **body.validated_data)
        )

    @extend_schema(
        request=inspection_serializers.InspectionReasonSerializer,
        responses={200: inspection_serializers.MaintenanceTaskSerializer},
        summary="Skip a task",
    )
    @action(
        detail=True,
        methods=["post"],
        roles=TASK_ACTION_ROLES["skip"],
        filter_backends=[],
        pagination_class=None,
    )
    def skip(self, request, pk=None):
        task = self.get_object()
        body = inspection_serializers.InspectionReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._fresh(
            services.maintenance_task_skip(
                task=task, actor=request.user, reason=body.validated_data["reason"]
            )
        )


# --- upgrade assessments (issue 18) ----------------------------------------------------
def _assessment_create(*, actor, ticket, lines=None, **fields):
    return services.assessment_create(actor=actor, ticket=ticket, fields=fields, lines=lines or [])


def _assessment_update(assessment, *, actor, lines=None, **fields):
    fields.pop("ticket", None)  # an assessment stays with its ticket
    return services.assessment_update(
        actor=actor, assessment=assessment, fields=fields, lines=lines
    )


def _assessment_action(name: str, request_serializer=None, summary: str = ""):
    def decorator(func):
        func = action(
            detail=True,
            methods=["post"],
            url_path=name,
            roles=ASSESSMENT_ACTION_ROLES[name],
            filter_backends=[],
            pagination_class=None,
        )(func)
        return extend_schema(
            request=request_serializer,
            responses={
                200: inspection_serializers.UpgradeAssessmentSerializer,
                400: OpenApiResponse(description="Bad input"),
                404: OpenApiResponse(description="Outside the caller's scope"),
                409: OpenApiResponse(description="Not possible in the assessment's status"),
            },
            summary=summary,
        )(func)

    return decorator


class UpgradeAssessmentViewSet(ScopedModelViewSet):
    """Upgrade assessments of upgrade and consultation tickets: staff write drafts and
    propose them, customers (who never see drafts) approve or decline."""

    queryset = UpgradeAssessment.objects.none()  # rows come from get_queryset()
    serializer_class = inspection_serializers.UpgradeAssessmentSerializer
    read_roles = ALL_ROLES
    write_roles = ASSESSMENT_ACTION_ROLES["edit"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = {"status": ["exact", "in"], "ticket": ["exact"], "equipment": ["exact"]}
    ordering_fields = ["created_at", "updated_at", "planned_for"]

    create_service = staticmethod(_assessment_create)
    update_service = staticmethod(_assessment_update)

    def get_queryset(self):
        return selectors.assessments_visible_to(self.request.user)

    def _fresh(self, assessment):
        row = self.get_queryset().get(pk=assessment.pk)
        return Response(inspection_serializers.UpgradeAssessmentSerializer(row).data)

    @_assessment_action("propose", summary="Send the assessment to the customer")
    def propose(self, request, pk=None):
        return self._fresh(
            services.assessment_propose(actor=request.user, assessment=self.get_object())
        )

    @_assessment_action("revise", summary="Take it back into draft")
    def revise(self, request, pk=None):
        return self._fresh(
            services.assessment_revise(actor=request.user, assessment=self.get_object())
        )

    @_assessment_action(
        "approve",
        inspection_serializers.AssessmentNoteSerializer,
        "Approve (customer): plans the upgrade as a maintenance task",
    )
    def approve(self, request, pk=None):
        body = inspection_serializers.AssessmentNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = self.get_object()
        return self._fresh(
            services.assessment_approve(
                actor=request.user, assessment=assessment, **body.validated_data
            )
        )

    @_assessment_action(
        "decline", inspection_serializers.AssessmentDeclineSerializer, "Decline (customer)"
    )
    def decline(self, request, pk=None):
        body = inspection_serializers.AssessmentDeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = self.get_object()
        return self._fresh(
            services.assessment_decline(
                actor=request.user, assessment=assessment, **body.validated_data
            )
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Outside the caller's scope"),
        },
        summary="The assessment as a PDF, in the caller's language",
    )
    @file_action(roles=ALL_ROLES, url_path="assessment.pdf", url_name="pdf")
    def pdf(self, request, pk=None):
        assessment = self.get_object()
        return pdf_response(
            services.render_assessment(assessment, language=request.LANGUAGE_CODE),
            services.assessment_filename(assessment),
        )
