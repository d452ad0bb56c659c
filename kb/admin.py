from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin import ReadOnlyAdminMixin

from .models import Article, Deflection


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Articles are written on the knowledge-base pages, through kb.services (which
    keeps the search index in step); the admin shows them and their history."""

    list_display = ["title", "language", "status", "category", "published_at"]
    list_filter = ["status", "language"]
    search_fields = ["title"]


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article", "user", "organization", "created_at"]
