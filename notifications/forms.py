"""The forms of the channel pages: a user's own channel choices, and an admin's
webhook or group robot (events, routing to a centre or an organisation, language)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import events, ports
from .models import ChannelEndpoint, ChannelPreference


def event_choices(extra=(), *, only=None) -> list[tuple[str, str]]:
    """The subscribable events (`only` those, when given), plus names already chosen
    (an endpoint's set through the API)."""
    choices = [(n, label) for n, label in events.LABELS.items() if only is None or n in only]
    known = set(events.LABELS)
    return choices + [(name, name) for name in extra if name not in known]


class PreferencesForm(forms.Form):
    """E-mail (on unless turned off) and SMS (off unless turned on): each for every
    event or only the ticked ones."""

    def __init__(self, *args, preferences: dict, customer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        offered = events.CUSTOMER_EVENTS if customer else None
        for channel, label in ChannelPreference.Channel.choices:
            chosen = preferences.get(channel)
            enabled = chosen.enabled if chosen else channel == ChannelPreference.Channel.EMAIL
            self.fields[f"{channel}_enabled"] = forms.BooleanField(
                label=_("Send me %(channel)s") % {"channel": label},
                required=False,
                initial=enabled,
            )
            self.fields[f"{channel}_events"] = forms.MultipleChoiceField(
                label=_("Only for these events (none ticked: every event)"),
                choices=event_choices(chosen.events if chosen else (), only=offered),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=chosen.events if chosen else [],
            )

    def choices(self):
        """[(channel, enabled, events)] of the valid form."""
        return [
            (
                channel,
                self.cleaned_data[f"{channel}_enabled"],
                self.cleaned_data[f"{channel}_events"],
            )
            for channel in ChannelPreference.Channel.values
        ]


def _scope_field(label, choices, everything):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", everything), *choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


class EndpointForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=ChannelEndpoint.Kind.choices)
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The receiver's address, or the robot's webhook address with its key."),
    )
    secret = forms.CharField(
        label=_("secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Signs webhook bodies (HMAC-SHA256); the DingTalk robot's signing secret. "
            "Leave empty to keep the current one."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("events"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    language = forms.ChoiceField(
        label=_("language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, endpoint: ChannelEndpoint | None = None, **kwargs):
        if endpoint is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": endpoint.name,
                    "kind": endpoint.kind,
                    "url": endpoint.url,
                    "events": endpoint.events,
                    "service_center_id": endpoint.service_center_id,
                    "organization_id": endpoint.organization_id,
                    "language": endpoint.language,
                    "active": endpoint.active,
                },
            )
        super().__init__(*args, **kwargs)
        self.endpoint = endpoint
        self.fields["events"].choices = event_choices(endpoint.events if endpoint else ())
        scopes = ports.scope_choices()
        self.fields["service_center_id"] = _scope_field(
            _("only for service centre"), scopes["centres"], _("every service centre")
        )
        self.fields["organization_id"] = _scope_field(
            _("only for organisation"),
            scopes["organizations"],
            _("every organisation (no survey link in robot messages)"),
        )
        self.order_fields(["name", "kind", "url", "secret", "events"])

    def values(self) -> dict:
        values = dict(self.cleaned_data)
        if not values["secret"] and self.endpoint is not None:
            del values["secret"]  # empty: keep the stored one
        return values
