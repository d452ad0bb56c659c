from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attachment,
    Comment,
    InboundEmail,
    NumberSequence,
    Ticket,
    TicketEvent,
    Visit,
    VisitPhase,
)


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "note", "internal"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["author", "body", "internal", "via_email", "created_at"]
    readonly_fields = ["author", "via_email", "created_at"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "internal", "uploaded_by", "created_at"]
    readonly_fields = fields


class VisitInline(admin.TabularInline):
    model = Visit
    extra = 0
    fields = ["number", "engineer", "status", "dispatched_at", "arrived_at", "completed_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Ticket)
class TicketAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "title",
        "organization",
        "site",
        "status",
        "severity",
        "assignee",
        "tier",
        "reported_at",
    ]
    list_filter = ["status", "severity", "kind", "channel", "tier", "organization"]
    search_fields = ["number", "title", "description", "contact_name", "contact_email"]
    date_hierarchy = "reported_at"
    list_select_related = ["organization", "site", "assignee"]
    raw_id_fields = ["organization", "site", "equipment", "reporter", "assignee"]
    readonly_fields = ["number", "created_at", "updated_at"]
    inlines = [VisitInline, CommentInline, AttachmentInline, TicketEventInline]


class VisitPhaseInline(admin.TabularInline):
    model = VisitPhase
    extra = 0
    fields = ["phase", "notes", "recorded_by", "recorded_at"]
    readonly_fields = fields


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "ticket",
        "engineer",
        "status",
        "dispatched_at",
        "arrived_at",
        "completed_at",
    ]
    list_filter = ["status"]
    search_fields = ["number", "ticket__number", "signer_name"]
    list_select_related = ["ticket", "engineer"]
    raw_id_fields = ["ticket", "engineer"]
    readonly_fields = ["number", "created_at", "updated_at"]
    inlines = [VisitPhaseInline]


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "year", "last_value"]
    readonly_fields = ["prefix", "year"]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "status", "ticket"]
    list_filter = ["status"]
    search_fields = ["sender", "subject", "message_id"]
    raw_id_fields = ["ticket", "comment", "handled_by"]
    readonly_fields = ["message_id", "received_at", "created_at", "updated_at"]
