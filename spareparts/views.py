"""Spare-parts pages for service staff. Same selectors (scope → 404) and services
as the API; customers only ever see parts used, on their visits' pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import DISPATCH, FIELD_STAFF, MANAGERS, STAFF
from servicedesk.api.permissions import has_role
from servicedesk.errors import ServiceError

from . import selectors, services
from .api.csv import MOVEMENT_COLUMNS, STOCK_COLUMNS, csv_response
from .forms import PartQuantityForm, ProcurementForm, TransferForm
from .models import ProcurementRequest

PAGE_SIZE = 50


def _require(request, roles):
    if not has_role(request.user, roles):
        raise Http404


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _filtered_stock(request):
    stock = selectors.stock_visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        stock = stock.filter(Q(part__sku__icontains=query) | Q(part__name__icontains=query))
    room = request.GET.get("stockroom", "")
    if room.isdigit():
        stock = stock.filter(stockroom_id=int(room))
    if request.GET.get("low"):
        stock = selectors.low_stock(stock)
    return stock, query, room


@login_required
def stock_overview(request):
    _require(request, STAFF)
    stock, query, room = _filtered_stock(request)
    rooms = selectors.stockrooms_visible_to(request.user)
    return render(
        request,
        "spareparts/stock.html",
        {
            "page": _page(request, stock.order_by("stockroom__name", "part__sku")),
            "q": query,
            "room": room,
            "rooms": rooms,
            "low": bool(request.GET.get("low")),
            "query_string": request.GET.urlencode(),
        },
    )


@login_required
def stock_csv(request):
    _require(request, STAFF)
    stock, _query, _room = _filtered_stock(request)
    return csv_response(stock.order_by("stockroom__name", "part__sku"), STOCK_COLUMNS, "stock")


@login_required
def movements_csv(request):
    _require(request, STAFF)
    movements = selectors.movements_visible_to(request.user)
    if request.GET.get("part", "").isdigit():
        movements = movements.filter(part_id=int(request.GET["part"]))
    return csv_response(movements.order_by("-id"), MOVEMENT_COLUMNS, "movements")


@login_required
def part_detail(request, pk):
    _require(request, STAFF)
    part = get_object_or_404(selectors.parts_visible_to(request.user), pk=pk)
    stock = selectors.stock_visible_to(request.user).filter(part=part)
    movements = selectors.movements_visible_to(request.user).filter(part=part).order_by("-id")
    return render(
        request,
        "spareparts/part_detail.html",
        {
            "part": part,
            "stock": stock,
            "page": _page(request, movements),
        },
    )


@login_required
def transfer_list(request):
    _require(request, STAFF)
    user = request.user
    form = TransferForm(
        request.POST or None,
        parts=selectors.parts_visible_to(user),
        origins=selectors.stockrooms_visible_to(user),
        targets=selectors.stockrooms_reachable_by(user),
    )
    if request.method == "POST":
        _require(request, DISPATCH)
        if form.is_valid():
            try:
                services.transfer_ship(actor=user, **form.cleaned_data)
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Transfer shipped."))
                return redirect("spareparts:transfers")
    transfers = selectors.transfers_visible_to(user)
    status = request.GET.get("status", "shipped")
    if status:
        transfers = transfers.filter(status=status)
    return render(
        request,
        "spareparts/transfers.html",
        {
            "page": _page(request, transfers),
            "form": form,
            "status": status,
            "can_ship": has_role(user, DISPATCH),
            "can_receive": has_role(user, DISPATCH | FIELD_STAFF),
        },
    )


@login_required
@require_POST
def transfer_action(request, pk, action):
    if action not in ("receive", "cancel"):
        raise Http404
    roles = DISPATCH | FIELD_STAFF if action == "receive" else DISPATCH
    transfer = get_object_or_404(selectors.transfers_visible_to(request.user), pk=pk)
    _require(request, roles)
    call = services.transfer_receive if action == "receive" else services.transfer_cancel
    try:
        call(transfer=transfer, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Transfer received.") if action == "receive" else _("Transfer cancelled.")
        )
    return redirect("spareparts:transfers")


@login_required
def procurement_list(request):
    _require(request, DISPATCH)
    user = request.user
    form = ProcurementForm(
        request.POST or None,
        parts=selectors.parts_visible_to(user),
        stockrooms=selectors.stockrooms_visible_to(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.procurement_create(actor=user, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Procurement request raised."))
            return redirect("spareparts:procurement")
    requests = selectors.procurement_visible_to(user)
    status = request.GET.get("status", "open")
    if status == "open":
        requests = requests.filter(status__in=ProcurementRequest.OPEN_STATUSES)
    elif status in ProcurementRequest.Status.values:
        requests = requests.filter(status=status)
    page = _page(request, requests)
    for item in page:
        item.actions = services.allowed_actions(item)
    return render(
        request,
        "spareparts/procurement.html",
        {
            "page": page,
            "form": form,
            "status": status,
            "is_manager": has_role(user, MANAGERS),
            "stockrooms": selectors.stockrooms_visible_to(user),
        },
    )


@login_required
@require_POST
def procurement_action(request, pk, action):
    if action not in services.procurement.TRANSITIONS:
        raise Http404
    item = get_object_or_404(selectors.procurement_visible_to(request.user), pk=pk)
    _require(request, DISPATCH if action == "receive" else MANAGERS)
    try:
        if action == "order":
            services.procurement_order(request=item, actor=request.user)
        elif action == "receive":
            room = request.POST.get("stockroom", "")
            stockroom = (
                get_object_or_404(selectors.stockrooms_visible_to(request.user), pk=int(room))
                if room.isdigit()
                else None
            )
            services.procurement_receive(request=item, actor=request.user, stockroom=stockroom)
        else:
            services.procurement_cancel(
                request=item, actor=request.user, reason=request.POST.get("reason", "")
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Procurement request PR-%(n)d updated.") % {"n": item.pk})
    return redirect("spareparts:procurement")


# --- The "parts" step of the engineer's visit page -------------------------------


def _back(request, visit):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    try:
        return redirect("tickets:visit_detail", visit.pk)
    except NoReverseMatch:  # the visit page belongs to the tickets app; fall back to the stock page
        return redirect("spareparts:stock")


def _visit_post(request, pk):
    visit = get_object_or_404(selectors.visits_in_scope(request.user), pk=pk)
    _require(request, FIELD_STAFF | DISPATCH)
    form = PartQuantityForm(request.POST, parts=selectors.parts_visible_to(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a part and a quantity of at least 1."))
        return visit, None
    return visit, form.cleaned_data


def _procurement_confirmed(request, data, *, visit) -> bool:
    """A quantity no stockroom can give opens a procurement request: only when the
    form's box says so (a slip such as 9,999 is stopped here, nothing is booked)."""
    short = selectors.shortfall(part=data["part"], quantity=data["quantity"], visit=visit)
    if short == 0 or request.POST.get("confirm_procurement") == "on":
        return True
    messages.warning(
        request,
        _(
            "No stockroom has %(quantity)d × %(part)s: %(short)d would be ordered through a "
            "procurement request. Nothing was booked. To go ahead, tick “Open a procurement "
            "request if stock is short” and send again."
        )
        % {"quantity": data["quantity"], "part": data["part"].name, "short": short},
    )
    return False


