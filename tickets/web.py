"""The ticket pages: the customer portal, the dispatcher's queue, the engineer's work
and visit flow, the service archive. They call the same selectors (scope → 404) and
services (rules, transactions) as the API."""

import base64
import binascii
import io
import re
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from assets.selectors import availability_summary, equipment_visible_to
from servicedesk.api.permissions import has_role
from servicedesk.errors import ServiceError

from . import documents, search, selectors, services
from .models import Ticket, Visit
from .transitions import (
    TICKET_ACTION_ROLES,
    TICKET_TRANSITIONS,
    VISIT_ACTION_ROLES,
    VISIT_TRANSITIONS,
    action_label,
    allowed_actions,
)
from .web_forms import (
    AttachmentForm,
    CommentForm,
    ReportForm,
    ticket_action_form,
    visit_action_form,
)

Role = User.Role
PAGE_SIZE = 30
ARCHIVE_AVAILABILITY = timedelta(days=90)
DISPATCH = {Role.DISPATCHER, Role.MANAGER, Role.ADMIN}
FIELD = {Role.ENGINEER, Role.EXPERT}
DATA_URL = re.compile(r"^data:(?P<type>image/(?:png|jpeg));base64,(?P<data>[A-Za-z0-9+/=\s]+)$")

TICKET_SERVICES = {
    "triage": services.ticket_triage,
    "assign": services.ticket_assign,
    "respond": services.ticket_respond,
    "wait-customer": services.ticket_wait_customer,
    "resume": services.ticket_resume,
    "escalate": services.ticket_escalate,
    "dispatch": services.ticket_dispatch,
    "resolve": services.ticket_resolve,
    "accept": services.ticket_accept,
    "follow-up": services.ticket_follow_up,
    "reopen": services.ticket_reopen,
    "cancel": services.ticket_cancel,
    "close": services.ticket_close,
}
VISIT_SERVICES = {
    "depart": services.visit_depart,
    "check-in": services.visit_check_in,
    "phase": services.visit_record_phase,
    "sign": services.visit_sign,
    "complete": services.visit_complete,
    "cancel": services.visit_cancel,
}


def _require(request, roles):
    if not has_role(request.user, roles):
        raise Http404


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


class _PageWithoutCount:
    """A page of a large list read as OFFSET/LIMIT with one row more than shown (is
    there a next page?), never a COUNT(*) of the whole list; the pagination template
    shows "Page n" without a total."""

    class paginator:  # noqa: N801 - what the template reads: no total
        num_pages = None

    def __init__(self, request, queryset, size=PAGE_SIZE):
        try:
            self.number = max(1, int(request.GET.get("page", 1)))
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * size
        rows = list(queryset[start : start + size + 1])
        self.object_list, self._more = rows[:size], len(rows) > size

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self._more

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def _listing(request, queryset, template, **extra):
    query = request.GET.get("q", "").strip()
    if query:
        queryset = search.search(queryset, query)
    status = request.GET.get("status", "")
    if status in Ticket.Status.values:
        queryset = queryset.filter(status=status)
    context = {
        "page": _PageWithoutCount(request, queryset),
        "q": query,
        "status": status,
        "statuses": Ticket.Status.choices,
    }
    return render(request, template, {**context, **extra})


def _rows_only(queryset):
    """What a list row shows (site, assignee): fewer joins to plan, no clocks to fetch."""
    return queryset.select_related(None).select_related("site", "assignee").prefetch_related(None)


@login_required
def ticket_list(request):
    qs = _rows_only(selectors.tickets_visible_to(request.user))
    return _listing(request, qs, "tickets/ticket_list.html", title=_("Fault reports"))


@login_required
def my_work(request):
    _require(request, FIELD)
    user = request.user
    tickets = (
        selectors.tickets_visible_to(user)
        .filter(assignee=user, status__in=Ticket.OPEN_STATUSES)
        .select_related("site")
    )
    visits = (
        selectors.visits_visible_to(user)
        .filter(engineer=user)
        .exclude(status__in=[Visit.Status.COMPLETED, Visit.Status.CANCELLED])
        .select_related("ticket__site")
    )
    return render(request, "tickets/my_work.html", {"tickets": tickets, "visits": visits})


@login_required
def archive(request):
    qs = (
        selectors.tickets_visible_to(request.user)
        .filter(status=Ticket.Status.CLOSED)
        .select_related("site", "equipment")
        .prefetch_related("visits")
    )
    extra = {}
    if request.user.is_customer:
        # The organisation's equipment availability over the last 90 days (two queries).
        end = timezone.now()
        units = equipment_visible_to(request.user)
        extra["availability"] = availability_summary(units, end - ARCHIVE_AVAILABILITY, end)
    return _listing(request, qs, "tickets/archive.html", title=_("Service archive"), **extra)


