"""The hotline screen (issue 18): while the caller talks, the dispatcher types the
number and sees (htmx) who it is — organisation, sites, equipment, recent reports —
then registers and triages the report with one submit, well inside the 15 minutes."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.selectors import engineers_of
from assets.selectors import equipment_visible_to, sites_visible_to
from servicedesk.errors import ServiceError

from . import selectors, services
from .models import Ticket
from .web import DISPATCH, _require


class HotlineForm(forms.Form):
    contact_phone = forms.CharField(label=gettext_lazy("Caller's number"), max_length=50)
    contact_name = forms.CharField(
        label=gettext_lazy("Caller's name"), max_length=200, required=False
    )
    site = forms.ModelChoiceField(label=gettext_lazy("Site"), queryset=None)
    equipment = forms.ModelChoiceField(
        label=gettext_lazy("Equipment"), queryset=None, required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=Ticket.Kind.choices, initial=Ticket.Kind.FAULT
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Symptom"), widget=forms.Textarea(attrs={"rows": 3})
    )
    impact = forms.CharField(label=gettext_lazy("Impact scope"), required=False)
    urgency = forms.ChoiceField(
        label=gettext_lazy("Customer urgency"),
        choices=Ticket.Urgency.choices,
        initial=Ticket.Urgency.MEDIUM,
    )
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=Ticket.Severity.choices)
    assignee = forms.ModelChoiceField(label=gettext_lazy("Engineer"), queryset=None, required=False)
    call_started = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_visible_to(user)
        self.fields["equipment"].queryset = equipment_visible_to(user)
        self.fields["assignee"].queryset = engineers_of(user)

    def clean(self):
        data = super().clean()
        site, equipment = data.get("site"), data.get("equipment")
        if site and equipment and equipment.site_id != site.pk:
            self.add_error("equipment", _("The equipment is not at this site."))
        return data


def _suggested(user, site):
    """Engineers for the site's first report: its contract's team first."""
    if site is None:
        return []
    return selectors.suggest_engineers(Ticket(site=site), actor=user)


@login_required
def hotline(request):
    _require(request, DISPATCH)
    user = request.user
    form = HotlineForm(
        request.POST or None, user=user, initial={"call_started": timezone.now().isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_register_call(actor=user, **data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            minutes = max(0, int((ticket.triaged_at - ticket.reported_at).total_seconds() // 60))
            messages.success(
                request,
                _("%(number)s registered and triaged %(minutes)d min after the call began.")
                % {"number": ticket.number, "minutes": minutes},
            )
            return redirect("tickets:detail", ticket.pk)
    phone = form["contact_phone"].value() or ""
    caller = selectors.caller_lookup(user, phone) if phone else None
    context = _caller_context(user, caller, request.POST)
    return render(request, "tickets/hotline.html", {"form": form, **context})


def _caller_context(user, caller, selected=None):
    """The fragment's choices: the caller's sites and equipment (all sites when the
    number is unknown), the engineers with the site's team first."""
    selected = selected or {}
    if caller and caller["sites"]:
        sites, equipment = caller["sites"], caller["equipment"]
    else:
        sites, equipment = list(sites_visible_to(user).order_by("organization__name", "name")), []
    chosen = next((s for s in sites if str(s.pk) == selected.get("site")), None)
    site = chosen or (sites[0] if caller and sites else None)
    suggested = _suggested(user, site)
    first = {u.pk for u in suggested}
    everyone = selectors.with_open_load(engineers_of(user)).order_by("open_load", "username")
    others = [u for u in everyone if u.pk not in first]
    return {
        "caller": caller,
        "sites": sites,
        "equipment": equipment,
        "engineers": suggested + others,
        "selected_site": str(site.pk) if site else "",
        "selected_equipment": selected.get("equipment", ""),
        "selected_assignee": selected.get("assignee")
        or (str(suggested[0].pk) if suggested else ""),
    }


@login_required
@require_GET
def lookup(request):
    """The htmx fragment: who is calling from this number."""
    _require(request, DISPATCH)
    caller = selectors.caller_lookup(request.user, request.GET.get("contact_phone", ""))
    return render(
        request, "tickets/includes/hotline_caller.html", _caller_context(request.user, caller)
    )
