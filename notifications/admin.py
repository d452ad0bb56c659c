from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from servicedesk.admin import ReadOnlyAdminMixin

from . import outbox
from .models import Notification, OutboxMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "verb", "read_at", "emailed_at"]
    list_filter = ["event", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["verb", "target_label", "recipient__username"]
    raw_id_fields = ["recipient", "actor"]
    readonly_fields = ["created_at", "updated_at", "emailed_at"]
    date_hierarchy = "created_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Outbound messages; `failed` ones (retries used up) are where admins see them."""

    list_display = [
        "created_at",
        "channel",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["key", "last_error"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    @admin.action(description=_("Retry the selected failed messages"))
    def retry(self, request, queryset):
        count = outbox.retry_failed(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
