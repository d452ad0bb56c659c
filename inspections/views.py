"""Web pages: the same selectors (scope → 404) and services as the API."""

import calendar as pycalendar
from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.selectors import engineers_of, service_centers_visible_to
from servicedesk.errors import ServiceError
from servicedesk.pdf import pdf_response
from tickets.models import Ticket

from . import selectors, services
from .models import ChecklistItem, Inspection, MaintenanceTask
from .transitions import INSPECTION_ACTION_ROLES, INSPECTION_TRANSITIONS, allowed_actions

PAGE_SIZE = 50
Role = User.Role
DISPATCH = {Role.DISPATCHER, Role.MANAGER, Role.ADMIN}


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _require(user, roles):
    if not (user.is_admin_role or user.role in roles):
        raise DjangoPermissionDenied


def _inspection(request, pk, *, results=True):
    qs = selectors.inspections_visible_to(request.user)
    return get_object_or_404(selectors.with_results(qs) if results else qs, pk=pk)


@login_required
def inspection_list(request):
    user = request.user
    qs = selectors.inspections_visible_to(user)
    status = request.GET.get("status", "")
    mine = user.role in User.FIELD_ROLES and request.GET.get("all") != "1"
    if user.is_customer:
        qs = qs.filter(status=Inspection.Status.COMPLETED)
    elif status in Inspection.Status.values:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assignee=user)
    if user.role in User.FIELD_ROLES and not status:
        qs = qs.filter(status__in=Inspection.OPEN_STATUSES).order_by("scheduled_for", "id")
    return render(
        request,
        "inspections/list.html",
        {
            "page": _page(request, qs),
            "status": status,
            "statuses": Inspection.Status.choices,
            "mine": mine,
            "today": timezone.localdate(),
        },
    )


@login_required
def archive(request):
    return render(
        request,
        "inspections/archive.html",
        {"page": _page(request, selectors.reports_for_organization(request.user))},
    )


@login_required
def inspection_detail(request, pk):
    inspection = _inspection(request, pk)
    actions = allowed_actions(
        INSPECTION_TRANSITIONS, INSPECTION_ACTION_ROLES, inspection.status, request.user
    )
    return render(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "actions": actions,
            "results": list(inspection.results.all()),
            "can_raise": "raise_ticket" in actions,
        },
    )


def _rows(inspection):
    """Checklist items paired with their results, in order."""
    results = {r.item_id: r for r in inspection.results.all()}
    return [(item, results.get(item.pk)) for item in inspection.checklist_template.items.all()]


@login_required
def checklist(request, pk):
    inspection = _inspection(request, pk)
    _require(request.user, INSPECTION_ACTION_ROLES["results"])
    if request.method == "POST":
        entries, photos = _posted_results(request, inspection)
        try:
            services.inspection_record_results(
                inspection=inspection, actor=request.user, results=entries, photos=photos
            )
            messages.success(request, _("Results saved."))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("inspections:checklist", pk=pk)
    return render(
        request, "inspections/checklist.html", {"inspection": inspection, "rows": _rows(inspection)}
    )


def _posted_results(request, inspection):
    entries, photos = [], {}
    for item in inspection.checklist_template.items.all():
        key = str(item.pk)
        outcome = request.POST.get(f"outcome_{key}", "")
        value = request.POST.get(f"value_{key}", "").strip()
        text = request.POST.get(f"text_{key}", "").strip()
        if f"photo_{key}" in request.FILES:
            photos[item.pk] = request.FILES[f"photo_{key}"]
        if outcome or value or text:
            entries.append(
                {"item": item.pk, "outcome": outcome, "value": value or None, "text": text}
            )
    return entries, photos


@login_required
@require_GET
def check_value(request, pk, item_pk):
    """htmx: the out-of-limit flag for a value being typed."""
    inspection = _inspection(request, pk, results=False)
    item = get_object_or_404(
        ChecklistItem, pk=item_pk, template_id=inspection.checklist_template_id
    )
    try:
        value = Decimal(request.GET.get(f"value_{item.pk}", "").replace(",", "."))
    except ArithmeticError:
        value = None
    return render(
        request, "inspections/_limit_flag.html", {"item": item, "out": item.is_out_of_limit(value)}
    )


def _run(request, call, success):
    try:
        call()
        messages.success(request, success)
    except ServiceError as exc:
        messages.error(request, exc.message)


@login_required
@require_POST
def start(request, pk):
    inspection = _inspection(request, pk, results=False)
    _run(
        request,
        lambda: services.inspection_start(inspection=inspection, actor=request.user),
        _("Inspection started."),
    )
    return redirect("inspections:checklist", pk=pk)


