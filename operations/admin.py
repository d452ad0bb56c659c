"""Personal-data requests in the admin: two actions on the user list (export one
person's data as a zip; anonymise people after a confirmation page) and the audit."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.admin import ReadOnlyAdminMixin

from .models import PersonalDataRequest
from .personal_data import anonymise_person, export_person


def _refused(modeladmin, request) -> bool:
    """True (with a message) unless an administrator asks: only they see personal data."""
    if getattr(request.user, "is_admin_role", False):
        return False
    modeladmin.message_user(request, _("Only administrators handle personal data."), messages.ERROR)
    return True


@admin.action(description=gettext_lazy("Export personal data (zip)"))
def export_personal_data(modeladmin, request, queryset):
    if _refused(modeladmin, request):
        return None
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Select exactly one person to export."), messages.ERROR)
        return None
    person = queryset.get()
    response = HttpResponse(
        export_person(user=person, actor=request.user), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="personal-data-{person.pk}.zip"'
    return response


@admin.action(description=gettext_lazy("Anonymise (irreversible)…"))
def anonymise_people(modeladmin, request, queryset):
    if _refused(modeladmin, request):
        return None
    people = list(queryset.exclude(pk=request.user.pk))
    if request.POST.get("confirm") == "yes":
        for person in people:
            anonymise_person(user=person, actor=request.user)
        modeladmin.message_user(
            request, _("%(count)d people anonymised.") % {"count": len(people)}, messages.SUCCESS
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "people": people,
        "title": _("Anonymise people"),
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/operations/confirm_anonymise.html", context)


def attach_user_actions(site=admin.site):
    """Adds the two actions to the user admin registered by the accounts app."""
    model_admin = site.get_model_admin(get_user_model())
    actions = list(model_admin.actions or [])
    model_admin.actions = [*actions, export_personal_data, anonymise_people]


attach_user_actions()


@admin.register(PersonalDataRequest)
class PersonalDataRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "subject", "actor", "summary"]
    list_filter = ["kind"]
    list_select_related = ["subject", "actor"]
    date_hierarchy = "created_at"
