"""Every read of training data, scoped to the caller in one place per model:
- courses: everyone (inactive ones only for staff);
- sessions: customers see open sessions and their organisation's, staff all;
- enrolments and certificates: customer admins their organisation's, customers their
  own, trainers the sessions they train, other staff the organisations they serve;
- obligations: customers their organisation's, staff the organisations they serve."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from assets.models import Site

from .models import Certificate, Course, CourseMaterial, Enrollment, Session, TrainingObligation


def _served(user: User, org_field: str) -> Q | None:
    """Staff scope: organisations with a site in the user's centres; None = all."""
    ids = user.center_ids
    if ids is None:
        return None
    covered = Site.objects.filter(organization=OuterRef(org_field), service_center_id__in=ids)
    return Q(Exists(covered))


def courses_visible_to(user: User) -> QuerySet[Course]:
    materials = Prefetch("materials", queryset=CourseMaterial.objects.order_by("title", "id"))
    qs = Course.objects.prefetch_related(materials)
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(active=True) if user.is_customer else qs


def sessions_visible_to(user: User) -> QuerySet[Session]:
    qs = Session.objects.select_related("course", "organization", "trainer")
    if not user.is_authenticated:
        return qs.none()
    if user.is_customer:
        return qs.filter(Q(organization__isnull=True) | Q(organization_id=user.organization_id))
    return qs


def enrollments_visible_to(user: User) -> QuerySet[Enrollment]:
    qs = Enrollment.objects.select_related(
        "session",
        "session__course",
        "session__organization",
        "session__trainer",
        "trainee",
        "trainee__organization",
        "certificate",
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_admin_role:
        return qs
    if user.role == User.Role.CUSTOMER_ADMIN:
        return qs.filter(trainee__organization_id=user.organization_id)
    if user.is_customer:
        return qs.filter(trainee=user)
    served = _served(user, "trainee__organization")
    return qs if served is None else qs.filter(served | Q(session__trainer=user))


def obligations_visible_to(user: User) -> QuerySet[TrainingObligation]:
    qs = TrainingObligation.objects.select_related(
        "organization",
        "contract",
        "fulfilled_by",
        "fulfilled_by__trainee",
        "fulfilled_by__session",
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_customer:
        return qs.filter(organization_id=user.organization_id)
    served = _served(user, "organization")
    return qs if served is None else qs.filter(served)


def enrollable_users(user: User, session: Session) -> QuerySet[User]:
    """Whom the caller may enrol in the session: a customer admin their organisation's
    active users, dispatch roles the customers of the organisations they serve, a
    customer only themselves; restricted sessions only the session's organisation."""
    qs = User.objects.filter(is_active=True, role__in=User.CUSTOMER_ROLES).select_related(
        "organization"
    )
    if user.role == User.Role.CUSTOMER_ADMIN:
        qs = qs.filter(organization_id=user.organization_id)
    elif user.is_customer:
        qs = qs.filter(pk=user.pk)
    elif not (user.is_admin_role or user.role in (User.Role.DISPATCHER, User.Role.MANAGER)):
        return qs.none()
    else:
        served = _served(user, "organization")
        qs = qs if served is None else qs.filter(served)
    if session.organization_id:
        qs = qs.filter(organization_id=session.organization_id)
    return qs.order_by("organization__name", "last_name", "first_name", "username")


def certificate_by_code(code: str) -> Certificate | None:
    """The public verification page: no caller, only the code."""
    return (
        Certificate.objects.filter(code=code)
        .only("holder_name", "course_title", "completed_on")
        .first()
    )
