"""Tickets and visits over the API. Rows come from the selectors, every write goes
through tickets.services; the actions and their roles come from tickets.transitions."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.roles import ALL_ROLES
from servicedesk.api.downloads import file_action
from servicedesk.api.filters import FilterBackend, UpdatedAfterFilter
from servicedesk.api.pagination import CursorPagination, PageNumberPagination
from servicedesk.api.views import ScopedModelViewSet, ScopedReadOnlyViewSet, etag_for
from tickets import documents, services
from tickets.filters import TicketFilter, TicketSearchFilter, VisitFilter
from tickets.models import Ticket, Visit
from tickets.selectors import (
    attachments_visible_to,
    comments_visible_to,
    engineer_workload,
    suggest_assignee,
    visits_visible_to,
)
from tickets.selectors import (
    timeline as ticket_timeline,
)
from tickets.transitions import TICKET_ACTION_ROLES

from . import serializers
from .desk import AssigneeSerializer
from .visits import VisitActionsMixin


class TicketPagination(CursorPagination):
    ordering = ("-reported_at", "-id")


def ticket_action(
    name: str,
    request_serializer,
    *,
    response=serializers.TicketSerializer,
    code: int = 200,
    **kwargs,
):
    """POST tickets/{id}/<name>/ for the roles the transition table names."""

    def decorator(func):
        # @action resets the function's kwargs: the schema goes on top of it
        func = action(
            detail=True,
            methods=["post"],
            url_path=name,
            roles=TICKET_ACTION_ROLES[name],
            filter_backends=[],
            pagination_class=None,
        )(func)
        return extend_schema(
            request=request_serializer,
            responses={code: response},
            summary=f"Ticket action “{name}”",
            **kwargs,
        )(func)

    return decorator


@extend_schema_view(
    list=extend_schema(summary="Fault reports in the caller's scope, newest first"),
    create=extend_schema(summary="Report a fault"),
    partial_update=extend_schema(summary="Edit a report before triage (reporter or staff)"),
)
class TicketViewSet(ScopedModelViewSet):
    queryset = (
        Ticket.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.TicketSerializer
    pagination_class = TicketPagination
    http_method_names = ["get", "post", "patch", "head", "options"]
    read_roles = ALL_ROLES
    write_roles = ALL_ROLES
    filterset_class = TicketFilter
    filter_backends = [FilterBackend, UpdatedAfterFilter, TicketSearchFilter, OrderingFilter]
    ordering_fields = ["reported_at", "updated_at", "severity"]

    def get_queryset(self):
        from tickets.selectors import tickets_in_scope, tickets_visible_to

        if self.action == "list":
            # The list reads plain rows (list() below): no instances, no prefetch.
            return tickets_in_scope(self.request.user)
        return tickets_visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        # The page as TicketSerializer would write it, from `values()` rows: the same
        # JSON at a fraction of the Python (issue 15; serializers.list_data). No
        # docstring: the schema's description of the operation stays as it was.
        # On PostgreSQL the page is chosen on its keys and its columns read by id through
        # a prepared statement (serializers.list_keys, list_rows).
        queryset = self.filter_queryset(self.get_queryset())
        plain = set(request.query_params) <= {"cursor", self.paginator.page_size_query_param}
        keys = serializers.list_keys(queryset, plain=plain)
        page = self.paginate_queryset(keys)
        rows = serializers.list_rows(keys if page is None else page, queryset.db)
        if page is None:
            return Response(serializers.list_data(rows))
        return self.get_paginated_response(serializers.list_data(rows))

    def get_serializer_class(self):
        if self.action == "partial_update":
            return serializers.TicketUpdateSerializer
        return super().get_serializer_class()

    def perform_create(self, serializer):
        data, request = serializer.validated_data, self.request
        user = request.user
        channel = data.get("channel") if not user.is_customer else None
        if not channel:
            channel = (
                Ticket.Channel.API
                if request.auth is not None
                else Ticket.Channel.PORTAL
                if user.is_customer
                else Ticket.Channel.PHONE
            )
        fields = {
            name: data[name]
            for name in (
                "kind",
                "impact",
                "urgency",
                "equipment",
                "contact_name",
                "contact_email",
                "contact_phone",
            )
            if name in data
        }
        serializer.instance = services.ticket_create(
            actor=user,
            organization=data["organization"],
            site=data["site"],
            title=data["title"],
            description=data["description"],
            channel=channel,
            **fields,
        )

    def perform_update(self, serializer):
        serializer.instance = services.ticket_edit(
            ticket=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def _reply(self, ticket_id, code=200):
        # The caller may have just handed the ticket out of their own scope (escalation,
        # reassignment): they still get the result of what they did.
        ticket = self.get_queryset().filter(pk=ticket_id).first()
        if ticket is None:
            from tickets.selectors import with_sla

            ticket = with_sla(
                Ticket.objects.select_related("organization", "site", "equipment", "assignee")
            ).get(pk=ticket_id)
        return Response(
            serializers.TicketSerializer(ticket, context=self.get_serializer_context()).data,
            status=code,
            headers={"ETag": etag_for(ticket)},
        )

    def _act(self, request, serializer_class, func):
        ticket = self.get_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        func(ticket=ticket, actor=request.user, **serializer.validated_data)
        return self._reply(ticket.pk)

    @ticket_action("triage", serializers.TriageSerializer)
    def triage(self, request, pk=None):
        return self._act(request, serializers.TriageSerializer, services.ticket_triage)

    @ticket_action("assign", serializers.AssignSerializer)
    def assign(self, request, pk=None):
        return self._act(request, serializers.AssignSerializer, services.ticket_assign)

    @ticket_action("respond", serializers.NoteSerializer)
    def respond(self, request, pk=None):
        return self._act(request, serializers.NoteSerializer, services.ticket_respond)

    @ticket_action("wait-customer", serializers.ReasonSerializer)
    def wait_customer(self, request, pk=None):
        return self._act(request, serializers.ReasonSerializer, services.ticket_wait_customer)

    @ticket_action("resume", serializers.NoteSerializer)
    def resume(self, request, pk=None):
        return self._act(request, serializers.NoteSerializer, services.ticket_resume)

    @ticket_action("escalate", serializers.EscalateSerializer)
    def escalate(self, request, pk=None):
        return self._act(request, serializers.EscalateSerializer, services.ticket_escalate)

    @ticket_action(
        "dispatch", serializers.DispatchSerializer, response=serializers.VisitSerializer, code=201
    )
    def dispatch_visit(self, request, pk=None):
        ticket = self.get_object()
        serializer = serializers.DispatchSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        visit = services.ticket_dispatch(
            ticket=ticket, actor=request.user, **serializer.validated_data
        )
        visit = visits_visible_to(request.user).get(pk=visit.pk)
        return Response(
            serializers.VisitSerializer(visit, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @ticket_action("resolve", serializers.ResolveSerializer)
    def resolve(self, request, pk=None):
        return self._act(request, serializers.ResolveSerializer, services.ticket_resolve)

    @ticket_action("accept", serializers.EmptySerializer)
    def accept(self, request, pk=None):
        return self._act(request, serializers.EmptySerializer, services.ticket_accept)

    @ticket_action("follow-up", serializers.FollowUpSerializer)
    def follow_up(self, request, pk=None):
        return self._act(request, serializers.FollowUpSerializer, services.ticket_follow_up)

    @ticket_action("reopen", serializers.ReasonSerializer)
    def reopen(self, request, pk=None):
        return self._act(request, serializers.ReasonSerializer, services.ticket_reopen)

    @ticket_action("cancel", serializers.ReasonSerializer)
    def cancel(self, request, pk=None):
        return self._act(request, serializers.ReasonSerializer, services.ticket_cancel)

    @ticket_action("close", serializers.EmptySerializer)
    def close(self, request, pk=None):
        return self._act(request, serializers.EmptySerializer, services.ticket_close)

    # --- nested reads and writes ---------------------------------------------------
    @extend_schema(
        responses=AssigneeSerializer(many=True),
        summary="Engineers to assign: centre, open load, next due time, the suggestion",
    )
    @action(
        detail=True,
        methods=["get"],
        roles=TICKET_ACTION_ROLES["assign"],
        filter_backends=[],
        pagination_class=None,
    )
    def assignees(self, request, pk=None):
        ticket = self.get_object()
        engineers = list(engineer_workload(request.user))
        suggestion = suggest_assignee(engineers, ticket)
        context = {"suggested_id": suggestion.pk if suggestion else None}
        return Response(AssigneeSerializer(engineers, many=True, context=context).data)

    @extend_schema(
        responses=serializers.TicketEventSerializer(many=True), summary="The ticket's timeline"
    )
    @action(
        detail=True,
        methods=["get"],
        roles=ALL_ROLES,
        filter_backends=[],
        pagination_class=PageNumberPagination,
    )
    def timeline(self, request, pk=None):
        ticket = self.get_object()
        page = self.paginate_queryset(ticket_timeline(request.user, ticket))
        return self.get_paginated_response(serializers.TicketEventSerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"], responses=serializers.CommentSerializer(many=True), summary="Comments"
    )
    @extend_schema(
        methods=["POST"],
        request=serializers.CommentSerializer,
        responses={201: serializers.CommentSerializer},
        summary="Add a comment (`internal` only for staff)",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        roles=ALL_ROLES,
        filter_backends=[],
        pagination_class=PageNumberPagination,
    )
    def comments(self, request, pk=None):
        ticket = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            serializer = serializers.CommentSerializer(data=request.data, context=context)
            serializer.is_valid(raise_exception=True)
            comment = services.comment_add(
                ticket=ticket,
                author=request.user,
                body=serializer.validated_data["body"],
                internal=serializer.validated_data.get("internal", False),
            )
            return Response(
                serializers.CommentSerializer(comment, context=context).data,
                status=status.HTTP_201_CREATED,
            )
        rows = comments_visible_to(request.user).filter(ticket=ticket).order_by("created_at", "id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            serializers.CommentSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        methods=["GET"], responses=serializers.AttachmentSerializer(many=True), summary="Files"
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": serializers.AttachmentUploadSerializer},
        responses={
            201: serializers.AttachmentSerializer,
            413: OpenApiResponse(description="Over the size limit"),
        },
        summary="Upload a photo or file (multipart)",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        roles=ALL_ROLES,
        filter_backends=[],
        pagination_class=PageNumberPagination,
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            serializer = serializers.AttachmentUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            visit = None
            if data.get("visit"):
                visit = (
                    visits_visible_to(request.user).filter(pk=data["visit"], ticket=ticket).first()
                )
                if visit is None:
                    return Response({"visit": ["Not a visit of this fault report."]}, status=400)
            attachment = services.attachment_add(
                ticket=ticket,
                uploaded_by=request.user,
                file=data["file"],
                internal=data["internal"] and not request.user.is_customer,
                visit=visit,
            )
            return Response(
                serializers.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED
            )
        rows = (
            attachments_visible_to(request.user).filter(ticket=ticket).order_by("created_at", "id")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializers.AttachmentSerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("attachment_id", int, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download a file",
    )
    @file_action(
        roles=ALL_ROLES,
        url_path=r"attachments/(?P<attachment_id>[0-9]+)/download",
    )
    def download(self, request, pk=None, attachment_id=None):
        ticket = self.get_object()
        attachment = attachments_visible_to(request.user).get(ticket=ticket, pk=attachment_id)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="Fault handling report (PDF)",
        operation_id="tickets_report_pdf",
    )
    @file_action(
        roles=ALL_ROLES,
        url_path="report.pdf",
        url_name="report-pdf",
    )
    def report_pdf(self, request, pk=None):
        ticket = self.get_object()
        return documents.ticket_report_response(ticket, user=request.user)


@extend_schema_view(
    list=extend_schema(summary="On-site visits (work orders) in the caller's scope")
)
class VisitViewSet(VisitActionsMixin, ScopedReadOnlyViewSet):
    queryset = Visit.objects.none()  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.VisitSerializer
    read_roles = ALL_ROLES
    filterset_class = VisitFilter
    search_fields = ["number", "ticket__number", "ticket__title"]
    ordering_fields = ["dispatched_at", "updated_at", "scheduled_for"]

    def get_queryset(self):
        return visits_visible_to(self.request.user)
