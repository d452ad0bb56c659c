from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.selectors import organizations_visible_to, service_centers_visible_to
from assets.selectors import sites_visible_to
from servicedesk.api.fields import ScopedPrimaryKeyRelatedField
from sla.models import BusinessCalendar, CalendarDay, Clock, Policy, Target, WorkingWindow
from sla.selectors import calendars_visible_to, policies_visible_to
from tickets.models import Ticket


class TargetSerializer(serializers.ModelSerializer):
    policy = ScopedPrimaryKeyRelatedField(selector=policies_visible_to)

    class Meta:
        model = Target
        fields = [
            "id",
            "policy",
            "severity",
            "metric",
            "duration",
            "clock",
            "warning_ratio",
            "created_at",
            "updated_at",
        ]
        validators = []  # the unique metric per severity is checked in validate(), as a field error

    def validate_warning_ratio(self, value):
        if not 0 < value < 1:
            raise serializers.ValidationError(_("Give a share between 0 and 1 (0.8 = 80%)."))
        return value

    def validate_duration(self, value):
        if value.total_seconds() <= 0:
            raise serializers.ValidationError(_("The target must be longer than zero."))
        return value

    def validate(self, attrs):
        policy = attrs.get("policy", getattr(self.instance, "policy", None))
        severity = attrs.get("severity", getattr(self.instance, "severity", None))
        metric = attrs.get("metric", getattr(self.instance, "metric", None))
        clash = Target.objects.filter(policy=policy, severity=severity, metric=metric)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(
                {"metric": [_("The policy already has this metric for this severity.")]}
            )
        return attrs


class PolicyTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "severity", "metric", "duration", "clock", "warning_ratio"]


class PolicySerializer(serializers.ModelSerializer):
    calendar = ScopedPrimaryKeyRelatedField(selector=calendars_visible_to)
    targets = PolicyTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Policy
        fields = [
            "id",
            "name",
            "description",
            "is_default",
            "calendar",
            "major_impact",
            "urgent_impact",
            "general_impact",
            "targets",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"is_default": {"validators": []}}  # a new default replaces the old one


class WorkingWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkingWindow
        fields = ["weekday", "start", "end"]

    def validate(self, attrs):
        from datetime import time

        if attrs["end"] != time(0) and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [_("A window must end after it starts.")]})
        return attrs


class BusinessCalendarSerializer(serializers.ModelSerializer):
    """`windows` replace the calendar's working windows when given (a lunch break is
    two windows on one weekday)."""

    windows = WorkingWindowSerializer(many=True, required=False)

    class Meta:
        model = BusinessCalendar
        fields = [
            "id",
            "name",
            "time_zone",
            "is_default",
            "country",
            "subdivision",
            "covered_through",
            "windows",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"is_default": {"validators": []}}  # a new default replaces the old one

    def validate_windows(self, windows):
        by_day = {}
        for window in windows:
            by_day.setdefault(window["weekday"], []).append(window)
        for day in by_day.values():
            day.sort(key=lambda w: w["start"])
            for before, after in zip(day, day[1:], strict=False):
                if (
                    before["end"].hour == 0
                    and before["end"].minute == 0
                    or after["start"] < before["end"]
                ):
                    raise serializers.ValidationError(_("Windows of one weekday must not overlap."))
        return windows


class CalendarDaySerializer(serializers.ModelSerializer):
    calendar = ScopedPrimaryKeyRelatedField(selector=calendars_visible_to)

    class Meta:
        model = CalendarDay
        fields = ["id", "calendar", "date", "kind", "name"]
        validators = []  # one entry per date is checked in validate(), as a field error

    def validate(self, attrs):
        calendar = attrs.get("calendar", getattr(self.instance, "calendar", None))
        date = attrs.get("date", getattr(self.instance, "date", None))
        clash = CalendarDay.objects.filter(calendar=calendar, date=date)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(
                {"date": [_("This date is already in the calendar.")]}
            )
        return attrs


class ImportHolidaysSerializer(serializers.Serializer):
    country = serializers.CharField(max_length=10, default="CN")
    years = serializers.RegexField(
        r"^\s*\d{4}(\s*-\s*\d{4})?(\s*,\s*\d{4}(\s*-\s*\d{4})?)*\s*$",
        help_text=_("e.g. 2025-2027 or 2026"),
    )
    subdivision = serializers.CharField(max_length=10, required=False, allow_blank=True)


class ImportHolidaysResultSerializer(serializers.Serializer):
    holidays = serializers.IntegerField()
    workdays = serializers.IntegerField()


class ClockSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    ticket_severity = serializers.CharField(source="ticket.severity", read_only=True)
    service_center = serializers.IntegerField(
        source="ticket.site.service_center_id", read_only=True
    )
    clock_kind = serializers.CharField(read_only=True, help_text=_("24x7 or business"))

    class Meta:
        model = Clock
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "ticket_severity",
            "service_center",
            "metric",
            "round",
            "visit",
            "beyond_coverage",
            "policy",
            "severity",
            "duration",
            "clock_kind",
            "calendar",
            "started_at",
            "due_at",
            "warn_at",
            "met_at",
            "paused_at",
            "paused_total",
            "state",
            "breached",
            "warned_at",
            "breached_at",
            "updated_at",
        ]
        read_only_fields = fields


class DashboardQuerySerializer(serializers.Serializer):
    """The dashboard's filters. `from`/`to` default to the current month."""

    start = serializers.DateField(required=False, help_text=_("First day (`from`)."))
    end = serializers.DateField(required=False, help_text=_("Last day, included (`to`)."))
    organization = ScopedPrimaryKeyRelatedField(selector=organizations_visible_to, required=False)
    site = ScopedPrimaryKeyRelatedField(selector=sites_visible_to, required=False)
    service_center = ScopedPrimaryKeyRelatedField(
        selector=service_centers_visible_to, required=False
    )
    severity = serializers.ChoiceField(choices=Ticket.Severity.choices, required=False)
    bucket = serializers.ChoiceField(
        choices=[("week", "week"), ("month", "month")], default="month"
    )

    def to_internal_value(self, data):
        data = {
            key: value
            for key, value in getattr(data, "dict", lambda: data)().items()
            if value != ""
        }
        for outer, inner in (("from", "start"), ("to", "end")):
            if outer in data:
                data[inner] = data.pop(outer)
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = {
                ("from" if k == "start" else "to" if k == "end" else k): v
                for k, v in exc.detail.items()
            }
            raise serializers.ValidationError(detail) from exc

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"to": [_("The period must end after it starts.")]})
        if (
            attrs.get("start")
            and attrs.get("end")
            and (attrs["end"] - attrs["start"]).days > 366 * 3
        ):
            raise serializers.ValidationError(
                {"to": [_("Choose a period of three years at most.")]}
            )
        return attrs
