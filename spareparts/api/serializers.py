from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors import service_centers_visible_to
from assets.selectors import equipment_models_visible_to
from servicedesk.api.fields import ScopedPrimaryKeyRelatedField
from spareparts.models import (
    Movement,
    Part,
    ProcurementRequest,
    Reservation,
    Stock,
    Stockroom,
    Transfer,
)
from spareparts.selectors import (
    parts_visible_to,
    stockrooms_reachable_by,
    stockrooms_visible_to,
    tickets_in_scope,
    visits_in_scope,
)

MAX_QUANTITY = 2**31 - 1  # the database's integer columns


@extend_schema_field(OpenApiTypes.INT)
class ScopedId(ScopedPrimaryKeyRelatedField):
    """A scoped foreign id in an input-only serializer (typed for the schema)."""


class PartSerializer(serializers.ModelSerializer):
    compatible_models = ScopedPrimaryKeyRelatedField(
        selector=equipment_models_visible_to, many=True, required=False
    )
    unit_cost = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Staff only: left out for customers."),
    )

    class Meta:
        model = Part
        fields = [
            "id",
            "sku",
            "name",
            "description",
            "unit",
            "compatible_models",
            "critical",
            "vendor",
            "unit_cost",
            "lead_time_days",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or request.user.is_customer:
            data.pop("unit_cost", None)  # customers never see costs
        return data


class StockroomSerializer(serializers.ModelSerializer):
    service_center = ScopedPrimaryKeyRelatedField(selector=service_centers_visible_to)
    service_center_name = serializers.CharField(source="service_center.name", read_only=True)

    class Meta:
        model = Stockroom
        fields = [
            "id",
            "service_center",
            "service_center_name",
            "name",
            "address",
            "created_at",
            "updated_at",
        ]


class StockSerializer(serializers.ModelSerializer):
    part = ScopedPrimaryKeyRelatedField(selector=parts_visible_to)
    stockroom = ScopedPrimaryKeyRelatedField(selector=stockrooms_visible_to)
    part_sku = serializers.CharField(source="part.sku", read_only=True)
    part_name = serializers.CharField(source="part.name", read_only=True)
    stockroom_name = serializers.CharField(source="stockroom.name", read_only=True)
    available = serializers.IntegerField(read_only=True)
    low = serializers.BooleanField(source="below_reorder_point", read_only=True)

    class Meta:
        model = Stock
        fields = [
            "id",
            "part",
            "part_sku",
            "part_name",
            "stockroom",
            "stockroom_name",
            "on_hand",
            "reserved",
            "available",
            "minimum",
            "reorder_point",
            "reorder_quantity",
            "low",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["on_hand", "reserved"]


class StockSettingsSerializer(StockSerializer):
    """PATCH/PUT change the thresholds only; levels move through the ledger."""

    class Meta(StockSerializer.Meta):
        read_only_fields = ["part", "stockroom", "on_hand", "reserved"]


class StockReceiveSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class StockAdjustSerializer(serializers.Serializer):
    delta = serializers.IntegerField(
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        help_text=_("Change of on hand, up or down; not zero."),
    )
    reason = serializers.CharField(max_length=300)

    def validate_delta(self, value):
        if value == 0:
            raise serializers.ValidationError(_("Give a non-zero whole number."))
        return value


class MovementSerializer(serializers.ModelSerializer):
    part_sku = serializers.CharField(source="part.sku", read_only=True)
    stockroom_name = serializers.CharField(source="stockroom.name", read_only=True)
    actor_name = serializers.CharField(source="actor.__str__", read_only=True, default="")
    updated_at = serializers.DateTimeField(
        source="created_at",
        read_only=True,
        help_text=_("A movement never changes: its creation time."),
    )

    class Meta:
        model = Movement
        fields = [
            "id",
            "kind",
            "part",
            "part_sku",
            "stockroom",
            "stockroom_name",
            "quantity",
            "on_hand_delta",
            "reserved_delta",
            "ticket",
            "visit",
            "reservation",
            "transfer",
            "procurement",
            "reason",
            "actor",
            "actor_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReservationSerializer(serializers.ModelSerializer):
    part_sku = serializers.CharField(source="part.sku", read_only=True)
    stockroom_name = serializers.CharField(source="stockroom.name", read_only=True)
    outstanding = serializers.IntegerField(read_only=True)

    class Meta:
        model = Reservation
        fields = [
            "id",
            "part",
            "part_sku",
            "stockroom",
            "stockroom_name",
            "quantity",
            "used",
            "released",
            "outstanding",
            "status",
            "ticket",
            "visit",
            "served_from_own_centre",
            "reserved_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReservationCreateSerializer(serializers.Serializer):
    part = ScopedId(selector=parts_visible_to)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    ticket = ScopedId(selector=tickets_in_scope, required=False, allow_null=True)
    visit = ScopedId(selector=visits_in_scope, required=False, allow_null=True)
    stockroom = ScopedId(
        selector=stockrooms_reachable_by,
        required=False,
        allow_null=True,
        help_text=_("Leave empty to take the nearest stockroom that has the part."),
    )

    def validate(self, attrs):
        if not attrs.get("ticket") and not attrs.get("visit"):
            raise serializers.ValidationError(
                {"ticket": [_("Name the fault report or visit the parts are for.")]}
            )
        return attrs


class ReservationReleaseSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        required=False,
        help_text=_("Default: all still reserved."),
    )


class ReservationUseSerializer(ReservationReleaseSerializer):
    visit = ScopedId(
        selector=visits_in_scope,
        required=False,
        allow_null=True,
        help_text=_("Needed when the reservation was made for the ticket only."),
    )


class TransferSerializer(serializers.ModelSerializer):
    part_sku = serializers.CharField(source="part.sku", read_only=True)
    from_stockroom_name = serializers.CharField(source="from_stockroom.name", read_only=True)
    to_stockroom_name = serializers.CharField(source="to_stockroom.name", read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "part",
            "part_sku",
            "from_stockroom",
            "from_stockroom_name",
            "to_stockroom",
            "to_stockroom_name",
            "quantity",
            "status",
            "note",
            "shipped_by",
            "shipped_at",
            "received_by",
            "received_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TransferCreateSerializer(serializers.Serializer):
    part = ScopedId(selector=parts_visible_to)
    from_stockroom = ScopedId(selector=stockrooms_visible_to)
    to_stockroom = ScopedId(selector=stockrooms_reachable_by)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["from_stockroom"] == attrs["to_stockroom"]:
            raise serializers.ValidationError(
                {"to_stockroom": [_("Choose another stockroom to ship to.")]}
            )
        return attrs


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ProcurementSerializer(serializers.ModelSerializer):
    part_sku = serializers.CharField(source="part.sku", read_only=True)
    stockroom_name = serializers.CharField(source="stockroom.name", read_only=True, allow_null=True)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, allow_null=True)

    class Meta:
        model = ProcurementRequest
        fields = [
            "id",
            "part",
            "part_sku",
            "quantity",
            "vendor",
            "priority",
            "expected_on",
            "status",
            "source",
            "ticket",
            "ticket_number",
            "stockroom",
            "stockroom_name",
            "note",
            "requested_by",
            "ordered_at",
            "received_at",
            "cancel_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProcurementCreateSerializer(serializers.Serializer):
    part = ScopedId(selector=parts_visible_to)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    stockroom = ScopedId(selector=stockrooms_visible_to, required=False, allow_null=True)
    vendor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(
        choices=ProcurementRequest.Priority.choices, default=ProcurementRequest.Priority.MEDIUM
    )
    expected_on = serializers.DateField(required=False, allow_null=True)
    ticket = ScopedId(selector=tickets_in_scope, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProcurementOrderSerializer(serializers.Serializer):
    expected_on = serializers.DateField(required=False, allow_null=True)
    vendor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ProcurementReceiveSerializer(serializers.Serializer):
    stockroom = ScopedId(
        selector=stockrooms_visible_to,
        required=False,
        allow_null=True,
        help_text=_("Default: the stockroom named on the request."),
    )
