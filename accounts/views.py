from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import USER_ADMINS
from servicedesk.api.permissions import has_role
from servicedesk.errors import ServiceError

from . import services
from .forms import CustomerUserForm
from .selectors import users_visible_to


def _require_user_admin(request):
    if not has_role(request.user, USER_ADMINS):
        raise Http404


@login_required
def user_list(request):
    _require_user_admin(request)
    users = users_visible_to(request.user).order_by("username")
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
def user_create(request):
    _require_user_admin(request)
    form = CustomerUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            user = services.user_create(actor=request.user, **data)
        except (ServiceError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or exc.messages[0])
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_list")
    return render(request, "form_page.html", {"form": form, "title": _("New colleague")})
