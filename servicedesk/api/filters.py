from datetime import MAXYEAR, MINYEAR, UTC

import django_filters
from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend


@extend_schema_field({"type": "integer", "minimum": MINYEAR, "maximum": MAXYEAR})
class YearFilter(django_filters.NumberFilter):
    """A whole year Python's dates can hold: django-filter's default for `date__year` is a
    decimal, and Django builds the year's bounds with `date(value, 1, 1)`, so a year 0,
    10000 or 3.5 was a 500 before it reached the database."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MINYEAR)
        kwargs.setdefault("max_value", MAXYEAR)
        super().__init__(*args, **kwargs)


class FilterSet(django_filters.rest_framework.FilterSet):
    """The FilterSet every `filterset_fields` builds on (see `FilterBackend`)."""

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        if lookup_expr and lookup_expr.split("__")[0] in ("year", "iso_year"):
            return YearFilter(field_name=field_name, lookup_expr=lookup_expr)
        return super().filter_for_field(field, field_name, lookup_expr)


def _names_a_filter(filterset_class, params) -> bool:
    """Whether the query names one of the filter set's parameters (a filter's own name
    or a suffixed one, as range filters take: `x_min`, `x_after`, `x_0`…)."""
    names = filterset_class.base_filters.keys()
    return any(key == name or key.startswith(name + "_") for key in params for name in names)


def _filters_nothing_when_empty(filterset_class) -> bool:
    """A filter set whose filters all leave the rows alone on an empty value (the
    django-filter default: no required filter, no own `filter_queryset` or `qs`)."""
    base = django_filters.filterset.BaseFilterSet
    return (
        filterset_class.filter_queryset is base.filter_queryset
        and filterset_class.qs is base.qs
        and not any(f.extra.get("required") for f in filterset_class.base_filters.values())
    )


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend with the project's FilterSet as the base of the filter sets
    it generates from a view's `filterset_fields`.

    A request that names none of the filter set's parameters is answered without
    building the filter set and its form (about 2 ms of a list request's Python, issue
    15): every filter would leave the rows as they are."""

    filterset_base = FilterSet

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if (
            filterset_class is not None
            and not _names_a_filter(filterset_class, request.query_params)
            and _filters_nothing_when_empty(filterset_class)
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


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
