from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.roles import ALL_ROLES, MANAGERS
from reports import services
from reports.models import OperationReport
from reports.selectors import reports_visible_to
from servicedesk.api.downloads import file_action
from servicedesk.api.views import ScopedReadOnlyViewSet
from servicedesk.errors import InvalidTransition
from servicedesk.pdf import pdf_response

from .serializers import OperationReportRequestSerializer, OperationReportSerializer


class OperationReportViewSet(ScopedReadOnlyViewSet):
    """Operation reports: the monthly and quarterly ones the schedule makes, and those
    managers ask for. POST starts a job (202); poll its `status` and `progress`;
    its result is `{id}/report.pdf`."""

    queryset = OperationReport.objects.none()  # names the model for the schema
    serializer_class = OperationReportSerializer
    read_roles = ALL_ROLES
    write_roles = MANAGERS
    filterset_fields = ["organization", "kind", "status"]
    ordering_fields = ["period_start", "created_at", "updated_at"]

    def get_queryset(self):
        return reports_visible_to(self.request.user)

    @extend_schema(
        request=OperationReportRequestSerializer,
        responses={202: OperationReportSerializer},
        summary="Generate an operation report (a job to poll)",
    )
    def create(self, request):
        body = OperationReportRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report = services.report_request(
            actor=request.user,
            organization=data["organization"],
            start=data["from"],
            end=data["to"],
            language=data.get("language", ""),
        )
        report = self.get_queryset().get(pk=report.pk)
        response = Response(OperationReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = request.build_absolute_uri(f"{report.pk}/")
        return response

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="Not built yet"),
        },
        summary="Operation report (PDF)",
    )
    @file_action(roles=ALL_ROLES, url_path="report.pdf", url_name="pdf")
    def report_pdf(self, request, pk=None):
        report = self.get_object()
        if report.status != OperationReport.Status.DONE or not report.pdf:
            raise InvalidTransition(_("The report is not built yet."))
        with report.pdf.open("rb") as handle:
            return pdf_response(handle.read(), services.report_filename(report))
