from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Operation (service) reports per customer organisation: the top layer beside
    operations, so it reads every app's figures."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from notifications import outbox

        from .services import EMAIL_KIND, compose_report_email, mark_report_emailed

        outbox.register(EMAIL_KIND, compose_report_email, sent=mark_report_emailed)
