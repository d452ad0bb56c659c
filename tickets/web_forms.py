"""Forms of the ticket pages: the fault report, comments, uploads, and one small form
per state-machine action (the same inputs the API's action serializers take)."""

import mimetypes
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.selectors import organizations_visible_to
from assets.selectors import equipment_visible_to, sites_visible_to
from servicedesk.errors import ServiceError

from .models import Ticket, Visit
from .selectors import engineer_workload, suggest_assignee
from .services.uploads import check_upload

PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")
MAX_REPORT_FILES = 10


# The usual name endings of the accepted types, as people know them (mimetypes would
# also list .bat, .c, .ksh … for text/plain).
USUAL_EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    "text/plain": (".txt", ".log"),
    "text/csv": (".csv",),
    "application/zip": (".zip",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "message/rfc822": (".eml",),
}


def allowed_extensions() -> list[str]:
    """The file name endings the upload check accepts, for the field's hint and the
    browser's `accept` filter."""
    found = []
    for content_type in sorted(settings.ALLOWED_UPLOAD_TYPES):
        usual = USUAL_EXTENSIONS.get(content_type)
        if usual is None:
            guessed = mimetypes.guess_extension(content_type)
            usual = (guessed,) if guessed else ()
        found.extend(ext for ext in usual if ext not in found)
    return sorted(found)


