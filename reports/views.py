"""The operation reports' pages: the list (the customer's archive of monthly and
quarterly reports; staff see those of the organisations they serve), a manager's
form for a report of any period, the job's page with its progress (polled with htmx
while it builds) and the PDF."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import MANAGERS
from accounts.selectors import organizations_visible_to
from servicedesk.api.permissions import has_role
from servicedesk.errors import ServiceError
from servicedesk.pdf import pdf_response

from . import services
from .models import OperationReport
from .selectors import reports_visible_to


class RequestForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Organisation"))
    start = forms.DateField(
        label=gettext_lazy("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("Period to (included)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_visible_to(user)
        if not self.is_bound:
            start, end = services.last_month(timezone.localdate())
            self.initial.update({"start": start, "end": end})


@login_required
def report_list(request):
    reports = reports_visible_to(request.user)
    page = Paginator(reports, 30).get_page(request.GET.get("page"))
    form = RequestForm(user=request.user) if has_role(request.user, MANAGERS) else None
    return render(request, "reports/list.html", {"page": page, "form": form})


@login_required
@require_POST
def report_generate(request):
    if not has_role(request.user, MANAGERS):
        raise PermissionDenied
    form = RequestForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            report = services.report_request(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("reports:detail", report.pk)
    else:
        messages.error(request, _("Check the organisation and the period."))
    return redirect("reports:list")


@login_required
def report_detail(request, pk):
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    template = "reports/_progress.html" if request.htmx else "reports/detail.html"
    return render(request, template, {"report": report})


@login_required
def report_pdf(request, pk):
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if report.status != OperationReport.Status.DONE or not report.pdf:
        raise Http404
    with report.pdf.open("rb") as handle:
        return pdf_response(handle.read(), services.report_filename(report))
