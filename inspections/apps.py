from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and maintenance")

    def ready(self):
        # inspections gives the SLA dashboard its figure (sla.ports).
        from sla.ports import OTHER_KPIS

        from .kpis import inspections_on_schedule

        OTHER_KPIS["inspections_on_schedule"].provide(inspections_on_schedule)

        # the report e-mails go through the notifications outbox
        from notifications import outbox

        from .services import reports

        outbox.register(
            reports.REPORT_KIND, reports.compose_report_email, sent=reports.mark_report_sent
        )