def upload_help() -> str:
    return _("Allowed: %(types)s; up to %(size)s each.") % {
        "types": ", ".join(ext.lstrip(".") for ext in allowed_extensions()),
        "size": filesizeformat(settings.MAX_UPLOAD_SIZE),
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked as every upload is (type, size,
    content) while the form validates, before anything is saved."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_REPORT_FILES:
            raise ValidationError(
                _("At most %(n)d files per report.") % {"n": MAX_REPORT_FILES}, code="too_many"
            )
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                check_upload(upload)
            except ServiceError as exc:
                errors.append(
                    ValidationError(
                        _("%(name)s: %(reason)s") % {"name": upload.name, "reason": exc.message}
                    )
                )
        if errors:
            raise ValidationError(errors)
        return cleaned


class ReportForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organization.objects.none()
    )
    site = forms.ModelChoiceField(label=_("site"), queryset=None)
    equipment = forms.ModelChoiceField(label=_("equipment"), queryset=None, required=False)
    kind = forms.ChoiceField(
        label=_("kind"), choices=Ticket.Kind.choices, initial=Ticket.Kind.FAULT
    )
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("symptom"), widget=forms.Textarea(attrs={"rows": 4}))
    impact = forms.CharField(
        label=_("impact scope"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    urgency = forms.ChoiceField(
        label=_("customer urgency"), choices=Ticket.Urgency.choices, initial=Ticket.Urgency.MEDIUM
    )
    contact_name = forms.CharField(label=_("caller's name"), max_length=200)
    contact_phone = forms.CharField(
        label=_("caller's phone"),
        max_length=50,
        help_text=_("Digits, spaces, +, - and brackets, e.g. +86 21 5555 0101."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    files = MultipleFileField(label=_("photos and files"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_visible_to(user)
        self.fields["equipment"].queryset = self._equipment_choices(user)
        self.fields["files"].help_text = upload_help()
        self.fields["files"].widget.attrs["accept"] = ",".join(allowed_extensions())
        if user.is_customer:
            del self.fields["organization"]
            del self.fields["contact_name"]
            del self.fields["contact_phone"]
        else:
            self.fields["organization"].queryset = organizations_visible_to(user)
        # The equipment list follows the chosen site (htmx swaps its options).
        self.fields["site"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("tickets:equipment_options"),
                "hx-target": "#id_equipment",
                "hx-trigger": "change",
            }
        )

    def _equipment_choices(self, user):
        """The units of the chosen site only (none until a site is chosen)."""
        units = equipment_visible_to(user)
        site = self.data.get(self.add_prefix("site")) or self.initial.get("site")
        site = getattr(site, "pk", site)
        if site in (None, "") or not str(site).isdigit():
            return units.none()
        return units.filter(site_id=int(site))

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        digits = re.sub(r"\D", "", phone)
        if not PHONE.match(phone) or not 5 <= len(digits) <= 20:
            raise ValidationError(
                _("Enter a phone number of 5 to 20 digits (spaces, +, - and brackets allowed).")
            )
        return phone

    def clean(self):
        data = super().clean()
        site, equipment = data.get("site"), data.get("equipment")
        organization = data.get("organization") or (site.organization if site else None)
        if site and organization and site.organization_id != organization.pk:
            self.add_error("site", _("The site does not belong to the organisation."))
        if site and equipment and equipment.site_id != site.pk:
            self.add_error("equipment", _("The equipment is not at this site."))
        data["organization"] = organization
        return data


class CommentForm(forms.Form):
    body = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(label=_("internal (hidden from the customer)"), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Add a photo or file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help()
        self.fields["file"].widget.attrs["accept"] = ",".join(allowed_extensions())


def engineer_label(engineer) -> str:
    """An engineer as the assign lists show them: centre, open load, next due time."""
    profile = getattr(engineer, "engineer_profile", None)
    parts = [engineer.get_full_name() or engineer.username]
    if profile is not None:
        parts.append(str(profile.service_center))
    load = getattr(engineer, "open_load", None)
    if load is not None:
        parts.append(_("%(n)d open") % {"n": load})
    due = getattr(engineer, "next_due_at", None)
    if due is not None:
        parts.append(
            _("next due %(at)s")
            % {"at": date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT")}
        )
    return " · ".join(str(p) for p in parts)


class _FetchedChoices(forms.models.ModelChoiceIterator):
    """The options from the queryset's rows as fetched (one query however many forms
    and renderings share the queryset): the default iterator runs the query again on
    every rendering. Validation still asks the database (`queryset.get`)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class EngineerChoiceField(forms.ModelChoiceField):
    iterator = _FetchedChoices

    def _set_queryset(self, queryset):
        # The default setter clones the queryset (`.all()`), which drops fetched rows.
        self._queryset = queryset
        self.widget.choices = self.choices

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self.queryset  # the same fetched rows, a fresh iterator
        return result

    def label_from_instance(self, obj):
        return engineer_label(obj)


def workload_of(user):
    """`engineer_workload(user)`, fetched once per request (kept on the request's user)."""
    engineers = getattr(user, "_engineer_workload", None)
    if engineers is None:
        engineers = engineer_workload(user)
        len(engineers)  # fetch the rows now
        user._engineer_workload = engineers
    return engineers


def _engineer_field(user, label, *, ticket=None, required=True):
    """Engineers with their centre and load; the least-loaded one of the ticket site's
    centre chosen in advance and marked."""
    engineers = workload_of(user)
    field = EngineerChoiceField(label=label, queryset=engineers, required=required)
    if ticket is not None:
        suggestion = suggest_assignee(list(engineers), ticket)
        if suggestion is not None:
            field.initial = suggestion.pk
            field.help_text = _("Suggested: %(name)s, the least loaded of %(centre)s.") % {
                "name": suggestion.get_full_name() or suggestion.username,
                "centre": suggestion.engineer_profile.service_center,
            }
    return field


def ticket_action_form(action: str, user, data=None, *, ticket=None) -> forms.Form:
    """The inputs of one ticket action, as a form; an action without inputs gets an
    empty form (it only needs the POST)."""
    fields: dict[str, forms.Field] = {}
    text = forms.CharField
    if action == "triage":
        fields["severity"] = forms.ChoiceField(label=_("severity"), choices=Ticket.Severity.choices)
        fields["assignee"] = _engineer_field(user, _("assignee"), ticket=ticket, required=False)
    elif action == "assign":
        fields["assignee"] = _engineer_field(user, _("assignee"), ticket=ticket)
    elif action == "dispatch":
        fields["engineer"] = _engineer_field(user, _("engineer"), ticket=ticket)
        fields["scheduled_for"] = forms.DateTimeField(
            label=_("scheduled for"),
            required=False,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            input_formats=["%Y-%m-%dT%H:%M"],
        )
    elif action in {"respond", "resume"}:
        fields["note"] = text(label=_("note"), required=False)
    elif action in {"wait-customer", "escalate", "reopen", "cancel"}:
        fields["reason"] = text(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    elif action == "resolve":
        fields["resolution"] = forms.ChoiceField(
            label=_("resolution"), choices=Ticket.Resolution.choices
        )
        for name, label in (
            ("cause", _("cause")),
            ("solution", _("solution")),
            ("prevention", _("prevention")),
        ):
            fields[name] = text(label=label, widget=forms.Textarea(attrs={"rows": 2}))
    elif action == "follow-up":
        fields["recurred"] = forms.BooleanField(label=_("the fault recurred"), required=False)
        fields["satisfaction"] = forms.TypedChoiceField(
            label=_("satisfaction"),
            choices=[(i, i) for i in range(5, 0, -1)],
            coerce=int,
            required=False,
            empty_value=None,
        )
        fields["note"] = text(label=_("note"), required=False)
    form_class = type("TicketActionForm", (forms.Form,), fields)
    return form_class(data, prefix=action)


def visit_action_form(action: str, visit: Visit, data=None) -> forms.Form:
    fields: dict[str, forms.Field] = {}
    if action == "check-in":
        fields["latitude"] = forms.DecimalField(
            required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6
        )
        fields["longitude"] = forms.DecimalField(
            required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6
        )
    elif action == "phase":
        fields["phase"] = forms.ChoiceField(choices=Visit.Phase.choices, widget=forms.HiddenInput)
        fields["notes"] = forms.CharField(
            label=_("notes"), widget=forms.Textarea(attrs={"rows": 2})
        )
    elif action == "sign":
        fields["signer_name"] = forms.CharField(label=_("signed by"), max_length=200)
        # Drawn on the pad, or (who cannot draw: a screen reader, no touch) the typed
        # name stands as the signature (issue 16); the view checks that one is given.
        fields["signature"] = forms.CharField(
            label=_("signature"), widget=forms.HiddenInput, required=False
        )
        fields["typed"] = forms.BooleanField(
            label=_("Sign with the typed name instead of drawing"), required=False
        )
    elif action == "complete":
        fields["work_summary"] = forms.CharField(
            label=_("work done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    elif action == "cancel":
        fields["reason"] = forms.CharField(label=_("reason"), required=False)
        # A cancelled visit cannot be taken back: the engineer ticks a box first.
        fields["confirm"] = forms.BooleanField(
            label=_("Yes, cancel this visit"),
            error_messages={"required": _("Tick the box to confirm the cancellation.")},
        )
    form_class = type("VisitActionForm", (forms.Form,), fields)
    return form_class(data, prefix=action)


def site_label(site) -> str:
    return f"{site.organization} · {site.name}"


class InboundRegisterForm(forms.Form):
    """A dispatcher files a queued e-mail under an organisation and one of its sites."""

    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Ticket.Kind.choices, initial=Ticket.Kind.FAULT
    )
    urgency = forms.ChoiceField(
        label=_("Customer urgency"), choices=Ticket.Urgency.choices, initial=Ticket.Urgency.MEDIUM
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_visible_to(user)
        self.fields["site"].queryset = sites_visible_to(user)
        self.fields["site"].label_from_instance = site_label

    def clean(self):
        data = super().clean()
        organization, site = data.get("organization"), data.get("site")
        if organization and site and site.organization_id != organization.pk:
            self.add_error("site", _("The site does not belong to the organisation."))
        return data
