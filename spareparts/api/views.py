from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.roles import ALL_ROLES, DISPATCH, FIELD_STAFF, MANAGERS, STAFF
from servicedesk.api.pagination import CursorPagination
from servicedesk.api.views import (
    ScopedCreateListRetrieveViewSet,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
)
from spareparts import selectors, services
from spareparts.filters import (
    CreatedAfterAsUpdatedFilter,
    MovementFilter,
    ProcurementFilter,
    ReservationFilter,
    StockFilter,
    TransferFilter,
)
from spareparts.models import (
    Movement,
    Part,
    ProcurementRequest,
    Reservation,
    Stock,
    Stockroom,
    Transfer,
)

from . import serializers
from .csv import MOVEMENT_COLUMNS, STOCK_COLUMNS, CSVRenderer, csv_response

NO_DELETE = ["get", "post", "put", "patch", "head", "options"]
CSV_NOTE = _("`?format=csv` returns every filtered row as CSV instead of a page.")


def _input(serializer_class, request, **context):
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PartViewSet(ScopedModelViewSet):
    """The parts catalogue. Customers may read it; `unit_cost` is shown to staff only."""

    queryset = Part.objects.none()  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.PartSerializer
    read_roles = ALL_ROLES
    write_roles = DISPATCH
    http_method_names = NO_DELETE
    filterset_fields = ["critical", "compatible_models"]
    search_fields = ["sku", "name", "vendor"]
    ordering_fields = ["sku", "name", "updated_at"]

    create_service = staticmethod(services.part_create)
    update_service = staticmethod(services.part_update)

    def get_queryset(self):
        return selectors.parts_visible_to(self.request.user)


class StockroomViewSet(ScopedModelViewSet):
    queryset = (
        Stockroom.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.StockroomSerializer
    read_roles = STAFF
    write_roles = MANAGERS
    http_method_names = NO_DELETE
    filterset_fields = ["service_center"]
    search_fields = ["name", "service_center__name"]
    ordering_fields = ["name", "updated_at"]

    create_service = staticmethod(services.stockroom_create)
    update_service = staticmethod(services.stockroom_update)

    def get_queryset(self):
        return selectors.stockrooms_visible_to(self.request.user)


@extend_schema(description=CSV_NOTE)
class StockViewSet(ScopedModelViewSet):
    """Stock levels per part and stockroom (staff only). Levels change only through
    the ledger: `receive`, `adjust`, reservations, transfers and procurement."""

    queryset = Stock.objects.none()  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.StockSerializer
    read_roles = STAFF
    write_roles = MANAGERS
    http_method_names = NO_DELETE
    renderer_classes = [JSONRenderer, CSVRenderer]
    filterset_class = StockFilter
    search_fields = ["part__sku", "part__name", "stockroom__name"]
    ordering_fields = ["part__sku", "stockroom__name", "on_hand", "available_now", "updated_at"]

    create_service = staticmethod(services.stock_create)
    update_service = staticmethod(services.stock_update)

    def get_queryset(self):
        return selectors.stock_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return serializers.StockSettingsSerializer
        return super().get_serializer_class()

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            return csv_response(self.filter_queryset(self.get_queryset()), STOCK_COLUMNS, "stock")
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=serializers.StockReceiveSerializer, responses={201: serializers.MovementSerializer}
    )
    @action(detail=True, methods=["post"], roles=DISPATCH)
    def receive(self, request, pk=None):
        stock = self.get_object()
        data = _input(serializers.StockReceiveSerializer, request)
        movement = services.stock_receive(
            part=stock.part, stockroom=stock.stockroom, actor=request.user, **data
        )
        return Response(
            serializers.MovementSerializer(movement).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=serializers.StockAdjustSerializer, responses={201: serializers.MovementSerializer}
    )
    @action(detail=True, methods=["post"], roles=MANAGERS)
    def adjust(self, request, pk=None):
        stock = self.get_object()
        data = _input(serializers.StockAdjustSerializer, request)
        movement = services.stock_adjust(stock=stock, actor=request.user, **data)
        return Response(
            serializers.MovementSerializer(movement).data, status=status.HTTP_201_CREATED
        )


