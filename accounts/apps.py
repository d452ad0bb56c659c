from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from notifications import ports as notification_ports

        from .selectors import endpoint_scope_choices

        notification_ports.scope_choices.provide(endpoint_scope_choices)
