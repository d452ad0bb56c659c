"""Managers keep policies and business calendars here as well as through the API;
clocks are shown read-only (only the ticket services and the sweep move them)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin import ReadOnlyAdminMixin
from servicedesk.errors import ServiceError

from . import services
from .models import BusinessCalendar, CalendarDay, Clock, Policy, Target, WorkingWindow


class WorkingWindowInline(admin.TabularInline):
    model = WorkingWindow
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0
    ordering = ["-date"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(SimpleHistoryAdmin):
    list_display = ["name", "time_zone", "country", "is_default"]
    inlines = [WorkingWindowInline, CalendarDayInline]
    actions = ["import_holidays"]

    @admin.action(
        description=_("Import public holidays and make-up days (this year to two years ahead)")
    )
    def import_holidays(self, request, queryset):
        from django.utils import timezone

        year = timezone.localdate().year
        for calendar in queryset:
            try:
                written = services.calendar_import_holidays(
                    calendar=calendar,
                    country=calendar.country,
                    years=range(year, year + 3),
                    subdiv=calendar.subdivision or None,
                    actor=request.user,
                )
            except ServiceError as exc:
                self.message_user(request, f"{calendar}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(calendar)s: %(holidays)d holidays, %(workdays)d make-up days.")
                    % {"calendar": calendar, "holidays": written[0], "workdays": written[1]},
                )


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "calendar", "is_default"]
    list_select_related = ["calendar"]
    inlines = [TargetInline]


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "metric", "severity", "state", "due_at", "met_at", "breached"]
    list_filter = ["state", "metric", "severity", "breached"]
    list_select_related = ["ticket"]
    search_fields = ["ticket__number"]
    date_hierarchy = "due_at"
