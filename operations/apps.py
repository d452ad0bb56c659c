from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Metrics, structured logs, error reporting, backup and personal-data requests.
    Sits above every domain app; nothing below imports it."""

    name = "operations"
    verbose_name = _("Operations")

    def ready(self):
        from . import errors, requestid, telemetry

        requestid.connect_celery_signals()
        telemetry.connect_celery_signals()
        errors.init_sentry()
