import django_filters
from rest_framework.filters import SearchFilter

from . import search
from .models import Ticket, Visit


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Ticket.Status.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Ticket.Severity.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Ticket.Kind.choices)
    reported_after = django_filters.IsoDateTimeFilter(field_name="reported_at", lookup_expr="gte")
    reported_before = django_filters.IsoDateTimeFilter(field_name="reported_at", lookup_expr="lt")
    service_center = django_filters.NumberFilter(field_name="site__service_center")
    # Plain ids (no lookup query, no hint whether a foreign id exists): the scope applies anyway.
    site = django_filters.NumberFilter()
    organization = django_filters.NumberFilter()
    assignee = django_filters.NumberFilter()
    equipment = django_filters.NumberFilter()
    open = django_filters.BooleanFilter(method="filter_open")

    class Meta:
        model = Ticket
        fields = [
            "status",
            "severity",
            "kind",
            "site",
            "organization",
            "assignee",
            "equipment",
            "tier",
            "channel",
        ]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        lookup = {"status__in": Ticket.OPEN_STATUSES}
        return queryset.filter(**lookup) if value else queryset.exclude(**lookup)


class VisitFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Visit.Status.choices)
    dispatched_after = django_filters.IsoDateTimeFilter(
        field_name="dispatched_at", lookup_expr="gte"
    )
    dispatched_before = django_filters.IsoDateTimeFilter(
        field_name="dispatched_at", lookup_expr="lt"
    )
    organization = django_filters.NumberFilter(field_name="ticket__organization")
    ticket = django_filters.NumberFilter()
    engineer = django_filters.NumberFilter()

    class Meta:
        model = Visit
        fields = ["status", "ticket", "engineer", "organization"]


class TicketSearchFilter(SearchFilter):
    """`?search=`: an exact ticket number through the unique index, else words in the
    title, symptom and comments through the full-text index (tickets.search)."""

    def filter_queryset(self, request, queryset, view):
        query = request.query_params.get(self.search_param, "")
        return search.search(queryset, query) if query.strip() else queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": (
                    "A ticket number (exact) or words of the title, symptom or comments."
                ),
                "schema": {"type": "string"},
            }
        ]