@login_required
def visit_list(request):
    _require(request, set(User.STAFF_ROLES))
    visits = selectors.visits_visible_to(request.user).select_related("ticket__site", "engineer")
    return render(request, "tickets/visit_list.html", {"page": _page(request, visits)})


@login_required
def ticket_create(request):
    user = request.user
    _require(request, set(User.CUSTOMER_ROLES) | DISPATCH)
    form = ReportForm(
        request.POST or None, request.FILES or None, user=user, initial=_unit_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            ticket = _file_report(user, form.cleaned_data)
        except (ServiceError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(
                request, _("Fault report %(number)s received.") % {"number": ticket.number}
            )
            return redirect("tickets:detail", ticket.pk)
    return render(request, "tickets/ticket_form.html", {"form": form})


@transaction.atomic
def _file_report(user, data) -> Ticket:
    """The ticket and all its files, or nothing: a file the storage refuses rolls the
    report back, so sending the corrected form does not file a duplicate."""
    channel = Ticket.Channel.PORTAL if user.is_customer else Ticket.Channel.PHONE
    ticket = services.ticket_create(
        actor=user,
        organization=data["organization"],
        site=data["site"],
        equipment=data["equipment"],
        kind=data["kind"],
        title=data["title"],
        description=data["description"],
        impact=data["impact"],
        urgency=data["urgency"],
        channel=channel,
        contact_name=data.get("contact_name", ""),
        contact_phone=data.get("contact_phone", ""),
    )
    for upload in data.get("files") or []:
        services.attachment_add(ticket=ticket, uploaded_by=user, file=upload)
    return ticket


@login_required
def equipment_options(request):
    """The `<option>`s of the report form's equipment list for the chosen site (htmx)."""
    from assets.selectors import equipment_visible_to

    site = request.GET.get("site", "")
    units = equipment_visible_to(request.user).filter(site_id=int(site)) if site.isdigit() else []
    return render(request, "tickets/includes/equipment_options.html", {"units": units})


def _unit_initial(request) -> dict:
    """`?equipment=<id>` (the QR label of a unit): the unit and its site filled in."""
    from assets.selectors import equipment_visible_to

    value = request.GET.get("equipment", "")
    unit = (
        equipment_visible_to(request.user).filter(pk=int(value)).first()
        if value.isdigit()
        else None
    )
    if unit is None:
        return {}
    return {"equipment": unit.pk, "site": unit.site_id, "organization": unit.site.organization_id}


def _message(exc) -> str:
    return str(getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [str(exc)])))


@login_required
def ticket_detail(request, pk):
    user = request.user
    ticket = get_object_or_404(
        selectors.tickets_visible_to(user).select_related(
            "site", "equipment", "organization", "assignee", "reporter"
        ),
        pk=pk,
    )
    actions = allowed_actions(
        TICKET_TRANSITIONS, TICKET_ACTION_ROLES, status=ticket.status, role=user.role
    )
    language = translation.get_language() or ""
    canned = [
        {"title": r.title, "body": r.body_for(language)}
        for r in selectors.canned_replies_for(user).filter(active=True)
    ]
    context = {
        "ticket": ticket,
        "stream": selectors.conversation(user, ticket),
        "visits": selectors.visits_visible_to(user)
        .filter(ticket=ticket)
        .select_related("engineer"),
        "clocks": selectors.sla_clocks(ticket),
        "suggestions": (
            selectors.suggest_engineers(ticket, actor=user)
            if user.is_dispatch_role and ticket.status in Ticket.OPEN_STATUSES
            else []
        ),
        "action_forms": [(a, ticket_action_form(a, user, ticket=ticket)) for a in actions],
        "comment_form": CommentForm(),
        "attachment_form": AttachmentForm(),
        "canned_replies": canned,
    }
    return render(request, "tickets/ticket_detail.html", context)


@login_required
@require_POST
def ticket_action(request, pk, action):
    ticket = get_object_or_404(selectors.tickets_visible_to(request.user), pk=pk)
    if action not in TICKET_SERVICES:
        raise Http404
    form = ticket_action_form(action, request.user, request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Please check the form: %(errors)s") % {"errors": _form_errors(form)}
        )
        return redirect("tickets:detail", ticket.pk)
    try:
        result = TICKET_SERVICES[action](ticket=ticket, actor=request.user, **form.cleaned_data)
    except (ServiceError, ValidationError) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": action_label(action)})
        if isinstance(result, Visit):
            return redirect("tickets:visit_detail", result.pk)
    if not selectors.tickets_visible_to(request.user).filter(pk=ticket.pk).exists():
        return redirect("tickets:list")  # e.g. escalated away from this engineer
    return redirect("tickets:detail", ticket.pk)


