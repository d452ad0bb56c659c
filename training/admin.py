from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin import ReadOnlyAdminMixin

from .models import Certificate, Course, CourseMaterial, Enrollment, Session, TrainingObligation


class CourseMaterialInline(admin.TabularInline):
    model = CourseMaterial
    extra = 0
    fields = ["title", "file", "content_type", "size"]
    readonly_fields = ["file", "content_type", "size"]

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through training.services.material_add (size and type checks)


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "duration_hours", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["title"]
    inlines = [CourseMaterialInline]


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ["course", "starts_at", "organization", "trainer", "capacity", "enrolled_count"]
    list_filter = ["course__kind", "organization"]
    list_select_related = ["course", "organization", "trainer"]
    readonly_fields = ["enrolled_count"]
    date_hierarchy = "starts_at"


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: enrolment and attendance go through the services (capacity, certificates)."""

    list_display = ["trainee", "session", "status", "attended", "score", "passed"]
    list_filter = ["status", "passed"]
    list_select_related = ["trainee", "session__course"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["holder_name", "course_title", "completed_on", "issued_at"]
    search_fields = ["holder_name", "code"]


@admin.register(TrainingObligation)
class TrainingObligationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: obligations follow the contract's delivery date."""

    list_display = ["contract", "organization", "delivery_date", "due_on", "status", "fulfilled_on"]
    list_filter = ["status"]
    list_select_related = ["contract", "organization"]
