from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.errors import ServiceError

from . import selectors, services
from .forms import InboundRegisterForm
from .models import InboundEmail

PAGE_SIZE = 30
CHANGED = "notifications-changed"  # htmx event: the bell refreshes itself on it


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") in {"1", "true"}
    qs = selectors.notifications_for(request.user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_GET
def bell(request):
    return render(request, "notifications/includes/bell_badge.html",
                  {"unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.notification_mark_read(notification=notification, actor=request.user)
    if request.htmx:
        response = render(request, "notifications/includes/row.html", {"n": notification})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_GET
def open_notification(request, pk):
    """Follow a notification's link; following it marks it read."""
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.notification_mark_read(notification=notification, actor=request.user)
    url = services.target_url(notification)
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:list")


# --- the dispatchers' registration queue for inbound e-mail -----------------------
def _dispatch_only(user):
    if not (user.is_admin_role or user.role in selectors.DISPATCH_ROLES):
        raise PermissionDenied


@login_required
@require_GET
def inbound_list(request):
    _dispatch_only(request.user)
    show_all = request.GET.get("status") == "all"
    qs = selectors.inbound_visible_to(request.user)
    if not show_all:
        qs = qs.filter(status=InboundEmail.Status.PENDING).order_by("received_at", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(inbound, InboundRegisterForm(user=request.user, prefix=f"m{inbound.pk}",
                                          initial={"title": inbound.subject[:200]}))
            if inbound.status == InboundEmail.Status.PENDING else (inbound, None) for inbound in page]
    return render(request, "notifications/inbound_list.html",
                  {"page": page, "rows": rows, "show_all": show_all})


@login_required
@require_POST
def inbound_register(request, pk):
    _dispatch_only(request.user)
    inbound = get_object_or_404(selectors.inbound_visible_to(request.user), pk=pk)
    form = InboundRegisterForm(request.POST, user=request.user, prefix=f"m{inbound.pk}")
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}")
        return redirect("notifications:inbound")
    try:
        ticket = services.inbound_register(inbound=inbound, actor=request.user, **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:inbound")
    messages.success(request, _("Registered as fault report %(number)s.") % {"number": ticket.number})
    return redirect("notifications:inbound")


@login_required
@require_POST
def inbound_discard(request, pk):
    _dispatch_only(request.user)
    inbound = get_object_or_404(selectors.inbound_visible_to(request.user), pk=pk)
    try:
        services.inbound_discard(inbound=inbound, actor=request.user, note=request.POST.get("note", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The e-mail was discarded."))
    return redirect("notifications:inbound")


@login_required
@require_GET
def inbound_raw(request, pk):
    """The original message (.eml) for a dispatcher to inspect."""
    _dispatch_only(request.user)
    inbound = get_object_or_404(selectors.inbound_visible_to(request.user), pk=pk)
    if not inbound.raw:
        return HttpResponse(status=404)
    with inbound.raw.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{inbound.pk}.eml"'
    return response
