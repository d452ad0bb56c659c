import django_filters

from tickets.models import Ticket

from .models import Clock, Metric


class ClockFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Clock.State.choices)
    metric = django_filters.MultipleChoiceFilter(choices=Metric.choices)
    severity = django_filters.ChoiceFilter(
        field_name="ticket__severity", choices=Ticket.Severity.choices
    )
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")
    due_after = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte")
    breached = django_filters.BooleanFilter()
    beyond_coverage = django_filters.BooleanFilter()

    class Meta:
        model = Clock
        fields = [
            "ticket",
            "state",
            "metric",
            "severity",
            "due_before",
            "due_after",
            "breached",
            "beyond_coverage",
        ]
