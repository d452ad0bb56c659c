from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import EngineerProfile, Organization, ServiceCenter, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "get_full_name", "role", "organization", "is_active"]
    list_filter = ["role", "organization", "is_active"]
    list_select_related = ["organization"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (
            _("Servicedesk"),
            {
                "fields": [
                    "role",
                    "organization",
                    "service_centers",
                    "phone",
                    "language",
                    "time_zone",
                ]
            },
        ),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Servicedesk"), {"fields": ["role", "organization", "email"]}),
    )
    filter_horizontal = ["service_centers", "groups", "user_permissions"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "phone", "email"]
    search_fields = ["name", "code"]


@admin.register(ServiceCenter)
class ServiceCenterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]


@admin.register(EngineerProfile)
class EngineerProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "tier", "service_center"]
    list_filter = ["tier", "service_center"]
    list_select_related = ["user", "service_center"]
