from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        # training keeps the obligations of the assets app's contracts (assets.ports) and
        # gives the SLA dashboard its figure (sla.ports).
        from assets import ports as assets_ports
        from sla.ports import OTHER_KPIS

        from .kpis import training_within_month
        from .services import obligation_sync_for_contract

        assets_ports.contract_changed.provide(obligation_sync_for_contract)
        OTHER_KPIS["training_within_month"].provide(training_within_month)
