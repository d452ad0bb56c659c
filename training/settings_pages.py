"""Courses and sessions as settings pages (servicedesk.settings_pages), written
through training.catalogue with the API's serializers' rules."""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import MANAGERS
from accounts.selectors import organizations_visible_to
from servicedesk.settings_pages import SETTINGS_PAGES, SettingsPage
from training import catalogue, selectors
from training.api.serializers import CourseSerializer, SessionSerializer
from training.models import Course, Session

COURSES = SettingsPage(
    namespace="training",
    key="courses",
    title=_("Courses"),
    model=Course,
    fields=["kind", "title", "description", "duration_hours", "active"],
    serializer=CourseSerializer,
    create=catalogue.course_create,
    update=catalogue.course_update,
    rows=selectors.courses_visible_to,
    columns=[
        (_("Title"), "title"),
        (_("Kind"), "kind"),
        (_("Duration (hours)"), "duration_hours"),
        (_("Active"), "active"),
    ],
    roles=MANAGERS,
    order=30,
)

SESSIONS = SettingsPage(
    namespace="training",
    key="sessions",
    title=_("Training sessions"),
    intro=_("A session takes place at a place, online, or both."),
    model=Session,
    fields=[
        "course",
        "organization",
        "trainer",
        "starts_at",
        "ends_at",
        "place",
        "online_link",
        "capacity",
        "notes",
    ],
    serializer=SessionSerializer,
    create=catalogue.session_create,
    update=catalogue.session_update,
    rows=lambda user: selectors.sessions_visible_to(user).select_related("course", "organization"),
    columns=[
        (_("Course"), lambda row: row.course),
        (_("Starts at"), "starts_at"),
        (_("Organisation"), lambda row: row.organization),
        (_("Capacity"), "capacity"),
        (_("Enrolled"), "enrolled_count"),
    ],
    scoped={
        "course": selectors.courses_visible_to,
        "organization": organizations_visible_to,
        "trainer": lambda user: User.objects.filter(role__in=User.STAFF_ROLES, is_active=True),
    },
    roles=MANAGERS,
    order=31,
)

SETTINGS_PAGES.extend([COURSES, SESSIONS])