@extend_schema(description=CSV_NOTE)
class MovementViewSet(ScopedReadOnlyViewSet):
    """The append-only stock ledger: read-only (POST, PUT, PATCH, DELETE → 405)."""

    queryset = (
        Movement.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.MovementSerializer
    read_roles = STAFF
    # ETagMixin brings an update() that the router would route PUT/PATCH to.
    http_method_names = ["get", "head", "options"]
    pagination_class = CursorPagination
    renderer_classes = [JSONRenderer, CSVRenderer]
    filterset_class = MovementFilter
    filter_backends = [
        *[b for b in ScopedReadOnlyViewSet.filter_backends if b.__name__ != "UpdatedAfterFilter"],
        CreatedAfterAsUpdatedFilter,
    ]
    search_fields = ["part__sku", "part__name", "reason"]
    ordering_fields = ["id", "created_at"]

    def get_queryset(self):
        return selectors.movements_visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            return csv_response(
                self.filter_queryset(self.get_queryset()).order_by("-id"),
                MOVEMENT_COLUMNS,
                "movements",
            )
        return super().list(request, *args, **kwargs)


class ReservationViewSet(ScopedCreateListRetrieveViewSet):
    """Parts reserved for a ticket or visit. Create reserves from the nearest stockroom
    that has the part (409 `out_of_stock` when none has: a procurement request is then
    raised for the ticket)."""

    queryset = (
        Reservation.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.ReservationSerializer
    read_roles = STAFF
    write_roles = FIELD_STAFF | DISPATCH
    filterset_class = ReservationFilter
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        return selectors.reservations_visible_to(self.request.user)

    @extend_schema(
        request=serializers.ReservationCreateSerializer,
        responses={201: serializers.ReservationSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = _input(serializers.ReservationCreateSerializer, request)
        reservation = services.parts_reserve(actor=request.user, **data)
        return Response(
            serializers.ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=serializers.ReservationReleaseSerializer,
        responses={200: serializers.ReservationSerializer},
    )
    @action(detail=True, methods=["post"], roles=FIELD_STAFF | DISPATCH)
    def release(self, request, pk=None):
        reservation = self.get_object()
        data = _input(serializers.ReservationReleaseSerializer, request)
        services.parts_release(reservation=reservation, actor=request.user, **data)
        return Response(
            serializers.ReservationSerializer(self.get_queryset().get(pk=reservation.pk)).data
        )

    @extend_schema(
        request=serializers.ReservationUseSerializer,
        responses={200: serializers.ReservationSerializer},
    )
    @action(detail=True, methods=["post"], roles=FIELD_STAFF | DISPATCH)
    def use(self, request, pk=None):
        reservation = self.get_object()
        data = _input(serializers.ReservationUseSerializer, request)
        services.reservation_use(reservation=reservation, actor=request.user, **data)
        return Response(
            serializers.ReservationSerializer(self.get_queryset().get(pk=reservation.pk)).data
        )


class TransferViewSet(ScopedCreateListRetrieveViewSet):
    """Transfers between stockrooms. Create ships (the parts leave the origin and are in
    transit); `receive` books them into the destination; `cancel` back into the origin."""

    queryset = (
        Transfer.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.TransferSerializer
    read_roles = STAFF
    write_roles = DISPATCH
    filterset_class = TransferFilter
    ordering_fields = ["shipped_at", "id"]

    def get_queryset(self):
        return selectors.transfers_visible_to(self.request.user)

    @extend_schema(
        request=serializers.TransferCreateSerializer,
        responses={201: serializers.TransferSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = _input(serializers.TransferCreateSerializer, request)
        transfer = services.transfer_ship(actor=request.user, **data)
        return Response(
            serializers.TransferSerializer(transfer).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={200: serializers.TransferSerializer})
    @action(detail=True, methods=["post"], roles=DISPATCH | FIELD_STAFF)
    def receive(self, request, pk=None):
        transfer = services.transfer_receive(transfer=self.get_object(), actor=request.user)
        return Response(serializers.TransferSerializer(transfer).data)

    @extend_schema(
        request=serializers.OptionalReasonSerializer,
        responses={200: serializers.TransferSerializer},
    )
    @action(detail=True, methods=["post"], roles=DISPATCH)
    def cancel(self, request, pk=None):
        transfer = self.get_object()
        data = _input(serializers.OptionalReasonSerializer, request)
        transfer = services.transfer_cancel(transfer=transfer, actor=request.user, **data)
        return Response(serializers.TransferSerializer(transfer).data)


class ProcurementRequestViewSet(ScopedCreateListRetrieveViewSet):
    """Procurement requests: raised automatically or by hand; `order`, `receive`
    (books a receipt into the chosen stockroom), `cancel`."""

    queryset = (
        ProcurementRequest.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.ProcurementSerializer
    read_roles = STAFF
    write_roles = DISPATCH
    filterset_class = ProcurementFilter
    search_fields = ["part__sku", "part__name", "vendor", "note"]
    ordering_fields = ["created_at", "expected_on", "priority", "id"]

    def get_queryset(self):
        return selectors.procurement_visible_to(self.request.user)

    @extend_schema(
        request=serializers.ProcurementCreateSerializer,
        responses={201: serializers.ProcurementSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = _input(serializers.ProcurementCreateSerializer, request)
        created = services.procurement_create(actor=request.user, **data)
        return Response(
            serializers.ProcurementSerializer(created).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=serializers.ProcurementOrderSerializer,
        responses={200: serializers.ProcurementSerializer},
    )
    @action(detail=True, methods=["post"], roles=MANAGERS)
    def order(self, request, pk=None):
        procurement = self.get_object()
        data = _input(serializers.ProcurementOrderSerializer, request)
        procurement = services.procurement_order(request=procurement, actor=request.user, **data)
        return Response(serializers.ProcurementSerializer(procurement).data)

    @extend_schema(
        request=serializers.ProcurementReceiveSerializer,
        responses={
            200: serializers.ProcurementSerializer,
            400: OpenApiResponse(description="No stockroom chosen"),
        },
    )
    @action(detail=True, methods=["post"], roles=DISPATCH)
    def receive(self, request, pk=None):
        procurement = self.get_object()
        data = _input(serializers.ProcurementReceiveSerializer, request)
        procurement, _movement = services.procurement_receive(
            request=procurement, actor=request.user, **data
        )
        return Response(serializers.ProcurementSerializer(procurement).data)

    @extend_schema(
        request=serializers.ReasonSerializer, responses={200: serializers.ProcurementSerializer}
    )
    @action(detail=True, methods=["post"], roles=MANAGERS)
    def cancel(self, request, pk=None):
        procurement = self.get_object()
        data = _input(serializers.ReasonSerializer, request)
        procurement = services.procurement_cancel(request=procurement, actor=request.user, **data)
        return Response(serializers.ProcurementSerializer(procurement).data)
