from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import ALL_ROLES, DISPATCH, MANAGERS, STAFF
from servicedesk.api.pagination import CursorPagination
from servicedesk.api.permissions import RolePermission
from servicedesk.api.views import ScopedModelViewSet, ScopedReadOnlyViewSet
from sla import kpis, selectors, services
from sla.filters import ClockFilter
from sla.models import BusinessCalendar, CalendarDay, Clock, Policy, Target

from . import serializers


class PolicyViewSet(ScopedModelViewSet):
    """SLA policies with their targets (read); managers write them. Targets are edited
    under `sla/targets/`. Editing a policy never moves clocks already running."""

    queryset = (
        Policy.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.PolicySerializer
    read_roles = STAFF
    write_roles = MANAGERS
    search_fields = ["name"]
    ordering_fields = ["name", "updated_at"]

    create_service = staticmethod(services.policy_create)
    update_service = staticmethod(services.policy_update)
    delete_service = staticmethod(services.policy_delete)

    def get_queryset(self):
        return selectors.policies_visible_to(self.request.user)


class TargetViewSet(ScopedModelViewSet):
    queryset = (
        Target.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.TargetSerializer
    read_roles = STAFF
    write_roles = MANAGERS
    filterset_fields = ["policy", "metric", "severity"]
    ordering_fields = ["metric", "severity", "updated_at"]

    create_service = staticmethod(services.target_create)
    update_service = staticmethod(services.target_update)
    delete_service = staticmethod(services.target_delete)

    def get_queryset(self):
        return selectors.targets_visible_to(self.request.user)


class BusinessCalendarViewSet(ScopedModelViewSet):
    """Business calendars with their working windows; holidays and make-up days under
    `sla/calendar-days/`, or imported with `import-holidays`."""

    queryset = (
        BusinessCalendar.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.BusinessCalendarSerializer
    read_roles = STAFF
    write_roles = MANAGERS
    search_fields = ["name"]
    ordering_fields = ["name", "updated_at"]

    create_service = staticmethod(services.calendar_create)
    update_service = staticmethod(services.calendar_update)
    delete_service = staticmethod(services.calendar_delete)

    def get_queryset(self):
        return selectors.calendars_visible_to(self.request.user)

    @extend_schema(
        request=serializers.ImportHolidaysSerializer,
        responses={200: serializers.ImportHolidaysResultSerializer},
    )
    @action(detail=True, methods=["post"], url_path="import-holidays", roles=MANAGERS)
    def import_holidays(self, request, pk=None):
        calendar = self.get_object()
        data = serializers.ImportHolidaysSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        holidays, workdays = services.calendar_import_holidays(
            calendar=calendar,
            country=data.validated_data["country"],
            years=data.validated_data["years"],
            subdiv=data.validated_data.get("subdivision") or None,
            actor=request.user,
        )
        return Response({"holidays": holidays, "workdays": workdays})


class CalendarDayViewSet(ScopedModelViewSet):
    queryset = (
        CalendarDay.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.CalendarDaySerializer
    read_roles = STAFF
    write_roles = MANAGERS
    filterset_fields = {
        "calendar": ["exact"],
        "kind": ["exact"],
        "date": ["exact", "gte", "lte", "year"],
    }
    ordering_fields = ["date"]

    def get_queryset(self):
        return selectors.calendar_days_visible_to(self.request.user)

    # Entered by hand through the services: open clocks on the calendar follow.
    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.calendar_day_save(
            calendar=data["calendar"],
            day=data["date"],
            kind=data["kind"],
            name=data.get("name", ""),
            actor=self.request.user,
        )

    def perform_update(self, serializer):
        day, data = serializer.instance, serializer.validated_data
        with transaction.atomic():
            if (
                data.get("date", day.date) != day.date
                or data.get("calendar", day.calendar) != day.calendar
            ):
                services.calendar_day_delete(day=day, actor=self.request.user)
            serializer.instance = services.calendar_day_save(
                calendar=data.get("calendar", day.calendar),
                day=data.get("date", day.date),
                kind=data.get("kind", day.kind),
                name=data.get("name", day.name),
                actor=self.request.user,
            )

    def perform_destroy(self, instance):
        services.calendar_day_delete(day=instance, actor=self.request.user)


class ClockViewSet(ScopedReadOnlyViewSet):
    """SLA clocks of the tickets the caller sees (customers: their organisation's)."""

    queryset = Clock.objects.none()  # names the model for the schema; rows come from get_queryset()
    serializer_class = serializers.ClockSerializer
    read_roles = ALL_ROLES
    pagination_class = CursorPagination
    filterset_class = ClockFilter

    def get_queryset(self):
        return selectors.clocks_visible_to(self.request.user)


DASHBOARD_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day (default: the 1st of this month)."
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, description="Last day, included (default: end of the month)."
    ),
    OpenApiParameter("organization", OpenApiTypes.INT),
    OpenApiParameter("site", OpenApiTypes.INT),
    OpenApiParameter(
        "service_center", OpenApiTypes.INT, description="A regional centre includes its children."
    ),
    OpenApiParameter("severity", OpenApiTypes.STR, enum=["major", "urgent", "general"]),
    OpenApiParameter(
        "bucket", OpenApiTypes.STR, enum=["week", "month"], description="Time-series step."
    ),
]


def dashboard_filters(request) -> kpis.Filters:
    query = serializers.DashboardQuerySerializer(data=request.GET, context={"request": request})
    query.is_valid(raise_exception=True)
    return kpis.filters_for(**query.validated_data)


class DashboardView(APIView):
    """The KPIs of the design brief for the caller's scope, as numbers and time series
    (see `sla.kpis` for the definitions), plus the clocks about to breach, open clocks
    due past their calendar's holiday data, calendars whose data ends within 90 days
    and sites whose time zone differs from their policy calendar's."""

    permission_classes = [RolePermission]
    read_roles = DISPATCH

    @extend_schema(parameters=DASHBOARD_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        filters = dashboard_filters(request)
        data = kpis.dashboard(request.user, filters)
        clocks = selectors.about_to_breach(request.user, now=timezone.now())
        data["about_to_breach"] = serializers.ClockSerializer(clocks, many=True).data
        coverage = selectors.coverage_warnings(request.user)
        data["clocks_beyond_coverage"] = coverage["clocks_beyond_coverage"]
        data["calendars_ending"] = [
            {"calendar": c.pk, "name": c.name, "covered_through": c.covered_through}
            for c in coverage["calendars_ending"]
        ]
        data["sites_off_their_calendar"] = [
            {
                "site": row["site"].pk,
                "name": row["site"].name,
                "site_time_zone": row["site_zone"],
                "calendar": row["calendar"],
                "calendar_time_zone": row["calendar_zone"],
            }
            for row in selectors.sites_off_their_calendar(request.user)
        ]
        return Response(data, status=status.HTTP_200_OK)
