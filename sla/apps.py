from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("SLA")

    def ready(self):
        # sla answers the tickets app's questions about clocks (tickets.ports).
        from tickets import ports

        from . import facts, selectors
        from .services import clocks_on_ticket_event, downtime_impact, plan_new_ticket_clocks, sweep

        ports.sla_on_ticket_event.provide(clocks_on_ticket_event)
        ports.sla_plan_new_ticket.provide(plan_new_ticket_clocks)
        ports.sla_prefetch_clocks.provide(selectors.prefetch_clocks)
        ports.sla_clocks_for_ticket.provide(selectors.clocks_for_ticket)
        ports.sla_order_by_nearest_due.provide(selectors.order_by_nearest_due)
        ports.sla_annotate_state.provide(selectors.annotate_queue_state)
        ports.sla_sweep.provide(sweep)
        ports.sla_facts_changed.provide(facts.refresh_ticket)

        ports.sla_downtime_impact.provide(downtime_impact)
