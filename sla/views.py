"""The manager dashboard: KPI tiles with their goals, SVG charts, the clocks about to
breach (refreshed by htmx), breaches by centre and engineer, CSV/XLSX export. Same
selectors, filters and KPI code as `GET /api/v1/sla/dashboard/`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.roles import DISPATCH, MANAGERS
from accounts.selectors import organizations_visible_to, service_centers_visible_to
from assets.selectors import availability_summary, equipment_visible_to, sites_visible_to
from servicedesk import spreadsheets
from servicedesk.api.permissions import has_role
from servicedesk.errors import ServiceError
from servicedesk.kpis import scope_q

from . import charts, kpis, selectors, services
from .api.serializers import DashboardQuerySerializer
from .calendar import holiday_name_in
from .models import CalendarDay, Clock, Metric
from .services.config import MAKEUP_DAY_NAME

ABOUT_TO_BREACH = 20


def _require(request):
    if not has_role(request.user, DISPATCH):
        raise Http404


TREND_WEEKS = 12


def _trend_period() -> dict:
    """The page opens on the last 12 weeks by week (this one included), so that its
    trends have points to join; the API keeps its default (the current month)."""
    monday = timezone.localdate() - timezone.timedelta(days=timezone.localdate().weekday())
    return {
        "start": monday - timezone.timedelta(weeks=TREND_WEEKS - 1),
        "end": monday + timezone.timedelta(days=6),
        "bucket": "week",
    }


def _filters(request) -> tuple[kpis.Filters, dict]:
    query = DashboardQuerySerializer(data=request.GET, context={"request": request})
    if query.is_valid():
        data = dict(query.validated_data)
        if not {"from", "to", "bucket"} & set(request.GET):
            data.update(_trend_period())
        return kpis.filters_for(**data), {}
    return kpis.filters_for(**_trend_period()), query.errors


def _tiles(data: dict) -> list[dict]:
    goals = data["goals"]

    def tile(key, label, figure, goal=None, hours=False):
        value = figure if hours else (figure or {}).get("rate")
        return {
            "key": key,
            "label": label,
            "value": value,
            "hours": hours,
            "goal": goal,
            "count": None
            if hours
            else (figure or {}).get("count", (figure or {}).get("met_on_time")),
            "total": None if hours else (figure or {}).get("total"),
            "ok": None if value is None or goal is None else value >= goal,
        }

    tiles = [
        tile("compliance", _("SLA compliance"), data["compliance"], goals["compliance"]),
        tile(
            "triage",
            _("Triaged within 15 min"),
            data["triaged_within_15_min"],
            goals["triaged_within_15_min"],
        ),
        tile(
            "remote", _("Resolved remotely"), data["remote_resolution"], goals["remote_resolution"]
        ),
        tile("mttr", _("MTTR (hours)"), data["mttr_hours"], hours=True),
        tile(
            "follow_up",
            _("Follow-up within 24 h"),
            data["follow_up_within_24h"],
            goals["follow_up_within_24h"],
        ),
    ]
    optional = [
        ("inspections_on_schedule", _("Inspections on schedule")),
        ("training_within_month", _("Training within a month")),
        ("parts_fill_rate", _("Parts fill rate")),
    ]
    tiles += [
        tile(key, label, data[key], goals[key])
        for key, label in optional
        if data.get(key) is not None
    ]
    return tiles


def _charts(data: dict) -> dict:
    labels = [str(row["bucket"]) for row in data["series"]]
    state_labels = dict(Clock.State.choices)
    return {
        "compliance": charts.line_chart(
            list(zip(labels, [r["compliance"] for r in data["series"]], strict=True)),
            title=_("Compliance trend"),
            percent=True,
            goal=data["goals"]["compliance"],
            y_max=1,
        ),
        "states": charts.bar_chart(
            [(str(state_labels[state]), n) for state, n in data["clocks_by_state"].items()],
            title=_("Clocks by state"),
        ),
        "mttr": charts.line_chart(
            list(zip(labels, [r["mttr_hours"] for r in data["series"]], strict=True)),
            title=_("MTTR trend (hours)"),
        ),
    }


def _availability(user, filters) -> dict:
    """Equipment availability of the dashboard's period and scope (docs/availability.md):
    two queries."""
    units = equipment_visible_to(user).filter(
        scope_q(
            site_path="site",
            organization=filters.organization,
            site=filters.site,
            service_center=filters.service_center,
        )
    )
    summary = availability_summary(units, filters.start, filters.end)
    worst = [row for row in summary["units"] if row["availability_pct"] is not None]
    worst.sort(key=lambda row: (row["availability_pct"], row["unit"].name))
    summary["worst_units"] = [row for row in worst if row["availability_pct"] < 100][:10]
    return summary


@login_required
def dashboard(request):
    _require(request)
    filters, errors = _filters(request)
    data = kpis.dashboard(request.user, filters)
    metric_labels = dict(Metric.choices)
    for row in data["compliance_by_metric"]:
        row["label"] = metric_labels[row["metric"]]
    return render(
        request,
        "sla/dashboard.html",
        {
            "data": data,
            "filters": filters,
            "errors": errors,
            "tiles": _tiles(data),
            "charts": _charts(data),
            "availability": _availability(request.user, filters),
            "clocks": selectors.about_to_breach(
                request.user, now=timezone.now(), limit=ABOUT_TO_BREACH
            ),
            "organizations": organizations_visible_to(request.user),
            "sites": sites_visible_to(request.user),
            "centres": service_centers_visible_to(request.user),
            "severities": Clock._meta.get_field("severity").choices,
            "query_string": request.GET.urlencode(),
            "last_day": (filters.end - timezone.timedelta(days=1)).date(),
            "coverage": selectors.coverage_warnings(request.user),
            "off_calendar": selectors.sites_off_their_calendar(request.user),
        },
    )


@login_required
def about_to_breach(request):
    """The htmx partial of the dashboard, re-fetched every 30 s."""
    _require(request)
    clocks = selectors.about_to_breach(request.user, now=timezone.now(), limit=ABOUT_TO_BREACH)
    return render(request, "sla/_about_to_breach.html", {"clocks": clocks})


# --- export ------------------------------------------------------------------------
CLOCK_COLUMNS = [
    "ticket",
    "severity",
    "metric",
    "state",
    "breached",
    "started_at",
    "due_at",
    "met_at",
    "paused_total_minutes",
    "service_center",
    "assignee",
]


def _clock_rows(user, filters: kpis.Filters):
    clocks = (
        kpis.period_clocks(kpis.scoped_tickets(user, filters), filters)
        .select_related("ticket", "ticket__site__service_center", "ticket__assignee")
        .order_by("ticket__reported_at", "ticket_id", "id")
    )
    for c in clocks.iterator(chunk_size=2000):
        yield [
            c.ticket.number,
            c.ticket.severity,
            c.metric,
            c.state,
            c.breached,
            *(
                timezone.localtime(v).isoformat() if v else ""
                for v in (c.started_at, c.due_at, c.met_at)
            ),
            round(c.paused_total.total_seconds() / 60, 1),
            c.ticket.site.service_center.name,
            c.ticket.assignee.username if c.ticket.assignee else "",
        ]


def _kpi_rows(data: dict):
    yield ["kpi", "metric", "severity", "count", "total", "rate"]
    yield [
        "compliance",
        "",
        "",
        data["compliance"]["met_on_time"],
        data["compliance"]["total"],
        data["compliance"]["rate"],
    ]
    for row in data["compliance_by_metric"]:
        yield ["compliance", row["metric"], "", row["met_on_time"], row["total"], row["rate"]]
        for cell in row["by_severity"]:
            yield [
                "compliance",
                row["metric"],
                cell["severity"],
                cell["met_on_time"],
                cell["total"],
                cell["rate"],
            ]
    for key in (
        "triaged_within_15_min",
        "remote_resolution",
        "follow_up_within_24h",
        "inspections_on_schedule",
        "training_within_month",
        "parts_fill_rate",
    ):
        if data.get(key) is not None:
            yield [key, "", "", data[key]["count"], data[key]["total"], data[key]["rate"]]
    yield ["mttr_hours", "", "", "", "", data["mttr_hours"]]
    for row in data["mtbf_organizations"]:
        yield [
            "mtbf_hours",
            row["name"],
            "",
            row["failures"],
            row["operating_hours"],
            row["mtbf_hours"],
        ]
    for row in data["series"]:
        yield [
            f"series:{row['bucket']}",
            "compliance",
            "",
            row["met_on_time"],
            row["decided"],
            row["compliance"],
        ]
        yield [f"series:{row['bucket']}", "mttr_hours", "", "", row["tickets"], row["mttr_hours"]]


@login_required
def export(request, what: str, fmt: str):
    """`clocks` or `kpis` of the filtered period, as CSV or XLSX (`all` = both sheets)."""
    _require(request)
    filters, _errors = _filters(request)
    stem = f"sla-{what}-{filters.start:%Y%m%d}-{(filters.end - timezone.timedelta(days=1)):%Y%m%d}"
    sheets = {}
    if what in ("kpis", "all"):
        sheets["KPIs"] = list(_kpi_rows(kpis.dashboard(request.user, filters)))
    if what in ("clocks", "all"):
        sheets["Clocks"] = [CLOCK_COLUMNS, *_clock_rows(request.user, filters)]
    if not sheets or fmt not in ("csv", "xlsx") or (fmt == "csv" and len(sheets) > 1):
        raise Http404
    if fmt == "csv":
        return spreadsheets.csv_response(next(iter(sheets.values())), filename=f"{stem}.csv")
    return spreadsheets.xlsx_response(sheets, filename=f"{stem}.xlsx")


# --- a calendar's holidays, entered by hand -------------------------------------------
class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=CalendarDay.Kind.choices,
        initial=CalendarDay.Kind.WORKDAY,
    )
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=200)


class CoverageForm(forms.Form):
    covered_through = forms.DateField(
        label=gettext_lazy("Holidays known through"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ImportYearForm(forms.Form):
    country = forms.CharField(label=gettext_lazy("Holiday country"), max_length=10)
    import_years = forms.CharField(
        label=gettext_lazy("Years"),
        max_length=40,
        help_text=gettext_lazy("e.g. 2027 or 2026-2027"),
    )


def _calendar_post(request, calendar, forms_):
    """One of the page's forms was sent: run its service; a redirect when it worked."""
    post = request.POST
    if "import_years" in post:
        forms_["import_form"] = form = ImportYearForm(post)
        if form.is_valid():
            holidays, workdays = services.calendar_import_holidays(
                calendar=calendar,
                country=form.cleaned_data["country"],
                years=form.cleaned_data["import_years"],
                actor=request.user,
            )
            messages.success(
                request,
                _("Imported %(holidays)d holidays and %(workdays)d make-up working days.")
                % {"holidays": holidays, "workdays": workdays},
            )
            return True
    elif "delete_day" in post:
        day = get_object_or_404(calendar.days, pk=post.get("delete_day"))
        services.calendar_day_delete(day=day, actor=request.user)
        messages.success(request, _("Day removed."))
        return True
    elif "covered_through" in post:
        forms_["coverage_form"] = form = CoverageForm(post)
        if form.is_valid():
            services.calendar_set_coverage(
                calendar=calendar,
                actor=request.user,
                covered_through=form.cleaned_data["covered_through"],
            )
            messages.success(request, _("Coverage saved."))
            return True
    else:
        forms_["day_form"] = form = CalendarDayForm(post)
        if form.is_valid():
            data = form.cleaned_data
            services.calendar_day_save(
                calendar=calendar,
                day=data["date"],
                kind=data["kind"],
                name=data["name"],
                actor=request.user,
            )
            messages.success(request, _("Day saved."))
            return True
    return False


