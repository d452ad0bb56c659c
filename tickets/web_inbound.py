"""The dispatchers' registration queue of inbound e-mail: messages from senders the
system does not know, registered as a fault report or discarded (the rules are in
tickets.services.inbound)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.errors import ServiceError

from . import selectors
from .models import InboundEmail
from .services import inbound as inbound_services
from .web_forms import InboundRegisterForm

PAGE_SIZE = 30


def _dispatch_only(user):
    if not user.is_dispatch_role:
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
    rows = [
        (
            inbound,
            InboundRegisterForm(
                user=request.user, prefix=f"m{inbound.pk}", initial={"title": inbound.subject[:200]}
            ),
        )
        if inbound.status == InboundEmail.Status.PENDING
        else (inbound, None)
        for inbound in page
    ]
    return render(
        request, "tickets/inbound_list.html", {"page": page, "rows": rows, "show_all": show_all}
    )


@login_required
@require_POST
def inbound_register(request, pk):
    _dispatch_only(request.user)
    inbound = get_object_or_404(selectors.inbound_visible_to(request.user), pk=pk)
    form = InboundRegisterForm(request.POST, user=request.user, prefix=f"m{inbound.pk}")
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
        return redirect("tickets:inbound")
    try:
        ticket = inbound_services.inbound_register(
            inbound=inbound, actor=request.user, **form.cleaned_data
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("tickets:inbound")
    messages.success(
        request, _("Registered as fault report %(number)s.") % {"number": ticket.number}
    )
    return redirect("tickets:inbound")


@login_required
@require_POST
def inbound_discard(request, pk):
    _dispatch_only(request.user)
    inbound = get_object_or_404(selectors.inbound_visible_to(request.user), pk=pk)
    try:
        inbound_services.inbound_discard(
            inbound=inbound, actor=request.user, note=request.POST.get("note", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The e-mail was discarded."))
    return redirect("tickets:inbound")


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
