from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "verb", "read_at", "emailed_at"]
    list_filter = ["event", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["verb", "target_label", "recipient__username"]
    raw_id_fields = ["recipient", "actor"]
    readonly_fields = ["created_at", "updated_at", "emailed_at"]
    date_hierarchy = "created_at"