@login_required
@require_POST
def complete(request, pk):
    inspection = _inspection(request, pk, results=False)
    try:
        services.inspection_complete(
            inspection=inspection,
            actor=request.user,
            findings=request.POST.get("findings", ""),
            recommendations=request.POST.get("recommendations", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("inspections:checklist", pk=pk)
    messages.success(request, _("Inspection completed; the report goes to the customer."))
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def acknowledge(request, pk):
    inspection = _inspection(request, pk, results=False)
    _run(
        request,
        lambda: services.inspection_acknowledge(inspection=inspection, actor=request.user),
        _("Thank you: the report is acknowledged."),
    )
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def cancel(request, pk):
    inspection = _inspection(request, pk, results=False)
    _run(
        request,
        lambda: services.inspection_cancel(
            inspection=inspection, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("Inspection cancelled."),
    )
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def raise_ticket(request, pk, result_pk):
    inspection = _inspection(request, pk, results=False)
    result = get_object_or_404(inspection.results.all(), pk=result_pk)
    try:
        ticket = services.inspection_raise_ticket(
            result=result, actor=request.user, channel=Ticket.Channel.PORTAL
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Fault report %(number)s raised.") % {"number": ticket.number})
    back = (
        "inspections:checklist" if request.POST.get("next") == "checklist" else "inspections:detail"
    )
    return redirect(back, pk=pk)


@login_required
def report_pdf(request, pk):
    inspection = _inspection(request, pk, results=False)
    return pdf_response(
        services.render_report(inspection, language=request.user.language),
        services.report_filename(inspection),
    )


@login_required
def photo(request, pk, result_pk):
    inspection = _inspection(request, pk, results=False)
    result = get_object_or_404(inspection.results.exclude(photo=""), pk=result_pk)
    return FileResponse(result.photo.open("rb"), filename=result.photo.name.rsplit("/", 1)[-1])


def _month(raw: str) -> date:
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


def _int(raw):
    return int(raw) if raw and str(raw).isdigit() else None


@login_required
def calendar(request):
    _require(request.user, DISPATCH)
    first = _month(request.GET.get("month", ""))
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    center, engineer = _int(request.GET.get("center")), _int(request.GET.get("engineer"))
    inspections = selectors.inspections_visible_to(request.user).filter(
        scheduled_for__range=(first, last)
    )
    tasks = selectors.maintenance_tasks_visible_to(request.user).filter(due_on__range=(first, last))
    if center:
        inspections = inspections.filter(service_center_id=center)
        tasks = tasks.filter(equipment__site__service_center_id=center)
    if engineer:
        inspections, tasks = (
            inspections.filter(assignee_id=engineer),
            tasks.filter(assignee_id=engineer),
        )
    by_day: dict[date, list] = {}
    for inspection in inspections.exclude(status=Inspection.Status.CANCELLED):
        by_day.setdefault(inspection.scheduled_for, []).append(("inspection", inspection))
    for task in tasks:
        by_day.setdefault(task.due_on, []).append(("task", task))
    weeks = [
        [(day, by_day.get(day, [])) for day in week]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    return render(
        request,
        "inspections/calendar.html",
        {
            "month": first,
            "weeks": weeks,
            "prev": (first - timedelta(days=1)).strftime("%Y-%m"),
            "next": (last + timedelta(days=1)).strftime("%Y-%m"),
            "center": center,
            "engineer": engineer,
            "centers": service_centers_visible_to(request.user),
            "engineers": engineers_of(request.user),
            "agenda": sorted(by_day.items()),
            "today": timezone.localdate(),
        },
    )


@login_required
def maintenance(request):
    _require(request.user, User.STAFF_ROLES)
    tasks = selectors.maintenance_tasks_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in MaintenanceTask.Status.values:
        tasks = tasks.filter(status=status)
    else:
        tasks = tasks.filter(status__in=MaintenanceTask.OPEN_STATUSES)
    return render(
        request,
        "inspections/maintenance.html",
        {
            "page": _page(request, tasks),
            "status": status,
            "statuses": MaintenanceTask.Status.choices,
        },
    )


def _minutes(text: str) -> int:
    """The form's downtime in minutes (empty: none); called inside `_run`, so a bad
    value is shown as the form's message."""
    text = (text or "").strip()
    if text and not text.isdigit():
        raise ServiceError(
            _("Give the downtime in minutes, at most a week."), field="downtime_minutes"
        )
    return int(text or 0)


@login_required
@require_POST
def task_complete(request, pk):
    task = get_object_or_404(selectors.maintenance_tasks_visible_to(request.user), pk=pk)
    _run(
        request,
        lambda: services.maintenance_task_complete(
            task=task,
            actor=request.user,
            notes=request.POST.get("notes", ""),
            new_version=request.POST.get("new_version", ""),
            downtime_minutes=_minutes(request.POST.get("downtime_minutes", "")),
        ),
        _("Maintenance task done."),
    )
    return redirect("inspections:maintenance")