def _form_errors(form) -> str:
    """The errors as a reader sees them: each field's label, never its internal name
    (or "None" for a field without one)."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and field.label else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


@login_required
@require_POST
def comment_add(request, pk):
    ticket = get_object_or_404(selectors.tickets_visible_to(request.user), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        internal = form.cleaned_data["internal"] and request.user.is_staff_role
        try:
            services.comment_add(
                ticket=ticket,
                author=request.user,
                body=form.cleaned_data["body"],
                internal=internal,
            )
        except (ServiceError, ValidationError) as exc:
            messages.error(request, _message(exc))
    else:
        messages.error(request, _form_errors(form))
    return redirect("tickets:detail", ticket.pk)


@login_required
@require_POST
def attachment_add(request, pk):
    ticket = get_object_or_404(selectors.tickets_visible_to(request.user), pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                ticket=ticket, uploaded_by=request.user, file=form.cleaned_data["file"]
            )
        except (ServiceError, ValidationError) as exc:
            messages.error(request, _message(exc))
    else:
        messages.error(request, _form_errors(form))
    return redirect("tickets:detail", ticket.pk)


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(selectors.attachments_visible_to(request.user), pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
def attachment_preview(request, pk):
    """A photo shown in the conversation (inline, images only; other files download)."""
    attachment = get_object_or_404(
        selectors.attachments_visible_to(request.user).filter(
            content_type__in=selectors.IMAGE_TYPES
        ),
        pk=pk,
    )
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def report_pdf(request, pk):
    ticket = get_object_or_404(selectors.tickets_visible_to(request.user), pk=pk)
    return documents.ticket_report_response(ticket, user=request.user)


@login_required
def confirmation_pdf(request, pk):
    visit = get_object_or_404(selectors.visits_visible_to(request.user), pk=pk)
    return documents.visit_confirmation_response(visit, user=request.user)


@login_required
def visit_detail(request, pk):
    user = request.user
    visit = get_object_or_404(
        selectors.visits_visible_to(user).select_related("ticket__site", "engineer"), pk=pk
    )
    actions = allowed_actions(
        VISIT_TRANSITIONS, VISIT_ACTION_ROLES, status=visit.status, role=user.role
    )
    done = {p.phase: p for p in visit.phases.select_related("recorded_by")}
    next_phase = next((p for p in Visit.PHASE_ORDER if p not in done), None)
    phases = [
        {"phase": p, "label": Visit.Phase(p).label, "record": done.get(p), "next": p == next_phase}
        for p in Visit.PHASE_ORDER
    ]
    buttons = [
        (a, visit_action_form(a, visit))
        for a in actions
        if a in {"depart", "check-in", "complete", "cancel"}
    ]
    context = {
        "visit": visit,
        "ticket": visit.ticket,
        "phases": phases,
        "next_phase": next_phase,
        "can_phase": "phase" in actions,
        "can_sign": "sign" in actions and not visit.signed_at,
        "phase_form": visit_action_form("phase", visit),
        "sign_form": visit_action_form("sign", visit),
        "buttons": buttons,
    }
    return render(request, "tickets/visit_detail.html", context)


def typed_signature(name: str):
    """The typed name drawn as the signature image (a CJK font where installed)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (600, 160), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype(CJK_FONT, 56)
    except OSError:
        font = ImageFont.load_default(size=48)
    draw.text((20, 50), name.strip()[:40], fill="black", font=font)
    draw.line((20, 130, 580, 130), fill="black", width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("signature.png", buffer.getvalue(), content_type="image/png")


CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _signature_file(data_url: str):
    match = DATA_URL.match(data_url.strip())
    if not match:
        raise ServiceError(_("Draw the signature first."), field="signature")
    try:
        content = base64.b64decode(match["data"])
    except (binascii.Error, ValueError) as exc:
        raise ServiceError(_("The signature could not be read."), field="signature") from exc
    return SimpleUploadedFile("signature.png", content, content_type=match["type"])


@login_required
@require_POST
def visit_action(request, pk, action):
    visit = get_object_or_404(selectors.visits_visible_to(request.user), pk=pk)
    if action not in VISIT_SERVICES:
        raise Http404
    form = visit_action_form(action, visit, request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Please check the form: %(errors)s") % {"errors": _form_errors(form)}
        )
        return redirect("tickets:visit_detail", visit.pk)
    data = dict(form.cleaned_data)
    data.pop("confirm", None)
    try:
        if action == "sign" and data.pop("typed", False):
            data["signature"] = typed_signature(data["signer_name"])
        elif action == "sign":
            data["signature"] = _signature_file(data["signature"])
        VISIT_SERVICES[action](visit=visit, actor=request.user, **data)
    except (ServiceError, ValidationError) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": action_label(action, visit=True)}
        )
    return redirect(reverse("tickets:visit_detail", args=[visit.pk]))


def home_section(request):
    """The home page's list of open reports (customers) or open work (staff)."""
    user = request.user
    qs = (
        selectors.tickets_visible_to(user)
        .filter(status__in=Ticket.OPEN_STATUSES)
        .select_related("site")
    )
    if user.role in FIELD:
        qs = qs.filter(assignee=user)
    return {"open_tickets": qs.order_by("-reported_at")[:10]}
