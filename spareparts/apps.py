from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SparepartsConfig(AppConfig):
    name = "spareparts"
    verbose_name = _("Spare parts")

    def ready(self):
        # spareparts books the parts used on the tickets app's visits (tickets.ports) and
        # gives the SLA dashboard its figure (sla.ports).
        from sla.ports import OTHER_KPIS
        from tickets import ports as tickets_ports

        from . import selectors
        from .kpis import parts_fill_rate
        from .services import parts_release_for_visit, parts_use_on_visit

        tickets_ports.parts_resolve.provide(selectors.parts_resolve)
        tickets_ports.parts_use_on_visit.provide(parts_use_on_visit)
        tickets_ports.parts_release_for_visit.provide(parts_release_for_visit)
        tickets_ports.parts_used_on_visit.provide(selectors.parts_used_on_visit)
        OTHER_KPIS["parts_fill_rate"].provide(parts_fill_rate)
