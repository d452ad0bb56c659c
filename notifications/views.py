from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.errors import ServiceError

from . import ports, selectors, services
from .channels import endpoints
from .forms import EndpointForm, PreferencesForm
from .models import ChannelEndpoint

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
    return render(
        request,
        "notifications/includes/bell_badge.html",
        {"unread": selectors.unread_count(request.user)},
    )


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


# --- channels (issue 17): a user's own choices; admins' webhooks and group robots ---
DELIVERIES_PAGE_SIZE = 25


@login_required
def channel_preferences(request):
    """Every user: e-mail and SMS, for every event or the ticked ones."""
    chosen = {p.channel: p for p in selectors.channel_preferences_of(request.user)}
    form = PreferencesForm(
        request.POST or None, preferences=chosen, customer=request.user.is_customer
    )
    if request.method == "POST" and form.is_valid():
        endpoints.preferences_save(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification channels were saved."))
        return redirect("notifications:channels")
    return render(
        request,
        "notifications/channels.html",
        {"form": form, "phone": (getattr(request.user, "phone", "") or "").strip()},
    )


def _require_admin(request) -> None:
    if not request.user.is_admin_role:
        raise DjangoPermissionDenied


def _label_scopes(rows) -> None:
    """`scope_label` of each endpoint: where its events come from (names: one port call)."""
    scopes = ports.scope_choices()
    centres, organizations = dict(scopes["centres"]), dict(scopes["organizations"])
    for endpoint in rows:
        parts = []
        if endpoint.service_center_id:
            name = centres.get(endpoint.service_center_id, endpoint.service_center_id)
            parts.append(_("service centre %(name)s") % {"name": name})
        if endpoint.organization_id:
            name = organizations.get(endpoint.organization_id, endpoint.organization_id)
            parts.append(_("organisation %(name)s") % {"name": name})
        endpoint.scope_label = " · ".join(parts) or _("everywhere")


@login_required
@require_GET
def endpoint_list(request):
    _require_admin(request)
    rows = selectors.endpoints_with_failures()
    _label_scopes(rows)
    return render(request, "notifications/endpoint_list.html", {"endpoints": rows})


def _save_endpoint(request, form, endpoint=None):
    try:
        saved = endpoints.endpoint_save(actor=request.user, endpoint=endpoint, **form.values())
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return None
    messages.success(request, _("Saved."))
    return redirect("notifications:endpoint_detail", pk=saved.pk)


@login_required
def endpoint_create(request):
    _require_admin(request)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _save_endpoint(request, form)
        if response is not None:
            return response
    return render(
        request,
        "notifications/endpoint_form.html",
        {"form": form, "title": _("New webhook or robot")},
    )


@login_required
def endpoint_detail(request, pk):
    """The endpoint's form, its deliveries (retry a failed one) and its history."""
    _require_admin(request)
    endpoint = get_object_or_404(ChannelEndpoint, pk=pk)
    form = EndpointForm(request.POST or None, endpoint=endpoint)
    if request.method == "POST" and form.is_valid():
        response = _save_endpoint(request, form, endpoint)
        if response is not None:
            return response
    deliveries = Paginator(endpoints.deliveries_of(endpoint), DELIVERIES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "form": form,
            "page": deliveries,
            "history": selectors.endpoint_history(endpoint),
            "title": str(endpoint),
        },
    )


@login_required
@require_POST
def delivery_retry(request, pk, delivery_pk):
    _require_admin(request)
    endpoint = get_object_or_404(ChannelEndpoint, pk=pk)
    delivery = get_object_or_404(endpoints.deliveries_of(endpoint), pk=delivery_pk)
    try:
        endpoints.delivery_retry(actor=request.user, endpoint=endpoint, delivery=delivery)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect("notifications:endpoint_detail", pk=endpoint.pk)


@login_required
@require_POST
def endpoint_delete(request, pk):
    _require_admin(request)
    endpoint = get_object_or_404(ChannelEndpoint, pk=pk)
    endpoints.endpoint_delete(actor=request.user, endpoint=endpoint)
    messages.success(request, _("Deleted."))
    return redirect("notifications:endpoint_list")
