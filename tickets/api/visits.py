"""The visit (work order) actions: POST visits/{id}/<action>/ for the roles
VISIT_ACTION_ROLES names, and the service confirmation PDF."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.roles import ALL_ROLES
from servicedesk.api.downloads import file_action
from servicedesk.api.views import etag_for
from tickets import documents, ports, services
from tickets.transitions import VISIT_ACTION_ROLES

from . import serializers


def visit_action(name: str, request_serializer, **kwargs):
    def decorator(func):
        # @action resets the function's kwargs: the schema goes on top of it
        func = action(
            detail=True,
            methods=["post"],
            url_path=name,
            roles=VISIT_ACTION_ROLES[name],
            filter_backends=[],
            pagination_class=None,
            **kwargs,
        )(func)
        return extend_schema(
            request=request_serializer,
            responses={200: serializers.VisitSerializer},
            summary=f"Visit action “{name}”",
        )(func)

    return decorator


class VisitActionsMixin:
    def _reply(self, visit_id):
        visit = self.get_queryset().get(pk=visit_id)
        return Response(
            serializers.VisitSerializer(visit, context=self.get_serializer_context()).data,
            headers={"ETag": etag_for(visit)},
        )

    def _act(self, request, serializer_class, func):
        visit = self.get_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        func(visit=visit, actor=request.user, **serializer.validated_data)
        return self._reply(visit.pk)

    @visit_action("depart", serializers.EmptySerializer)
    def depart(self, request, pk=None):
        return self._act(request, serializers.EmptySerializer, services.visit_depart)

    @visit_action("check-in", serializers.CheckInSerializer)
    def check_in(self, request, pk=None):
        return self._act(request, serializers.CheckInSerializer, services.visit_check_in)

    @visit_action("phase", serializers.PhaseSerializer)
    def phase(self, request, pk=None):
        return self._act(request, serializers.PhaseSerializer, services.visit_record_phase)

    @visit_action("parts", serializers.PartsSerializer)
    def parts(self, request, pk=None):
        visit = self.get_object()
        serializer = serializers.PartsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = ports.parts_resolve(serializer.validated_data["items"])
        services.visit_use_parts(visit=visit, actor=request.user, items=items)
        return self._reply(visit.pk)

    @visit_action(
        "sign", serializers.SignSerializer, parser_classes=[JSONParser, MultiPartParser, FormParser]
    )
    def sign(self, request, pk=None):
        return self._act(request, serializers.SignSerializer, services.visit_sign)

    @visit_action("complete", serializers.CompleteSerializer)
    def complete(self, request, pk=None):
        return self._act(request, serializers.CompleteSerializer, services.visit_complete)

    @visit_action("cancel", serializers.OptionalReasonSerializer)
    def cancel(self, request, pk=None):
        return self._act(request, serializers.OptionalReasonSerializer, services.visit_cancel)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="Service confirmation of the visit (PDF)",
        operation_id="visits_confirmation_pdf",
    )
    @file_action(
        roles=ALL_ROLES,
        url_path="confirmation.pdf",
        url_name="confirmation-pdf",
    )
    def confirmation_pdf(self, request, pk=None):
        return documents.visit_confirmation_response(self.get_object(), user=request.user)
