import django_filters

from .models import Equipment, ServiceContract, Site


class SiteFilter(django_filters.FilterSet):
    class Meta:
        model = Site
        fields = ["organization", "service_center"]


class EquipmentFilter(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="site__organization")

    class Meta:
        model = Equipment
        fields = ["site", "equipment_model", "critical", "status", "organization"]


class ServiceContractFilter(django_filters.FilterSet):
    active_on = django_filters.DateFilter(method="filter_active_on")

    class Meta:
        model = ServiceContract
        fields = ["organization", "inspection_frequency"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)
