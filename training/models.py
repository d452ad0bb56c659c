"""Training: courses (with materials), sessions, enrolments with attendance and
assessment, completion certificates, and the operator-training obligation a
contract's delivery date sets (due one month after delivery).

Capacity is settled by the database: `Session.enrolled_count` only moves through
conditional UPDATEs in training.services, and a CheckConstraint keeps it within
`capacity` whatever runs concurrently."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organization
from assets.models import ServiceContract
from servicedesk.models import TimeStampedModel


class Course(TimeStampedModel):
    class Kind(models.TextChoices):
        OPERATIONAL = "operational", _("operational training")
        ADVANCED = "advanced", _("advanced training")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.OPERATIONAL
    )
    title = models.CharField(_("title"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=5, decimal_places=1)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_hours__gt=0), name="training_course_positive_duration"
            ),
        ]

    def __str__(self):
        return self.title


def material_path(instance, filename):
    return f"training/materials/{instance.course_id}/{filename}"


class CourseMaterial(TimeStampedModel):
    """A file handed out with a course (slides, manual); checked for size and type on
    upload by training.services.material_add."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["course", "title", "id"]
        verbose_name = _("course material")
        verbose_name_plural = _("course materials")

    def __str__(self):
        return self.title


class Session(TimeStampedModel):
    """One run of a course. Without an organisation it is open to several customers."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        help_text=_("Leave empty for a session open to several customers."),
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    enrolled_count = models.PositiveIntegerField(_("enrolled"), default=0, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    # enrolled_count moves by conditional UPDATE; its changes are the enrolments' history.
    history = HistoricalRecords(excluded_fields=["enrolled_count"])

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            # The last line of defence against overbooking under concurrent enrolment.
            models.CheckConstraint(
                condition=Q(enrolled_count__lte=F("capacity")),
                name="training_session_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="training_session_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="training_session_ends_after_start"
            ),
            # Trainees must know where to go: a room or a link.
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_link=""), name="training_session_place_or_link"
            ),
        ]

    def __str__(self):
        return f"{self.course} · {self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("training:session", args=[self.pk])

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.enrolled_count, 0)


class Enrollment(TimeStampedModel):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        CANCELLED = "cancelled", _("cancelled")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="enrollments"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="training_enrollments",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ENROLLED
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    score = models.DecimalField(
        _("assessment score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["session__starts_at", "trainee__last_name", "trainee__first_name", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            # One place per trainee and session; re-enrolling after a cancellation reuses the row.
            models.UniqueConstraint(
                fields=["session", "trainee"], name="training_enrollment_unique_trainee"
            ),
            models.CheckConstraint(
                condition=Q(passed=False) | Q(attended=True),
                name="training_enrollment_passed_needs_attendance",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="training_enrollment_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.trainee} · {self.session}"


def new_verification_code() -> str:
    # 128 random bits, URL-safe: unguessable, so the public page needs no login.
    return secrets.token_urlsafe(16)


class Certificate(TimeStampedModel):
    """Completion certificate. Holder and course are copied at issue so the certificate
    keeps saying what it said when it was issued."""

    enrollment = models.OneToOneField(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    code = models.CharField(
        _("verification code"),
        max_length=64,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    holder_name = models.CharField(_("holder"), max_length=300)
    course_title = models.CharField(_("course"), max_length=200)
    completed_on = models.DateField(_("completed on"))
    issued_at = models.DateTimeField(_("issued at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return f"{self.holder_name} · {self.course_title}"

    def get_absolute_url(self):
        return reverse("training:verify", args=[self.code])


class TrainingObligation(TimeStampedModel):
    """The service plan's operator training within one month of delivery: one per
    contract, kept in step with the contract's delivery date by
    training.services.obligation_sync_for_contract."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FULFILLED = "fulfilled", _("fulfilled")
        LAPSED = "lapsed", _("lapsed")
        CANCELLED = "cancelled", _("cancelled")

    UNFULFILLED = (Status.OPEN, Status.LAPSED)

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="training_obligations",
    )
    contract = models.OneToOneField(
        ServiceContract,
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="training_obligation",
    )
    delivery_date = models.DateField(_("delivery date"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilled_on = models.DateField(
        _("trained on"),
        null=True,
        blank=True,
        help_text=_("The date of the session that fulfilled it."),
    )
    fulfilled_by = models.ForeignKey(
        Enrollment,
        verbose_name=_("fulfilled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fulfilled_obligations",
    )
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("training obligation")
        verbose_name_plural = _("training obligations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="fulfilled") | Q(fulfilled_at__isnull=False),
                name="training_obligation_fulfilled_has_time",
            ),
        ]
        indexes = [
            # check_obligations: open obligations by due date.
            models.Index(fields=["status", "due_on"], name="training_obligation_sweep"),
        ]

    def __str__(self):
        return _("Operator training for %(contract)s") % {"contract": self.contract}

    def get_absolute_url(self):
        return reverse("training:obligations")
