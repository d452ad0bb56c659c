"""`webhooks/` (admins): endpoints for integrations and group robots, with their
delivery log `webhooks/{id}/deliveries/` (the outbox rows); `notifications/channels/`:
the caller's own channel preferences."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from notifications.channels import endpoints
from notifications.models import ChannelEndpoint, ChannelPreference, OutboxMessage
from servicedesk.api.views import ScopedModelViewSet


class EndpointSerializer(serializers.ModelSerializer):
    secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200
    )
    events = serializers.ListField(child=serializers.CharField(max_length=60), allow_empty=True)

    class Meta:
        model = ChannelEndpoint
        fields = [
            "id",
            "name",
            "kind",
            "url",
            "secret",
            "events",
            "service_center_id",
            "organization_id",
            "language",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_url(self, value):
        if not value.startswith(("https://", "http://")):
            raise serializers.ValidationError("Use an http or https URL.")
        return value


class DeliverySerializer(serializers.ModelSerializer):
    event = serializers.SerializerMethodField()

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "event",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
            "sent_at",
            "last_error",
        ]

    def get_event(self, row) -> str:
        return ((row.payload or {}).get("body") or {}).get("event", "")


class WebhookViewSet(ScopedModelViewSet):
    """Admins only (no role besides the admin role is named)."""

    queryset = (
        ChannelEndpoint.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = EndpointSerializer
    read_roles = write_roles = frozenset()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return ChannelEndpoint.objects.all()

    def perform_create(self, serializer):
        serializer.instance = endpoints.endpoint_save(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = endpoints.endpoint_save(
            actor=self.request.user, endpoint=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        endpoints.endpoint_delete(actor=self.request.user, endpoint=instance)

    @extend_schema(
        responses={200: DeliverySerializer(many=True)}, summary="Deliveries to this endpoint"
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def deliveries(self, request, pk=None):
        rows = endpoints.deliveries_of(self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={200: DeliverySerializer},
        summary="Send a failed delivery again (409 unless it failed)",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[0-9]+)/retry",
        filter_backends=[],
    )
    def retry(self, request, pk=None, delivery_id=None):
        endpoint = self.get_object()
        delivery = get_object_or_404(endpoints.deliveries_of(endpoint), pk=delivery_id)
        row = endpoints.delivery_retry(actor=request.user, endpoint=endpoint, delivery=delivery)
        return Response(DeliverySerializer(row).data)


class PreferenceSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list
    )

    class Meta:
        model = ChannelPreference
        fields = ["channel", "enabled", "events", "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"enabled": {"required": True}}  # on or off is the whole choice


class PreferenceViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The caller's channel choices; POST sets one channel (creates or replaces)."""

    queryset = ChannelPreference.objects.none()  # names the model for the schema
    serializer_class = PreferenceSerializer
    filter_backends = []
    permission_classes = [IsAuthenticated]  # every user, for their own rows only

    def get_queryset(self):
        return ChannelPreference.objects.filter(user=self.request.user).order_by("channel")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = endpoints.preference_set(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(preference).data, status=201)
