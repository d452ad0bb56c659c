from datetime import UTC

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend


class UpdatedAfterFilter(BaseFilterBackend):
    """`?updated_after=ISO8601`: what changed since a mobile client last synced."""

    param = "updated_after"

    @staticmethod
    def applies_to(model) -> bool:
        return model is not None and any(f.name == "updated_at" for f in model._meta.get_fields())

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.param)
        if not raw or not self.applies_to(queryset.model):
            return queryset
        try:
            instant = parse_datetime(raw.replace(" ", "+"))
            # In UTC: any offset the parser takes (up to ±23:59) reaches the database as
            # one it accepts; an instant outside years 1..9999 in UTC is refused.
            instant = instant.astimezone(UTC) if instant is not None and instant.tzinfo else None
        except (ValueError, OverflowError):
            instant = None
        if instant is None:
            raise ValidationError({self.param: [_("Give an ISO 8601 date-time with an offset.")]})
        return queryset.filter(updated_at__gt=instant)

    def get_schema_operation_parameters(self, view):
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is not None and not self.applies_to(model):
            return []
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Only objects changed after this instant (ISO 8601 with offset).",
                "schema": {"type": "string", "format": "date-time"},
            }
        ]
