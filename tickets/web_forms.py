"""Forms of the ticket pages: the fault report, comments, uploads, and one small form
per state-machine action (the same inputs the API's action serializers take)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.selectors import engineers_of, organizations_visible_to
from assets.selectors import equipment_visible_to, sites_visible_to

from .models import Ticket, Visit


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
    contact_name = forms.CharField(label=_("contact name"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=50, required=False)
    files = forms.FileField(
        label=_("photos and files"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"multiple": False}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_visible_to(user)
        self.fields["equipment"].queryset = equipment_visible_to(user)
        if user.is_customer:
            del self.fields["organization"]
            del self.fields["contact_name"]
            del self.fields["contact_phone"]
        else:
            self.fields["organization"].queryset = organizations_visible_to(user)

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
    file = forms.FileField(label=_("file"))


def _engineer_field(user, label):
    return forms.ModelChoiceField(label=label, queryset=engineers_of(user))


def ticket_action_form(action: str, user, data=None) -> forms.Form:
    """The inputs of one ticket action, as a form; an action without inputs gets an
    empty form (it only needs the POST)."""
    fields: dict[str, forms.Field] = {}
    text = forms.CharField
    if action == "triage":
        fields["severity"] = forms.ChoiceField(label=_("severity"), choices=Ticket.Severity.choices)
        fields["assignee"] = forms.ModelChoiceField(
            label=_("assignee"), queryset=engineers_of(user), required=False
        )
    elif action == "assign":
        fields["assignee"] = _engineer_field(user, _("assignee"))
    elif action in {"respond", "resume"}:
        fields["note"] = text(label=_("note"), required=False)
    elif action in {"wait-customer", "escalate", "reopen", "cancel"}:
        fields["reason"] = text(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    elif action == "dispatch":
        fields["engineer"] = _engineer_field(user, _("engineer"))
        fields["scheduled_for"] = forms.DateTimeField(
            label=_("scheduled for"),
            required=False,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            input_formats=["%Y-%m-%dT%H:%M"],
        )
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
        fields["signature"] = forms.CharField(widget=forms.HiddenInput)
    elif action == "complete":
        fields["work_summary"] = forms.CharField(
            label=_("work done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    elif action == "cancel":
        fields["reason"] = forms.CharField(label=_("reason"), required=False)
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
