import django_filters
from django.db.models import F, Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from servicedesk.api.filters import UpdatedAfterFilter

from .models import Movement, ProcurementRequest, Reservation, Stock, Transfer


class StockFilter(django_filters.FilterSet):
    low = django_filters.BooleanFilter(
        method="filter_low", label="Under the reorder point or minimum"
    )
    service_center = django_filters.NumberFilter(field_name="stockroom__service_center")

    class Meta:
        model = Stock
        fields = ["part", "stockroom", "service_center", "low"]

    def filter_low(self, queryset, name, value):
        low = Q(reorder_point__gt=F("on_hand") - F("reserved")) | Q(minimum__gt=F("on_hand"))
        return queryset.filter(low) if value else queryset.exclude(low)


class MovementFilter(django_filters.FilterSet):
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Movement
        fields = [
            "part",
            "stockroom",
            "kind",
            "visit",
            "ticket",
            "reservation",
            "transfer",
            "procurement",
        ]


class CreatedAfterAsUpdatedFilter(UpdatedAfterFilter):
    """`?updated_after=` on the ledger: a movement never changes, so it is its creation."""

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.param)
        if not raw:
            return queryset
        instant = parse_datetime(raw.replace(" ", "+")) if _looks_like_datetime(raw) else None
        if instant is None or instant.tzinfo is None:
            raise ValidationError({self.param: [_("Give an ISO 8601 date-time with an offset.")]})
        return queryset.filter(created_at__gt=instant)


def _looks_like_datetime(raw: str) -> bool:
    try:
        return parse_datetime(raw.replace(" ", "+")) is not None
    except ValueError:
        return False


class ReservationFilter(django_filters.FilterSet):
    class Meta:
        model = Reservation
        fields = ["status", "part", "stockroom", "ticket", "visit"]


class TransferFilter(django_filters.FilterSet):
    class Meta:
        model = Transfer
        fields = ["status", "part", "from_stockroom", "to_stockroom"]


class ProcurementFilter(django_filters.FilterSet):
    class Meta:
        model = ProcurementRequest
        fields = ["status", "source", "priority", "part", "stockroom", "ticket"]
