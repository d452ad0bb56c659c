from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import organizations_visible_to
from assets.selectors import sites_visible_to
from tickets.models import Ticket


class InboundRegisterForm(forms.Form):
    """A dispatcher files a queued e-mail under an organisation and one of its sites."""

    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Ticket.Kind.choices, initial=Ticket.Kind.FAULT)
    urgency = forms.ChoiceField(label=_("Customer urgency"), choices=Ticket.Urgency.choices,
                                initial=Ticket.Urgency.MEDIUM)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_visible_to(user)
        self.fields["site"].queryset = sites_visible_to(user)
        self.fields["site"].label_from_instance = lambda site: f"{site.organization} · {site.name}"

    def clean(self):
        data = super().clean()
        organization, site = data.get("organization"), data.get("site")
        if organization and site and site.organization_id != organization.pk:
            self.add_error("site", _("The site does not belong to the organisation."))
        return data
