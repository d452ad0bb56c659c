"""Web pages: the same selectors (scope → 404) and services as the API."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.selectors import users_visible_to
from servicedesk.errors import ServiceError
from servicedesk.pdf import pdf_response

from . import selectors, services
from .models import Certificate, Enrollment, TrainingObligation

PAGE_SIZE = 50
R = User.Role
DISPATCH = {R.DISPATCHER, R.MANAGER, R.ADMIN}


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _is_dispatch(user) -> bool:
    return user.is_admin_role or user.role in DISPATCH


def _can_record(user, session) -> bool:
    return _is_dispatch(user) or session.trainer_id == user.pk


@login_required
def catalogue(request):
    user = request.user
    past = request.GET.get("past") == "1"
    now = timezone.now()
    sessions = selectors.sessions_visible_to(user)
    sessions = (
        sessions.filter(ends_at__lt=now).order_by("-starts_at", "-id")
        if past
        else sessions.filter(ends_at__gte=now).order_by("starts_at", "id")
    )
    page = _page(request, sessions)
    months = [
        (month, list(rows))
        for month, rows in groupby(
            page, key=lambda session: timezone.localtime(session.starts_at).date().replace(day=1)
        )
    ]
    return render(
        request,
        "training/catalogue.html",
        {
            "courses": selectors.courses_visible_to(user),
            "page": page,
            "months": months,
            "past": past,
            "is_dispatch": _is_dispatch(user),
        },
    )


def _session(request, pk):
    return get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)


@login_required
def session_detail(request, pk):
    session = _session(request, pk)
    user = request.user
    enrollments = list(
        selectors.enrollments_visible_to(user)
        .filter(session=session)
        .order_by("status", "trainee__last_name", "trainee__first_name", "id")
    )
    enrolled_ids = {e.trainee_id for e in enrollments if e.status == Enrollment.Status.ENROLLED}
    can_enrol = (user.is_customer and session.starts_at > timezone.now()) or _is_dispatch(user)
    candidates = []
    if can_enrol and session.seats_left:
        candidates = [
            u for u in selectors.enrollable_users(user, session) if u.pk not in enrolled_ids
        ]
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "course": session.course,
            "materials": list(session.course.materials.all()),
            "enrollments": enrollments,
            "candidates": candidates,
            "can_enrol": can_enrol,
            "can_record": _can_record(user, session),
            "is_dispatch": _is_dispatch(user),
        },
    )


def _run(request, call, success) -> bool:
    try:
        call()
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def enroll(request, pk):
    session = _session(request, pk)
    raw = request.POST.get("trainee") or str(request.user.pk)
    trainee = users_visible_to(request.user).filter(pk=raw).first() if raw.isdigit() else None
    if trainee is None:
        messages.error(request, _("Choose a user of your organisation."))
    else:
        _run(
            request,
            lambda: services.enroll(session=session, trainee=trainee, actor=request.user),
            _("%(name)s is enrolled.") % {"name": trainee},
        )
    return redirect("training:session", pk=session.pk)


@login_required
@require_POST
def enrollment_cancel(request, pk):
    enrollment = get_object_or_404(selectors.enrollments_visible_to(request.user), pk=pk)
    _run(
        request,
        lambda: services.enrollment_cancel(enrollment=enrollment, actor=request.user),
        _("The enrolment is cancelled."),
    )
    if request.POST.get("next") == "my":
        return redirect("training:my")
    return redirect("training:session", pk=enrollment.session_id)


@login_required
def attendance(request, pk):
    session = _session(request, pk)
    if not _can_record(request.user, session):
        raise DjangoPermissionDenied
    rows = (
        selectors.enrollments_visible_to(request.user)
        .filter(session=session, status=Enrollment.Status.ENROLLED)
        .order_by("trainee__last_name", "trainee__first_name", "id")
    )
    return render(
        request,
        "training/attendance.html",
        {
            "session": session,
            "rows": rows,
            "started": session.starts_at <= timezone.now(),
        },
    )


@login_required
@require_POST
def attendance_save(request, pk):
    """One row of the attendance sheet; htmx swaps the row, a plain post redirects."""
    enrollment = get_object_or_404(selectors.enrollments_visible_to(request.user), pk=pk)
    if not _can_record(request.user, enrollment.session):
        raise DjangoPermissionDenied
    error = ""
    try:
        services.record_attendance(
            enrollment=enrollment,
            actor=request.user,
            attended=request.POST.get("attended") == "on",
            score=request.POST.get("score", "").strip() or None,
            passed=request.POST.get("passed") == "on",
        )
    except ServiceError as exc:
        error = str(exc.message)
    if not request.htmx:
        (messages.error if error else messages.success)(request, error or _("Attendance saved."))
        return redirect("training:attendance", pk=enrollment.session_id)
    row = selectors.enrollments_visible_to(request.user).get(pk=pk)
    return render(
        request,
        "training/_attendance_row.html",
        {"row": row, "error": error, "saved": not error, "started": True},
    )


@login_required
@require_GET
def certificate_pdf(request, pk):
    enrollment = get_object_or_404(selectors.enrollments_visible_to(request.user), pk=pk)
    certificate = (
        Certificate.objects.select_related(
            "enrollment__session__course", "enrollment__session__trainer", "enrollment__trainee"
        )
        .filter(enrollment=enrollment)
        .first()
    )
    if certificate is None:
        raise Http404
    return pdf_response(
        services.render_certificate(certificate, language=request.user.language),
        services.certificate_filename(certificate),
    )


@login_required
@require_GET
def material(request, pk, material_pk):
    course = get_object_or_404(selectors.courses_visible_to(request.user), pk=pk)
    item = get_object_or_404(course.materials.all(), pk=material_pk)
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.file.name.rsplit("/", 1)[-1],
        content_type=item.content_type,
    )


@login_required
def my_trainings(request):
    """The customer's trainings and certificates (their service archive); a customer
    admin sees the organisation's, staff what they may see, trainers their sessions."""
    user = request.user
    enrollments = selectors.enrollments_visible_to(user).order_by("-session__starts_at", "-id")
    teaching = []
    if not user.is_customer:
        teaching = (
            selectors.sessions_visible_to(user).filter(trainer=user).order_by("-starts_at")[:20]
        )
    return render(
        request, "training/my.html", {"page": _page(request, enrollments), "teaching": teaching}
    )


@login_required
def obligations(request):
    if not _is_dispatch(request.user):
        raise DjangoPermissionDenied
    status = request.GET.get("status", "due")
    qs = selectors.obligations_visible_to(request.user)
    if status == "due":
        qs = qs.filter(status__in=TrainingObligation.UNFULFILLED)
    elif status in TrainingObligation.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "training/obligations.html",
        {
            "page": _page(request, qs.order_by("due_on", "id")),
            "status": status,
            "statuses": TrainingObligation.Status.choices,
            "today": timezone.localdate(),
        },
    )


@require_GET
def verify(request, code):
    """Public: anyone holding the code checks a certificate. Only the holder's name,
    the course and the date; an unknown code is a 404."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    response = render(request, "training/verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response