@login_required
def calendar_page(request, pk):
    """A calendar's coverage and its days; managers enter holidays and make-up working
    days by hand (through the same services as the API) and declare the coverage."""
    _require(request)
    calendar = get_object_or_404(selectors.calendars_visible_to(request.user), pk=pk)
    may_edit = has_role(request.user, MANAGERS)
    forms_ = {
        "day_form": CalendarDayForm(),
        "coverage_form": CoverageForm(initial={"covered_through": calendar.covered_through}),
        "import_form": ImportYearForm(
            initial={"country": calendar.country, "import_years": timezone.localdate().year + 1}
        ),
    }
    if request.method == "POST":
        if not may_edit:
            raise Http404
        try:
            if _calendar_post(request, calendar, forms_):
                return redirect("sla:calendar", calendar.pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
    today = timezone.localdate()
    days = list(calendar.days.filter(date__gte=today.replace(month=1, day=1)).order_by("date"))
    language = get_language() or "en"
    for day in days:
        if day.kind == CalendarDay.Kind.WORKDAY and day.name == MAKEUP_DAY_NAME:
            day.shown_name = capfirst(day.get_kind_display())
        else:
            day.shown_name = holiday_name_in(calendar.country, day.date, day.name, language)
    return render(
        request,
        "sla/calendar.html",
        {
            "calendar": calendar,
            "days": days,
            "may_edit": may_edit,
            "windows": calendar.windows.order_by("weekday", "start"),
            **forms_,
        },
    )
