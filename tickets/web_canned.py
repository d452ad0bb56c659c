"""Canned replies, kept by managers: a list, a form to add one and to change one.
Staff insert them on the ticket page (tickets/ticket_detail.html)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from servicedesk.api.permissions import has_role
from servicedesk.errors import ServiceError

from . import selectors, services

MANAGERS = {User.Role.MANAGER, User.Role.ADMIN}


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    body_en = forms.CharField(
        label=gettext_lazy("Text in English"), widget=forms.Textarea(attrs={"rows": 4})
    )
    body_zh_hans = forms.CharField(
        label=gettext_lazy("Text in Chinese"), widget=forms.Textarea(attrs={"rows": 4})
    )
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)


def _require(request):
    if not has_role(request.user, MANAGERS):
        raise Http404


@login_required
def canned_list(request, pk=None):
    """The list, with the form below it: empty to add one, or filled to change `pk`."""
    _require(request)
    replies = selectors.canned_replies_for(request.user)
    reply = get_object_or_404(replies, pk=pk) if pk else None
    initial = (
        {
            "title": reply.title,
            "body_en": reply.body_en,
            "body_zh_hans": reply.body_zh_hans,
            "active": reply.active,
        }
        if reply
        else None
    )
    form = CannedReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.canned_reply_save(actor=request.user, reply=reply, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(getattr(exc, "field", None) or None, str(exc.message))
        else:
            messages.success(request, _("Canned reply “%(title)s” saved.") % {"title": saved.title})
            return redirect("tickets:canned_list")
    context = {"replies": replies, "form": form, "reply": reply}
    return render(request, "tickets/canned_list.html", context)
