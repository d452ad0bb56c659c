"""Training use cases: course materials, enrolment (capacity settled by the database),
attendance and assessment, certificates, and the operator-training obligation.

Obligation rules (DESIGN.md §7; decisions this app takes, for docs/decisions.md):
- A contract's delivery date set → an obligation for the contract's organisation,
  due one calendar month later (dateutil: 31 Jan → 28/29 Feb). Changed → the due date
  moves and the warning/lapse flags are reset (unless it was fulfilled: then it stays
  as it was). Cleared → an open or lapsed obligation is cancelled; set again → reopened.
- A passing attendance (any trainee of the organisation) in an operational course
  fulfils one obligation of that organisation: the earliest-due open one, else the
  earliest lapsed one. Fulfilment counts whenever it happens; the KPI counts it "in
  time" only when the session's date is on or before the due date.
- The sweep warns WARN_DAYS before the due date and flags the obligation lapsed the
  day after its due date (the due date itself is still in time), each exactly once,
  by conditional UPDATE on warned_at / lapsed_at.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from assets.models import ServiceContract
from notifications.services import notify_after_commit as _notify_after_commit
from servicedesk.errors import Conflict, InvalidTransition, PermissionDenied, ServiceError
from servicedesk.pdf import render_pdf

from .models import Certificate, Course, CourseMaterial, Enrollment, Session, TrainingObligation

R = User.Role
DISPATCH_ROLES = frozenset({R.DISPATCHER, R.MANAGER, R.ADMIN})
MANAGER_ROLES = frozenset({R.MANAGER, R.ADMIN})
WARN_DAYS = 7
BATCH_SIZE = 200
MATERIAL_TYPES = {
    "application/pdf",
    "text/plain",
    "image/jpeg",
    "image/png",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

EVENT_ENROLLED = "training_enrolled"
EVENT_CERTIFICATE = "training_certificate_issued"
EVENT_DUE_SOON = "training_obligation_due_soon"
EVENT_LAPSED = "training_obligation_lapsed"


def _save(instance, actor, *fields: str) -> None:
    if actor is not None and getattr(actor, "pk", None):
        instance._history_user = actor  # simple_history records who, also outside a request
    instance.save(update_fields=[*fields, "updated_at"])


def _is_dispatch(user: User) -> bool:
    return user.is_admin_role or user.role in DISPATCH_ROLES


# --- materials ---------------------------------------------------------------------
@transaction.atomic
def material_add(*, course: Course, actor: User, file, title: str = "") -> CourseMaterial:
    """Attach a file to a course (managers), checked for size and type first."""
    from tickets.services.uploads import check_upload, clean_name

    if not (actor.is_admin_role or actor.role in MANAGER_ROLES):
        raise PermissionDenied(_("Only managers add course materials."))
    content_type, size = check_upload(file, allowed=MATERIAL_TYPES, field="file")
    name = clean_name(file, default="material")
    material = CourseMaterial(
        course=course,
        title=(title or "").strip()[:200] or name,
        content_type=content_type,
        size=size,
        uploaded_by=actor,
    )
    file.seek(0)
    material.file.save(name, file, save=False)
    material.save()
    Course.objects.filter(pk=course.pk).update(
        updated_at=timezone.now()
    )  # syncs see the new material
    return material


# --- enrolment ---------------------------------------------------------------------
def _check_trainee(*, actor: User, trainee: User, session: Session) -> None:
    """400 on the trainee field when the caller may not enrol this person here; 403
    for roles that do not enrol at all."""
    from .selectors import enrollable_users

    if actor.role in User.FIELD_ROLES and not actor.is_admin_role:
        raise PermissionDenied(_("Your role does not enrol trainees."))
    if not trainee.is_active or trainee.role not in User.CUSTOMER_ROLES:
        raise ServiceError(_("Only active customer users can be enrolled."), field="trainee")
    if actor.role == R.CUSTOMER_ADMIN and trainee.organization_id != actor.organization_id:
        raise ServiceError(_("You can enrol only your own organisation's users."), field="trainee")
    if actor.role == R.CUSTOMER and trainee.pk != actor.pk:
        raise ServiceError(_("You can enrol only yourself."), field="trainee")
    if session.organization_id and trainee.organization_id != session.organization_id:
        raise ServiceError(_("This session is reserved for another organisation."), field="trainee")
    if not enrollable_users(actor, session).filter(pk=trainee.pk).exists():
        raise ServiceError(
            _("This user's organisation is outside your service centres."), field="trainee"
        )


def _take_place(session: Session) -> None:
    """The conditional UPDATE that settles concurrent enrolments: only while a place is
    left does the count go up (and the CheckConstraint backs it)."""
    taken = Session.objects.filter(pk=session.pk, enrolled_count__lt=F("capacity")).update(
        enrolled_count=F("enrolled_count") + 1, updated_at=timezone.now()
    )
    if taken != 1:
        raise Conflict(_("The session is full."), code="session_full")


def _free_place(session_id: int) -> None:
    Session.objects.filter(pk=session_id, enrolled_count__gt=0).update(
        enrolled_count=F("enrolled_count") - 1, updated_at=timezone.now()
    )


@transaction.atomic
def enroll(*, session: Session, trainee: User, actor: User) -> Enrollment:
    """Enrol `trainee` in `session`. Customer admins enrol their organisation's users,
    customers themselves, dispatch roles the customers they serve; customers only
    before the session starts. A full session is a Conflict (409)."""
    session = Session.objects.select_related("course").get(pk=session.pk)
    _check_trainee(actor=actor, trainee=trainee, session=session)
    if actor.is_customer and session.starts_at <= timezone.now():
        raise InvalidTransition(_("Enrolment closed when the session started."))
    existing = (
        Enrollment.objects.select_for_update().filter(session=session, trainee=trainee).first()
    )
    if existing is not None and existing.status == Enrollment.Status.ENROLLED:
        raise Conflict(
            _("%(name)s is already enrolled in this session.") % {"name": trainee},
            code="already_enrolled",
        )
    _take_place(session)
    if existing is not None:
        existing.status, existing.cancelled_at, existing.enrolled_by = (
            Enrollment.Status.ENROLLED,
            None,
            actor,
        )
        _save(existing, actor, "status", "cancelled_at", "enrolled_by")
        enrollment = existing
    else:
        try:
            with transaction.atomic():
                enrollment = Enrollment(session=session, trainee=trainee, enrolled_by=actor)
                enrollment._history_user = actor
                enrollment.save()
        except IntegrityError as exc:  # the same trainee enrolled concurrently
            raise Conflict(
                _("%(name)s is already enrolled in this session.") % {"name": trainee},
                code="already_enrolled",
            ) from exc
    if trainee.pk != actor.pk:
        _notify_after_commit(
            recipients=[trainee], event=EVENT_ENROLLED, target=session, actor=actor
        )
    return enrollment


def _lock_enrollment(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("session", "session__course", "trainee")
        .get(pk=enrollment.pk)
    )


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, actor: User) -> Enrollment:
    """Cancel an enrolment (the trainee, their customer admin or dispatch roles) before
    attendance is recorded; the place is freed."""
    enrollment = _lock_enrollment(enrollment)
    trainee = enrollment.trainee
    allowed = (
        _is_dispatch(actor)
        or actor.pk == trainee.pk
        or (actor.role == R.CUSTOMER_ADMIN and actor.organization_id == trainee.organization_id)
    )
    if not allowed:
        raise PermissionDenied(_("You may not cancel this enrolment."))
    if enrollment.status != Enrollment.Status.ENROLLED:
        raise InvalidTransition(_("The enrolment is already cancelled."))
    if enrollment.recorded_at is not None:
        raise InvalidTransition(
            _("Attendance has been recorded; the enrolment can no longer be cancelled.")
        )
    enrollment.status, enrollment.cancelled_at = Enrollment.Status.CANCELLED, timezone.now()
    _save(enrollment, actor, "status", "cancelled_at")
    _free_place(enrollment.session_id)
    return enrollment


# --- attendance, certificates, fulfilment -------------------------------------------
def _clean_score(score) -> Decimal | None:
    if score in (None, ""):
        return None
    try:
        value = Decimal(str(score).strip().replace(",", "."))
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or not (0 <= value <= 100):
        raise ServiceError(_("Enter a score from 0 to 100."), field="score")
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def record_attendance(
    *, enrollment: Enrollment, actor: User, attended: bool, score=None, passed: bool = False
) -> Enrollment:
    """The trainer (or dispatch roles) records attendance and the assessment. A pass
    issues the certificate and, for an operational course, fulfils an obligation of
    the trainee's organisation. Corrections are allowed, except withdrawing a pass
    once its certificate exists."""
    enrollment = _lock_enrollment(enrollment)
    session = enrollment.session
    if not (_is_dispatch(actor) or actor.pk == session.trainer_id):
        raise PermissionDenied(_("Only the session's trainer records attendance."))
    if enrollment.status != Enrollment.Status.ENROLLED:
        raise InvalidTransition(_("The enrolment is cancelled."))
    now = timezone.now()
    if session.starts_at > now:
        raise InvalidTransition(_("Attendance can be recorded once the session has started."))
    value = _clean_score(score)
    attended, passed = bool(attended), bool(passed)
    if passed and not attended:
        raise ServiceError(_("A trainee who did not attend cannot pass."), field="passed")
    if not passed and Certificate.objects.filter(enrollment=enrollment).exists():
        raise InvalidTransition(_("A certificate has been issued; the pass cannot be withdrawn."))
    enrollment.attended, enrollment.score, enrollment.passed = attended, value, passed
    enrollment.recorded_by, enrollment.recorded_at = actor, now
    _save(enrollment, actor, "attended", "score", "passed", "recorded_by", "recorded_at")
    if passed:
        _issue_certificate(enrollment, actor, now)
        if session.course.kind == Course.Kind.OPERATIONAL:
            _fulfil_obligation(enrollment, actor, now)
    return enrollment


def _issue_certificate(enrollment: Enrollment, actor: User, now: datetime) -> Certificate:
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    trainee = enrollment.trainee
    certificate = Certificate(
        enrollment=enrollment,
        holder_name=(trainee.get_full_name() or trainee.username)[:300],
        course_title=enrollment.session.course.title,
        completed_on=timezone.localdate(enrollment.session.ends_at),
        issued_at=now,
    )
    certificate._history_user = actor
    certificate.save()
    _notify_after_commit(
        recipients=[trainee],
        event=EVENT_CERTIFICATE,
        target=certificate,
        actor=actor,
        context={"url": reverse("training:my")},
    )
    return certificate


def _fulfil_obligation(
    enrollment: Enrollment, actor: User, now: datetime
) -> TrainingObligation | None:
    if TrainingObligation.objects.filter(fulfilled_by=enrollment).exists():
        return None  # a corrected record does not fulfil a second one
    candidates = (
        TrainingObligation.objects.select_for_update()
        .filter(organization_id=enrollment.trainee.organization_id)
        .order_by("due_on", "id")
    )
    obligation = (
        candidates.filter(status=TrainingObligation.Status.OPEN).first()
        or candidates.filter(status=TrainingObligation.Status.LAPSED).first()
    )
    if obligation is None:
        return None
    obligation.status, obligation.fulfilled_at = TrainingObligation.Status.FULFILLED, now
    obligation.fulfilled_on = timezone.localdate(enrollment.session.starts_at)
    obligation.fulfilled_by = enrollment
    _save(obligation, actor, "status", "fulfilled_at", "fulfilled_on", "fulfilled_by")
    return obligation


def certificate_context(certificate: Certificate) -> dict:
    enrollment = certificate.enrollment
    session = enrollment.session
    verify_path = reverse("training:verify", args=[certificate.code])
    return {
        "certificate": certificate,
        "enrollment": enrollment,
        "session": session,
        "course": session.course,
        "verify_url": settings.SITE_URL.rstrip("/") + verify_path,
    }


def render_certificate(certificate: Certificate, *, language: str | None = None) -> bytes:
    """The certificate in `language` (the reader's; the active language by default)."""
    with translation.override(language or translation.get_language()):
        return render_pdf("training/pdf/certificate.html", certificate_context(certificate))


def certificate_filename(certificate: Certificate) -> str:
    return f"certificate-{certificate.completed_on:%Y%m%d}-{certificate.enrollment_id}.pdf"


# --- obligations -------------------------------------------------------------------
@transaction.atomic
def obligation_sync_for_contract(
    *, contract: ServiceContract, actor: User | None = None
) -> TrainingObligation | None:
    """Keep the contract's obligation in step with its (saved) delivery date. Called by
    the contract's API and admin in the same transaction as the save."""
    contract = ServiceContract.objects.get(pk=contract.pk)
    obligation = TrainingObligation.objects.select_for_update().filter(contract=contract).first()
    if contract.delivery_date is None:
        if obligation is not None and obligation.status in TrainingObligation.UNFULFILLED:
            obligation.status, obligation.cancelled_at = (
                TrainingObligation.Status.CANCELLED,
                timezone.now(),
            )
            _save(obligation, actor, "status", "cancelled_at")
        return obligation
    due = contract.delivery_date + relativedelta(months=1)
    if obligation is None:
        return _create_obligation(contract, due, actor)
    if obligation.status == TrainingObligation.Status.FULFILLED:
        return obligation
    if (
        obligation.due_on == due
        and obligation.organization_id == contract.organization_id
        and obligation.status != TrainingObligation.Status.CANCELLED
    ):
        return obligation
    obligation.organization_id, obligation.delivery_date, obligation.due_on = (
        contract.organization_id,
        contract.delivery_date,
        due,
    )
    obligation.status = TrainingObligation.Status.OPEN
    obligation.warned_at = obligation.lapsed_at = obligation.cancelled_at = None
    _save(
        obligation,
        actor,
        "organization",
        "delivery_date",
        "due_on",
        "status",
        "warned_at",
        "lapsed_at",
        "cancelled_at",
    )
    return obligation


def _create_obligation(contract: ServiceContract, due, actor) -> TrainingObligation:
    obligation = TrainingObligation(
        organization_id=contract.organization_id,
        contract=contract,
        delivery_date=contract.delivery_date,
        due_on=due,
    )
    obligation._history_user = actor
    try:
        with transaction.atomic():
            obligation.save()
    except IntegrityError:  # created concurrently for the same contract
        return TrainingObligation.objects.select_for_update().get(contract=contract)
    return obligation


def obligation_recipients(obligation: TrainingObligation, *, managers: bool = False) -> list[User]:
    """Dispatchers (and, on lapse, managers) of the centres serving the contract's
    sites, including their regional parents and staff without centres, plus the
    organisation's customer admins."""
    roles = [R.DISPATCHER] + ([R.MANAGER] if managers else [])
    centres = set()
    for site in obligation.contract.sites.select_related("service_center"):
        centres.add(site.service_center_id)
        if site.service_center.parent_id:
            centres.add(site.service_center.parent_id)
    staff = User.objects.filter(role__in=roles, is_active=True)
    people = list(staff.filter(service_centers__in=centres).distinct()) if centres else []
    people += list(staff.filter(service_centers__isnull=True))
    people += list(
        User.objects.filter(
            role=R.CUSTOMER_ADMIN, is_active=True, organization_id=obligation.organization_id
        )
    )
    return list(dict.fromkeys(people))


def _claim(pk: int, stamp: str, **changes) -> bool:
    """Exactly once: only the run whose conditional UPDATE sets `stamp` notifies."""
    guard = {"pk": pk, "status": TrainingObligation.Status.OPEN, f"{stamp}__isnull": True}
    return (
        TrainingObligation.objects.filter(**guard).update(**{stamp: changes.pop("at")}, **changes)
        == 1
    )


def _warn(obligation: TrainingObligation, now: datetime) -> bool:
    with transaction.atomic():
        if not _claim(obligation.pk, "warned_at", at=now, updated_at=now):
            return False
        obligation.warned_at = now
        _save(obligation, None, "warned_at")  # the same values again: writes the history row
        _notify_after_commit(
            recipients=obligation_recipients(obligation),
            event=EVENT_DUE_SOON,
            target=obligation,
            context={
                "due_on": obligation.due_on.isoformat(),
                "url": reverse("training:obligations"),
            },
        )
    return True


def _lapse(obligation: TrainingObligation, now: datetime) -> bool:
    with transaction.atomic():
        if not _claim(
            obligation.pk,
            "lapsed_at",
            at=now,
            status=TrainingObligation.Status.LAPSED,
            updated_at=now,
        ):
            return False
        obligation.status, obligation.lapsed_at = TrainingObligation.Status.LAPSED, now
        _save(obligation, None, "status", "lapsed_at")
        _notify_after_commit(
            recipients=obligation_recipients(obligation, managers=True),
            event=EVENT_LAPSED,
            target=obligation,
            context={
                "due_on": obligation.due_on.isoformat(),
                "url": reverse("training:obligations"),
            },
        )
    return True


def check_obligations(*, now: datetime | None = None) -> dict[str, int]:
    """Warn about open obligations due within WARN_DAYS, and flag those whose due date
    has passed (by the server's local date), each exactly once however often and
    however concurrently it runs. A missed run catches up: an obligation already past
    its due date is flagged lapsed without a late warning."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_ = (
        TrainingObligation.objects.filter(status=TrainingObligation.Status.OPEN)
        .select_related("contract", "organization")
        .order_by("due_on", "pk")
    )
    warned = sum(
        _warn(ob, now)
        for ob in open_.filter(
            warned_at__isnull=True, due_on__gte=today, due_on__lte=today + timedelta(days=WARN_DAYS)
        )[:BATCH_SIZE]
    )
    lapsed = sum(_lapse(ob, now) for ob in open_.filter(due_on__lt=today)[:BATCH_SIZE])
    return {"warned": warned, "lapsed": lapsed}
