from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors import engineers_of, service_centers_visible_to
from assets.selectors import contracts_visible_to, equipment_visible_to, sites_visible_to
from inspections import recurrence
from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionResult,
    MaintenancePlan,
    MaintenanceTask,
    QuoteLine,
    UpgradeAssessment,
)
from inspections.selectors import checklist_templates_visible_to
from servicedesk.api.fields import ScopedPrimaryKeyRelatedField
from tickets.selectors import tickets_visible_to


@extend_schema_field(OpenApiTypes.INT)
class EquipmentIdField(ScopedPrimaryKeyRelatedField):
    """An equipment id in an action's body, looked up in the caller's scope."""

    def __init__(self, **kwargs):
        super().__init__(selector=equipment_visible_to, **kwargs)


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "order",
            "section",
            "kind",
            "label",
            "unit",
            "min_value",
            "max_value",
            "required",
        ]


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "description", "active", "items", "created_at", "updated_at"]


class InspectionPlanSerializer(serializers.ModelSerializer):
    site = ScopedPrimaryKeyRelatedField(selector=sites_visible_to)
    contract = ScopedPrimaryKeyRelatedField(selector=contracts_visible_to)
    default_engineer = ScopedPrimaryKeyRelatedField(
        selector=engineers_of, required=False, allow_null=True
    )
    service_center = ScopedPrimaryKeyRelatedField(
        selector=service_centers_visible_to, required=False, allow_null=True
    )
    checklist_template = ScopedPrimaryKeyRelatedField(selector=checklist_templates_visible_to)
    site_name = serializers.CharField(source="site.name", read_only=True)
    effective_time_zone = serializers.CharField(source="zone_name", read_only=True)

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "name",
            "site",
            "site_name",
            "contract",
            "recurrence",
            "rrule",
            "anchor_date",
            "time_zone",
            "effective_time_zone",
            "default_engineer",
            "service_center",
            "checklist_template",
            "active_from",
            "active_until",
            "active",
            "created_at",
            "updated_at",
        ]

    def _value(self, attrs, name):
        return attrs.get(name, getattr(self.instance, name, None))

    def validate(self, attrs):
        site, contract = self._value(attrs, "site"), self._value(attrs, "contract")
        if (
            site is not None
            and contract is not None
            and not contract.sites.filter(pk=site.pk).exists()
        ):
            raise serializers.ValidationError(
                {"contract": [_("The contract does not cover this site.")]}
            )
        kind, rule = self._value(attrs, "recurrence"), self._value(attrs, "rrule") or ""
        if kind == InspectionPlan.Recurrence.RRULE:
            try:
                recurrence.validate_rrule(
                    rule,
                    anchor=self._value(attrs, "anchor_date"),
                    zone=self._value(attrs, "time_zone") or (site.time_zone if site else "UTC"),
                )
            except (ValueError, TypeError, KeyError) as exc:
                raise serializers.ValidationError(
                    {"rrule": [_("Not a valid RRULE: %(error)s") % {"error": exc}]}
                ) from exc
        elif rule:
            attrs["rrule"] = ""
        start, until = self._value(attrs, "active_from"), self._value(attrs, "active_until")
        if start and until and until < start:
            raise serializers.ValidationError(
                {"active_until": [_("The plan cannot end before it starts.")]}
            )
        return attrs


class InspectionResultSerializer(serializers.ModelSerializer):
    item_label = serializers.CharField(source="item.label", read_only=True)
    item_kind = serializers.CharField(source="item.kind", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    has_photo = serializers.SerializerMethodField()
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, allow_null=True)

    class Meta:
        model = InspectionResult
        fields = [
            "id",
            "item",
            "item_label",
            "item_kind",
            "unit",
            "outcome",
            "value",
            "text",
            "out_of_limit",
            "equipment",
            "has_photo",
            "ticket",
            "ticket_number",
            "updated_at",
        ]

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


