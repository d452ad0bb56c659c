from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Fault reports")

    def ready(self):
        from servicedesk.views import HOME_SECTIONS

        from .web import home_section

        HOME_SECTIONS.append((10, "tickets/includes/home_section.html", home_section))
