from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend


class UpdatedAfterFilter(BaseFilterBackend):
    """`?updated_after=ISO8601`: what changed since a mobile client last synced."""

    param = "updated_after"

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.param)
        if not raw:
            return queryset
        try:
            instant = parse_datetime(raw.replace(" ", "+"))
        except ValueError:
            instant = None
        if instant is None or instant.tzinfo is None:
            raise ValidationError({self.param: [_("Give an ISO 8601 date-time with an offset.")]})
        return queryset.filter(updated_at__gt=instant)

    def get_schema_operation_parameters(self, view):
        return [{
            "name": self.param, "required": False, "in": "query",
            "description": "Only objects changed after this instant (ISO 8601 with offset).",
            "schema": {"type": "string", "format": "date-time"},
        }]
