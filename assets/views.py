from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import (
    availability_by_unit,
    contracts_visible_to,
    equipment_visible_to,
    sites_visible_to,
    teams_visible_to,
)

# The periods the equipment page shows, ending now.
AVAILABILITY_PERIODS = ((30, _("Last 30 days")), (365, _("Last 12 months")))

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def site_list(request):
    query = request.GET.get("q", "").strip()
    sites = sites_visible_to(request.user)
    if query:
        sites = sites.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(address__icontains=query)
        )
    return render(request, "assets/site_list.html", {"page": _page(request, sites), "q": query})


@login_required
def site_detail(request, pk):
    site = get_object_or_404(sites_visible_to(request.user), pk=pk)
    equipment = equipment_visible_to(request.user).filter(site=site)
    contracts = contracts_visible_to(request.user).filter(sites=site)
    return render(
        request,
        "assets/site_detail.html",
        {"site": site, "equipment": equipment, "contracts": contracts},
    )


@login_required
def equipment_list(request):
    query = request.GET.get("q", "").strip()
    units = equipment_visible_to(request.user)
    if query:
        units = units.filter(
            Q(name__icontains=query)
            | Q(serial_number__icontains=query)
            | Q(equipment_model__model_number__icontains=query)
            | Q(site__name__icontains=query)
        )
    return render(
        request, "assets/equipment_list.html", {"page": _page(request, units), "q": query}
    )


@login_required
def equipment_detail(request, pk):
    unit = get_object_or_404(equipment_visible_to(request.user), pk=pk)
    history = unit.history.select_related("history_user")[:20]
    now = timezone.now()
    periods = [
        {
            "name": label,
            **availability_by_unit([unit.pk], now - timedelta(days=days), now)[unit.pk].display(),
        }
        for days, label in AVAILABILITY_PERIODS
    ]
    return render(
        request,
        "assets/equipment_detail.html",
        {
            "unit": unit,
            "history": history,
            "periods": periods,
            "downtimes": unit.downtimes.all()[:10],
        },
    )


def home_section(request):
    """The home page's list of a customer's equipment, critical first (staff: none)."""
    user = request.user
    if not user.is_customer:
        return None
    return {"equipment": equipment_visible_to(user).order_by("-critical", "name")[:20]}


def team_section(request):
    """The home page's service-team contacts of a customer's contracts (staff: none)."""
    user = request.user
    if not user.is_customer:
        return None
    return {"teams": list(teams_visible_to(user).order_by("contract__number"))}
