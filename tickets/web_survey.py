"""The one-page satisfaction survey: opened from the e-mail's signed link without
login, or by a signed-in customer from the ticket page."""

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from servicedesk.errors import Conflict, ServiceError

from .models import Ticket
from .selectors import tickets_visible_to
from .services import survey

SCORES = [
    (5, _("5 – very satisfied")),
    (4, _("4 – satisfied")),
    (3, _("3 – neutral")),
    (2, _("2 – dissatisfied")),
    (1, _("1 – very dissatisfied")),
]


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the repair?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def survey_page(request, pk):
    token = request.GET.get("token", "")
    if not token and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    ticket = get_object_or_404(Ticket if token else tickets_visible_to(request.user), pk=pk)
    form, error, done, code = SurveyForm(request.POST or None), "", False, 200
    try:
        round_ = survey.read_token(ticket, token) if token else survey.current_round(ticket)
        survey.check_open(ticket, round_)
        if survey.answer_for(ticket, round_) is not None:
            raise Conflict(_("This survey was answered already."))
        if request.method == "POST" and form.is_valid():
            actor = None if token else request.user
            survey.survey_answer(ticket=ticket, actor=actor, token=token, **form.cleaned_data)
            done = True
    except ServiceError as exc:
        error, code = str(exc.message), exc.status_code
    context = {"ticket": ticket, "form": form, "error": error, "done": done}
    return render(request, "tickets/survey.html", context, status=code)