class InspectionSerializer(serializers.ModelSerializer):
    """One shape for list and detail (results and checklist are prefetched: a fixed
    number of queries per page)."""

    site_name = serializers.CharField(source="site.name", read_only=True)
    assignee = ScopedPrimaryKeyRelatedField(selector=engineers_of, allow_null=True)
    results = InspectionResultSerializer(many=True, read_only=True)
    checklist = ChecklistItemSerializer(
        source="checklist_template.items", many=True, read_only=True
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "plan",
            "site",
            "site_name",
            "checklist_template",
            "scheduled_for",
            "assignee",
            "service_center",
            "status",
            "started_at",
            "completed_at",
            "findings",
            "recommendations",
            "acknowledged_by",
            "acknowledged_at",
            "checklist",
            "results",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [name for name in fields if name != "assignee"]


class InspectionResultEntrySerializer(serializers.Serializer):
    item = serializers.IntegerField()
    outcome = serializers.ChoiceField(
        choices=InspectionResult.Outcome.choices, required=False, allow_blank=True
    )
    value = serializers.DecimalField(
        max_digits=12, decimal_places=3, required=False, allow_null=True
    )
    text = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    equipment = EquipmentIdField(required=False, allow_null=True)


class InspectionResultsRequestSerializer(serializers.Serializer):
    """JSON: {"results": [...]}. Multipart: `results` as a JSON string, plus one file
    field `photo_<item id>` per photo."""

    results = InspectionResultEntrySerializer(many=True, required=False)


class InspectionResultsMultipartSerializer(serializers.Serializer):
    results = serializers.CharField(
        required=False, help_text="The list of result entries as a JSON string."
    )
    photo_ITEMID = serializers.ImageField(
        required=False, help_text="One photo per item: field name photo_<item id>."
    )


class InspectionCompleteSerializer(serializers.Serializer):
    findings = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    recommendations = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class InspectionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class InspectionRaiseTicketSerializer(serializers.Serializer):
    result = serializers.IntegerField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    equipment = EquipmentIdField(required=False, allow_null=True)


class InspectionRaisedTicketSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    number = serializers.CharField()
    result = InspectionResultSerializer()


class MaintenancePlanSerializer(serializers.ModelSerializer):
    equipment = ScopedPrimaryKeyRelatedField(selector=equipment_visible_to)
    assignee = ScopedPrimaryKeyRelatedField(selector=engineers_of, required=False, allow_null=True)
    equipment_name = serializers.CharField(source="equipment.name", read_only=True)

    class Meta:
        model = MaintenancePlan
        fields = [
            "id",
            "equipment",
            "equipment_name",
            "task_kind",
            "title",
            "instructions",
            "interval_count",
            "interval_unit",
            "start_date",
            "assignee",
            "active",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"interval_count": {"min_value": 1, "max_value": 1000}}

    def validate_equipment(self, equipment):
        if not equipment.critical:
            raise serializers.ValidationError(_("Maintenance plans cover critical equipment only."))
        return equipment


class MaintenanceTaskSerializer(serializers.ModelSerializer):
    equipment_name = serializers.CharField(source="equipment.name", read_only=True)
    site = serializers.IntegerField(source="equipment.site_id", read_only=True)

    class Meta:
        model = MaintenanceTask
        fields = [
            "id",
            "plan",
            "equipment",
            "equipment_name",
            "site",
            "task_kind",
            "due_on",
            "status",
            "assignee",
            "done_at",
            "done_by",
            "notes",
            "previous_firmware_version",
            "new_firmware_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MaintenanceTaskCompleteSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    new_version = serializers.CharField(required=False, allow_blank=True, max_length=100)


# --- upgrade assessments (issue 18) ----------------------------------------------------
class QuoteLineSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), default=Decimal(1)
    )
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0))
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        default="CNY",
        error_messages={"invalid": _("A currency is a three-letter code (CNY, USD…).")},
    )
    amount = serializers.DecimalField(max_digits=22, decimal_places=2, read_only=True)

    class Meta:
        model = QuoteLine
        fields = ["description", "quantity", "unit_price", "currency", "amount"]


class QuoteTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=22, decimal_places=2)


class UpgradeAssessmentSerializer(serializers.ModelSerializer):
    ticket = ScopedPrimaryKeyRelatedField(selector=tickets_visible_to)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    equipment = EquipmentIdField(required=False, allow_null=True)
    lines = QuoteLineSerializer(many=True, required=False, max_length=50)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = UpgradeAssessment
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "equipment",
            "status",
            "current_version",
            "current_configuration",
            "target_version",
            "proposal",
            "risks",
            "downtime_estimate",
            "planned_for",
            "lines",
            "totals",
            "prepared_by",
            "proposed_at",
            "decided_at",
            "decided_by",
            "decision_note",
            "maintenance_task",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "prepared_by",
            "proposed_at",
            "decided_at",
            "decided_by",
            "decision_note",
            "maintenance_task",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(QuoteTotalSerializer(many=True))
    def get_totals(self, assessment) -> list[dict]:
        return [
            {"currency": currency, "total": f"{total:.2f}"}
            for currency, total in assessment.totals().items()
        ]


class AssessmentNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AssessmentDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)

    downtime_minutes = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=7 * 24 * 60,
        help_text="Minutes the unit was out of service for the work: planned downtime.",
    )
