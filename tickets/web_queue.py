"""The dispatcher's queue for a working day: SLA countdown and colours, filters on
every column a dispatcher sorts work by, sorting, saved views, bulk triage and
assignment. One page is read as OFFSET/LIMIT (no COUNT of the table); the filter
lists are a fixed number of queries whatever the page size."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import organizations_visible_to, service_centers_visible_to
from assets.selectors import sites_visible_to
from servicedesk.api.permissions import has_role
from servicedesk.errors import ServiceError

from . import search, selectors, services
from .models import Ticket
from .web import PAGE_SIZE, _PageWithoutCount
from .web_forms import EngineerChoiceField, workload_of

DISPATCH = {User.Role.DISPATCHER, User.Role.MANAGER, User.Role.ADMIN}
# What a saved view keeps of the query string.
VIEW_KEYS = (
    "q",
    "status",
    "severity",
    "kind",
    "organization",
    "site",
    "center",
    "assignee",
    "sla",
    "sort",
)
SLA_LABELS = {
    "ok": gettext_lazy("on track"),
    "warning": gettext_lazy("warning"),
    "breached": gettext_lazy("breached"),
    "none": gettext_lazy("no clock"),
}
COLUMNS = [
    ("number", gettext_lazy("Number")),
    ("title", gettext_lazy("Title")),
    ("site", gettext_lazy("Site")),
    ("severity", gettext_lazy("Severity")),
    ("status", gettext_lazy("Status")),
    ("due", gettext_lazy("SLA")),
    ("assignee", gettext_lazy("Assignee")),
    ("reported", gettext_lazy("Reported")),
]


def _require(request):
    if not has_role(request.user, DISPATCH):
        raise Http404


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()][:50]


def _filters(params: QueryDict) -> dict:
    """The query string as clean filters; unknown values are dropped, not refused."""

    def choices(name, allowed):
        return [v for v in params.getlist(name) if v in allowed]

    assignee = params.get("assignee", "")
    return {
        "status": choices("status", set(Ticket.OPEN_STATUSES)),
        "severity": choices("severity", set(Ticket.Severity.values)),
        "kind": choices("kind", set(Ticket.Kind.values)),
        "organization": _ids(params.getlist("organization")),
        "site": _ids(params.getlist("site")),
        "center": _ids(params.getlist("center")),
        "assignee": assignee if assignee == "none" or assignee.isdigit() else "",
        "sla": params.get("sla", "") if params.get("sla", "") in SLA_LABELS else "",
    }


def _kept(params: QueryDict) -> QueryDict:
    """The filters worth keeping in a view or a page link: known keys, no empty values."""
    kept = QueryDict(mutable=True)
    for key in VIEW_KEYS:
        values = [v for v in params.getlist(key) if v.strip()]
        if values:
            kept.setlist(key, values)
    return kept


def _sort(params: QueryDict) -> str:
    sort = params.get("sort", "due")
    return sort if sort.removeprefix("-") in selectors.QUEUE_SORTS else "due"


def countdown(due, now) -> str:
    """±H:MM to the nearest due point, in digits only (the same in every language)."""
    minutes = int((due - now).total_seconds() // 60)
    sign = "−" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


def _decorate(tickets, now):
    for t in tickets:
        if t.sla_breached:
            t.sla_state = "breached"
        elif t.sla_warning:
            t.sla_state = "warning"
        else:
            t.sla_state = "ok" if t.nearest_due_at else "none"
        t.sla_label = SLA_LABELS[t.sla_state]
        t.countdown = countdown(t.nearest_due_at, now) if t.nearest_due_at else ""
    return tickets


def _columns(params: QueryDict, sort: str) -> list[dict]:
    """Each header with the link that sorts by it (again: the other way round)."""
    columns = []
    for key, label in COLUMNS:
        query = params.copy()
        query.pop("page", None)
        query["sort"] = f"-{key}" if sort == key else key
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        columns.append({"key": key, "label": label, "url": f"?{query.urlencode()}", "aria": state})
    return columns


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[
            ("assign", gettext_lazy("Assign")),
            ("triage", gettext_lazy("Triage")),
        ],
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        choices=[("", "—"), *Ticket.Severity.choices],
        required=False,
    )
    tickets = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Fault reports"), queryset=Ticket.objects.none()
    )

    def __init__(self, *args, user, engineers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tickets"].queryset = selectors.tickets_visible_to(user).filter(
            status__in=Ticket.OPEN_STATUSES
        )
        self.fields["assignee"] = EngineerChoiceField(
            label=gettext_lazy("Engineer"), queryset=engineers, required=False
        )

    def clean(self):
        data = super().clean()
        if data.get("action") == "triage" and not data.get("severity"):
            self.add_error("severity", _("Choose a severity to triage."))
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose an engineer."))
        return data


@login_required
def queue(request):
    _require(request)
    user, params, now = request.user, request.GET, timezone.now()
    query = params.get("q", "").strip()
    filters, sort = _filters(params), _sort(params)
    qs = selectors.queue_tickets(user, filters=filters, sort=sort, now=now)
    if query:
        qs = search.search(qs, query)
    page = _PageWithoutCount(request, qs, size=PAGE_SIZE)
    _decorate(page.object_list, now)
    engineers = workload_of(user)
    kept = _kept(params)
    context = {
        "title": _("Queue"),
        "page": page,
        "q": query,
        "filters": filters,
        "sort": sort,
        "columns": _columns(params, sort),
        "statuses": [(s.value, s.label) for s in Ticket.Status if s in Ticket.OPEN_STATUSES],
        "severities": Ticket.Severity.choices,
        "kinds": Ticket.Kind.choices,
        "sla_states": list(SLA_LABELS.items()),
        "organizations": list(organizations_visible_to(user).only("pk", "name")),
        "sites": list(sites_visible_to(user).select_related(None).only("pk", "name")),
        "centers": list(_centers(user)),
        "engineers": list(engineers),
        "views": list(selectors.saved_views_for(user)),
        "view_query": kept.urlencode(),
        "page_query": kept.urlencode(),
        "bulk_form": BulkForm(user=user, engineers=engineers),
        "now": now,
    }
    return render(request, "tickets/queue.html", context)


def _centers(user):
    centers = service_centers_visible_to(user).select_related(None).only("pk", "name")
    return centers if user.center_ids is None else centers.filter(pk__in=user.center_ids)


@login_required
@require_POST
def queue_bulk(request):
    _require(request)
    user = request.user
    engineers = workload_of(user)
    form = BulkForm(request.POST, user=user, engineers=engineers)
    back = reverse("tickets:queue") + "?" + request.POST.get("back", "")
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, _("Nothing changed: %(errors)s") % {"errors": " ".join(errors)})
        return redirect(back)
    data = form.cleaned_data
    try:
        result = services.tickets_bulk(
            tickets=data["tickets"].order_by("pk"),
            actor=user,
            action=data["action"],
            severity=data.get("severity") or "",
            assignee=data.get("assignee"),
        )
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    if result.done:
        messages.success(
            request,
            _("%(n)d fault reports changed: %(numbers)s.")
            % {"n": len(result.done), "numbers": ", ".join(t.number for t in result.done)},
        )
    for ticket, reason in result.refused:
        messages.error(request, f"{ticket.number}: {reason}")
    return redirect(back)


@login_required
@require_POST
def view_save(request):
    _require(request)
    kept = _kept(QueryDict(request.POST.get("query", "")))
    try:
        view = services.saved_view_save(
            owner=request.user,
            name=request.POST.get("name", ""),
            query=kept.urlencode(),
            shared=request.POST.get("shared") == "on",
        )
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect(reverse("tickets:queue") + "?" + kept.urlencode())
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(reverse("tickets:queue") + "?" + view.query)


@login_required
@require_POST
def view_delete(request, pk):
    _require(request)
    view = get_object_or_404(selectors.saved_views_for(request.user), pk=pk)
    try:
        services.saved_view_delete(view=view, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("tickets:queue")
