from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = _("Assets")

    def ready(self):
        from servicedesk.views import HOME_SECTIONS

        from .views import home_section, team_section

        HOME_SECTIONS.append((20, "assets/includes/home_section.html", home_section))
        HOME_SECTIONS.append((25, "assets/includes/team_section.html", team_section))
