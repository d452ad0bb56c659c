"""The upgrade assessment pages (issue 18): staff draft and propose, the customer reads
the assessment and its PDF and approves or declines it. Same selectors (scope → 404)
and services as the API."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assets.models import Equipment
from servicedesk.errors import ServiceError
from servicedesk.pdf import pdf_response
from tickets.selectors import tickets_visible_to

from . import selectors, services
from .models import UpgradeAssessment
from .transitions import ASSESSMENT_ACTION_ROLES, ASSESSMENT_TRANSITIONS, allowed_actions

ACTIONS = {
    "propose": (services.assessment_propose, gettext_lazy("Sent to the customer.")),
    "revise": (services.assessment_revise, gettext_lazy("Back in draft.")),
}


class AssessmentForm(forms.Form):
    equipment = forms.ModelChoiceField(
        label=gettext_lazy("Equipment"), queryset=Equipment.objects.none()
    )
    current_version = forms.CharField(
        label=gettext_lazy("Current version"), max_length=100, required=False
    )
    current_configuration = forms.CharField(
        label=gettext_lazy("Current configuration"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    target_version = forms.CharField(
        label=gettext_lazy("Proposed version"), max_length=100, required=False
    )
    proposal = forms.CharField(
        label=gettext_lazy("Proposal"), widget=forms.Textarea(attrs={"rows": 4})
    )
    risks = forms.CharField(
        label=gettext_lazy("Risks"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    downtime_hours = forms.DecimalField(
        label=gettext_lazy("Estimated downtime (hours)"),
        min_value=0,
        max_digits=6,
        decimal_places=1,
    )
    planned_for = forms.DateField(
        label=gettext_lazy("Planned for"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].queryset = Equipment.objects.filter(site_id=ticket.site_id)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["downtime_estimate"] = timedelta(hours=float(data.pop("downtime_hours")))
        return data


class QuoteLineForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300)
    quantity = forms.DecimalField(
        label=gettext_lazy("Quantity"), min_value=0, max_digits=10, decimal_places=2, initial=1
    )
    unit_price = forms.DecimalField(
        label=gettext_lazy("Unit price"), min_value=0, max_digits=12, decimal_places=2
    )
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, initial="CNY")


QuoteLineFormSet = forms.formset_factory(QuoteLineForm, extra=2, max_num=50)


def _assessment(request, pk) -> UpgradeAssessment:
    return get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk)


def _may_edit(user) -> bool:
    return user.is_admin_role or user.role in ASSESSMENT_ACTION_ROLES["edit"]


@login_required
def for_ticket(request, ticket_pk):
    """The ticket's assessment, or the form for a new one (staff)."""
    ticket = get_object_or_404(tickets_visible_to(request.user), pk=ticket_pk)
    existing = selectors.assessments_visible_to(request.user).filter(ticket=ticket).first()
    if existing is not None:
        return redirect("inspections:assessment_detail", pk=existing.pk)
    if not _may_edit(request.user):
        # The customer's link on an upgrade ticket: nothing to decide yet.
        return render(request, "inspections/assessments/pending.html", {"ticket": ticket})
    return _edit(request, ticket=ticket, assessment=None)


@login_required
def edit(request, pk):
    assessment = _assessment(request, pk)
    if not _may_edit(request.user):
        raise Http404
    return _edit(request, ticket=assessment.ticket, assessment=assessment)


def _initial(ticket, assessment) -> tuple[dict, list[dict]]:
    if assessment is None:
        unit = ticket.equipment
        return {
            "equipment": unit,
            "current_version": unit.firmware_version if unit else "",
        }, []
    initial = {name: getattr(assessment, name) for name in services.upgrades.FIELDS}
    initial["downtime_hours"] = round(assessment.downtime_hours, 1)
    lines = [
        {
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "currency": line.currency,
        }
        for line in assessment.lines.all()
    ]
    return initial, lines


def _edit(request, *, ticket, assessment):
    initial, line_initial = _initial(ticket, assessment)
    form = AssessmentForm(request.POST or None, ticket=ticket, initial=initial)
    lines = QuoteLineFormSet(request.POST or None, initial=line_initial, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        quote = [line.cleaned_data for line in lines if line.cleaned_data]
        try:
            if assessment is None:
                assessment = services.assessment_create(
                    actor=request.user, ticket=ticket, fields=form.service_fields(), lines=quote
                )
            else:
                services.assessment_update(
                    actor=request.user,
                    assessment=assessment,
                    fields=form.service_fields(),
                    lines=quote,
                )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("inspections:assessment_detail", pk=assessment.pk)
    return render(
        request,
        "inspections/assessments/form.html",
        {"form": form, "lines": lines, "ticket": ticket, "assessment": assessment},
    )


@login_required
def detail(request, pk):
    assessment = _assessment(request, pk)
    actions = allowed_actions(
        ASSESSMENT_TRANSITIONS, ASSESSMENT_ACTION_ROLES, assessment.status, request.user
    )
    return render(
        request,
        "inspections/assessments/detail.html",
        {
            "assessment": assessment,
            "ticket": assessment.ticket,
            "totals": assessment.totals(),
            "actions": actions,
        },
    )


@login_required
@require_POST
def action(request, pk, name):
    assessment = _assessment(request, pk)
    try:
        if name == "approve":
            services.assessment_approve(
                actor=request.user, assessment=assessment, note=request.POST.get("note", "")
            )
            messages.success(request, _("Thank you: the upgrade is approved and planned."))
        elif name == "decline":
            services.assessment_decline(
                actor=request.user, assessment=assessment, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The assessment is declined."))
        elif name in ACTIONS:
            call, success = ACTIONS[name]
            call(actor=request.user, assessment=assessment)
            messages.success(request, success)
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("inspections:assessment_detail", pk=pk)


@login_required
def pdf(request, pk):
    assessment = _assessment(request, pk)
    return pdf_response(
        services.render_assessment(assessment, language=request.LANGUAGE_CODE),
        services.assessment_filename(assessment),
    )
