from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.selectors import organizations_visible_to
from reports.models import OperationReport
from servicedesk.api.fields import ScopedPrimaryKeyRelatedField


class OperationReportSerializer(serializers.ModelSerializer):
    """A report job: `status` queued → running → done (or failed), `progress` 0-100
    and the `step` being built; `pdf` is the result's URL once done."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = OperationReport
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "period_start",
            "period_end",
            "language",
            "status",
            "progress",
            "step",
            "error",
            "pdf",
            "started_at",
            "finished_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_pdf(self, report) -> str | None:
        if report.status != OperationReport.Status.DONE:
            return None
        return reverse("api:operation-report-pdf", args=[report.pk])


class OperationReportRequestSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(selector=organizations_visible_to)
    from_ = serializers.DateField()
    to = serializers.DateField()
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text="Default: the caller's language."
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": [_("The period must end after it starts.")]})
        return attrs