def _run(request, call, success):
    try:
        result = call()
    except ServiceError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success(result))
    return result


@login_required
@require_POST
def visit_reserve(request, pk):
    visit, data = _visit_post(request, pk)
    if data and not _procurement_confirmed(request, data, visit=None):
        return _back(request, visit)
    if data:
        _run(
            request,
            lambda: services.parts_reserve(visit=visit, actor=request.user, **data),
            lambda r: _("Reserved %(quantity)d × %(part)s from %(stockroom)s.")
            % {"quantity": r.quantity, "part": r.part.name, "stockroom": r.stockroom.name},
        )
    return _back(request, visit)


@login_required
@require_POST
def visit_use(request, pk):
    visit, data = _visit_post(request, pk)
    if data and not _procurement_confirmed(request, data, visit=visit):
        return _back(request, visit)
    if data:
        # through the visit's own use case, so the ticket's timeline shows the parts too
        from tickets.services import visit_use_parts

        _run(
            request,
            lambda: visit_use_parts(visit=visit, actor=request.user, items=[data]),
            lambda movements: _("Recorded %(quantity)d × %(part)s as used.")
            % {"quantity": data["quantity"], "part": data["part"].name},
        )
    return _back(request, visit)


@login_required
@require_POST
def visit_return(request, pk):
    visit, data = _visit_post(request, pk)
    if data:
        _run(
            request,
            lambda: services.parts_return(visit=visit, actor=request.user, **data),
            lambda m: _("Returned %(quantity)d × %(part)s to %(stockroom)s.")
            % {"quantity": m.quantity, "part": data["part"].name, "stockroom": m.stockroom.name},
        )
    return _back(request, visit)


@login_required
@require_POST
def visit_release(request, pk):
    visit = get_object_or_404(selectors.visits_in_scope(request.user), pk=pk)
    _require(request, FIELD_STAFF | DISPATCH)
    _run(
        request,
        lambda: services.parts_release_for_visit(visit=visit, actor=request.user),
        lambda movements: _("Released %(n)d reservation(s).") % {"n": len(movements)},
    )
    return _back(request, visit)
