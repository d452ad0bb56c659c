"""The SLA set-up as settings pages (servicedesk.settings_pages): policies with their
targets, and business calendars with their weekly working windows. A calendar's
holidays, make-up working days and the import of a year are on its calendar page."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import MANAGERS
from servicedesk.settings_pages import SETTINGS_PAGES, SettingsPage
from sla import selectors, services
from sla.api.serializers import BusinessCalendarSerializer, PolicySerializer, TargetSerializer
from sla.models import BusinessCalendar, Policy, Target, Weekday


def _policy_extra(request, policy):
    if policy is None:
        return {}
    targets = policy.targets.order_by("severity", "metric")
    return {
        "children": {
            "title": _("Targets"),
            "rows": [
                {
                    "url": TARGETS.reverse("edit", target.pk),
                    "label": f"{target.get_severity_display()} · {target.get_metric_display()}",
                    "detail": f"{_duration(target.duration)} · {target.get_clock_display()}",
                }
                for target in targets
            ],
            "add_url": TARGETS.reverse("create") + f"?policy={policy.pk}",
            "add_label": _("Add a target"),
        }
    }


def _duration(value) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


POLICIES = SettingsPage(
    namespace="sla",
    key="policies",
    title=_("SLA policies"),
    intro=_("A policy's targets apply to the tickets of the contracts that name it."),
    model=Policy,
    fields=["name", "description", "calendar", "is_default"],
    serializer=PolicySerializer,
    create=services.policy_create,
    update=services.policy_update,
    rows=lambda user: selectors.policies_visible_to(user).select_related("calendar"),
    columns=[
        (_("Name"), "name"),
        (_("Business calendar"), lambda row: row.calendar),
        (_("Default"), "is_default"),
    ],
    scoped={"calendar": selectors.calendars_visible_to},
    roles=MANAGERS,
    extra=_policy_extra,
    order=10,
)

TARGETS = SettingsPage(
    namespace="sla",
    key="targets",
    title=_("SLA targets"),
    intro=_("Durations as hours:minutes:seconds or days hours:minutes:seconds (3 08:00:00)."),
    model=Target,
    fields=["policy", "severity", "metric", "duration", "clock", "warning_ratio"],
    serializer=TargetSerializer,
    create=services.target_create,
    update=services.target_update,
    rows=lambda user: selectors.targets_visible_to(user).select_related("policy"),
    columns=[
        (_("Policy"), lambda row: row.policy),
        (_("Severity"), "severity"),
        (_("Metric"), "metric"),
        (_("Target"), lambda row: _duration(row.duration)),
        (_("Clock"), "clock"),
    ],
    scoped={"policy": selectors.policies_visible_to},
    roles=MANAGERS,
    filters={"policy": "policy_id"},
    initial_from_query=("policy",),
    order=11,
)


class WindowForm(forms.Form):
    # A blank first choice, so that an untouched extra row is left out, not an error.
    weekday = forms.TypedChoiceField(
        label=_("weekday"), choices=[("", "—"), *Weekday.choices], coerce=int
    )
    start = forms.TimeField(label=_("from"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("until"), widget=forms.TimeInput(attrs={"type": "time"}))


WindowFormSet = forms.formset_factory(WindowForm, extra=2, can_delete=True)


def _windows(request, calendar, bound):
    if bound:
        return WindowFormSet(request.POST, prefix="windows")
    initial = []
    if calendar is not None:
        initial = [
            {"weekday": w.weekday, "start": w.start, "end": w.end}
            for w in calendar.windows.order_by("weekday", "start")
        ]
    return WindowFormSet(initial=initial, prefix="windows")


def _calendar_extra(request, calendar):
    if calendar is None:
        return {}
    return {
        "links": [
            (
                reverse("sla:calendar", args=[calendar.pk]),
                _("Holidays, make-up working days and importing a year"),
            )
        ]
    }


CALENDARS = SettingsPage(
    namespace="sla",
    key="calendars",
    title=_("Business calendars"),
    intro=_(
        "Working hours per weekday (a lunch break is two windows on one day); business "
        "clocks count only these hours."
    ),
    model=BusinessCalendar,
    fields=["name", "time_zone", "country", "subdivision", "is_default"],
    serializer=BusinessCalendarSerializer,
    create=services.calendar_create,
    update=services.calendar_update,
    rows=lambda user: selectors.calendars_visible_to(user),
    columns=[
        (_("Name"), "name"),
        (_("Time zone"), "time_zone"),
        (_("Holiday country"), "country"),
        (_("Holidays known through"), "covered_through"),
        (_("Default"), "is_default"),
    ],
    roles=MANAGERS,
    formset=_windows,
    nested="windows",
    extra=_calendar_extra,
    order=12,
)

SETTINGS_PAGES.extend([POLICIES, TARGETS, CALENDARS])
