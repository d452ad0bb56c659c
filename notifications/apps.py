from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import outbox, services

        outbox.register(
            services.EMAIL_KIND,
            services.compose_notification_email,
            sent=services.mark_notification_emailed,
        )
        from .channels import senders  # webhooks, WeCom, DingTalk, SMS (issue 17)

        senders.register()
