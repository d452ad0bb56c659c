import django_filters

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
        fields = ["status", "severity", "kind", "site", "organization", "assignee", "equipment", "tier", "channel"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        lookup = {"status__in": Ticket.OPEN_STATUSES}
        return queryset.filter(**lookup) if value else queryset.exclude(**lookup)


class VisitFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Visit.Status.choices)
    dispatched_after = django_filters.IsoDateTimeFilter(field_name="dispatched_at", lookup_expr="gte")
    dispatched_before = django_filters.IsoDateTimeFilter(field_name="dispatched_at", lookup_expr="lt")
    organization = django_filters.NumberFilter(field_name="ticket__organization")
    ticket = django_filters.NumberFilter()
    engineer = django_filters.NumberFilter()

    class Meta:
        model = Visit
        fields = ["status", "ticket", "engineer", "organization"]
