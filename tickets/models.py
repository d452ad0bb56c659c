from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organization
from assets.models import Equipment, Site
from servicedesk.models import TimeStampedModel


class NumberSequence(models.Model):
    """Per-year counters behind human numbers such as FR-2026-000123. A row is
    locked and incremented in the creating transaction, so numbers stay unique
    under concurrent creation."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="tickets_numbersequence_unique_prefix_year"
            ),
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_value}"


class Ticket(TimeStampedModel):
    class Kind(models.TextChoices):
        FAULT = "fault", _("fault")
        CONSULTATION = "consultation", _("technical consultation")
        UPGRADE = "upgrade", _("upgrade assessment")
        REQUEST = "request", _("service request")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("web portal")
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        API = "api", _("API")

    class Urgency(models.TextChoices):
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    class Severity(models.TextChoices):
        MAJOR = "major", _("major")
        URGENT = "urgent", _("urgent")
        GENERAL = "general", _("general")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        TRIAGED = "triaged", _("triaged")
        IN_PROGRESS = "in_progress", _("in progress")
        WAITING_CUSTOMER = "waiting_customer", _("waiting for customer")
        ONSITE = "onsite", _("on site")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    class Tier(models.IntegerChoices):
        ENGINEER = 1, _("field engineer")
        EXPERT = 2, _("technical expert")
        VENDOR = 3, _("vendor support")

    class Resolution(models.TextChoices):
        REMOTE = "remote", _("remote")
        ONSITE = "onsite", _("on site")

    OPEN_STATUSES = (
        Status.NEW,
        Status.TRIAGED,
        Status.IN_PROGRESS,
        Status.WAITING_CUSTOMER,
        Status.ONSITE,
    )

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FAULT)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("symptom"), help_text=_("What happens, since when, what was tried.")
    )
    impact = models.TextField(_("impact scope"), blank=True)
    urgency = models.CharField(
        _("customer urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="tickets"
    )
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_tickets",
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    tier = models.PositiveSmallIntegerField(
        _("support tier"), choices=Tier.choices, default=Tier.ENGINEER
    )
    vendor_name = models.CharField(_("vendor"), max_length=200, blank=True)
    vendor_case = models.CharField(_("vendor case reference"), max_length=100, blank=True)
    vendor_contact = models.CharField(_("vendor contact"), max_length=300, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    cause = models.TextField(_("cause"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    prevention = models.TextField(_("prevention"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancel reason"), blank=True)
    # The instants SLA clocks and KPIs are measured from.
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted by customer at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Kept by the SLA engine with the clocks (same transaction): the earliest due time of
    # the ticket's counting clocks, so the dispatcher queue is read in order from an index.
    nearest_due_at = models.DateTimeField(_("nearest due"), null=True, blank=True, editable=False)
    # Title, symptom and customer-visible comments as search tokens (tickets.search):
    # the full-text index `tickets_ticket_search_idx` is built on it.
    search_document = models.TextField(blank=True, default="", editable=False)
    # PostgreSQL: to_tsvector('simple', search_document), set by a trigger (and by
    # load_volume's COPY) and indexed with GIN; unused elsewhere.
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["nearest_due_at", "search_document", "search_vector"]
    )

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("fault report")
        verbose_name_plural = _("fault reports")
        indexes = [
            # Dispatcher queue and customer lists: open tickets by status, newest first.
            models.Index(fields=["status", "-reported_at"], name="tickets_status_reported_idx"),
            models.Index(fields=["organization", "-reported_at"], name="tickets_org_reported_idx"),
            # Resolution-based KPIs (MTTR, remote rate, follow-up) take the tickets resolved in
            # the period: with reported_at's index, the dashboard's OR becomes a BitmapOr.
            models.Index(fields=["resolved_at"], name="tickets_resolved_at_idx"),
            # The dispatcher queue: open tickets, nearest due first (none last: PostgreSQL's
            # ascending order puts NULLs last), newest first.
            models.Index(
                fields=["nearest_due_at", "-reported_at"],
                condition=Q(
                    status__in=["new", "triaged", "in_progress", "waiting_customer", "onsite"]
                ),
                name="tickets_queue_due_idx",
            ),
            # Each engineer's open load and next deadline (assignment suggestions, the
            # team's workload): the open tickets of one assignee, not their history.
            models.Index(
                fields=["assignee", "nearest_due_at"],
                condition=Q(
                    status__in=["new", "triaged", "in_progress", "waiting_customer", "onsite"]
                ),
                name="tickets_open_assignee_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="tickets_ticket_satisfaction_1_to_5",
            ),
            # Past triage a ticket always has a severity (cancelled-before-triage aside).
            models.CheckConstraint(
                condition=Q(status__in=["new", "cancelled"]) | ~Q(severity=""),
                name="tickets_ticket_triaged_has_severity",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class TicketEvent(models.Model):
    """One row of a ticket's timeline: who did what, when, from which status to which."""

    KIND_LABELS = {
        "reported": _("reported"),
        "edited": _("report edited"),
        "triaged": _("triaged"),
        "assigned": _("assigned"),
        "responded": _("first response"),
        "waiting_customer": _("waiting for customer"),
        "resumed": _("resumed"),
        "escalated": _("escalated"),
        "dispatched": _("visit dispatched"),
        "departed": _("engineer departed"),
        "arrived": _("engineer arrived"),
        "phase": _("repair step recorded"),
        "signed": _("service confirmation signed"),
        "parts_used": _("parts used"),
        "visit_completed": _("visit completed"),
        "visit_cancelled": _("visit cancelled"),
        "resolved": _("resolved"),
        "accepted": _("accepted by customer"),
        "followed_up": _("followed up"),
        "reopened": _("reopened"),
        "cancelled": _("cancelled"),
        "closed": _("closed"),
        "comment": _("comment"),
        "attachment": _("file attached"),
        "survey_answered": _("satisfaction survey answered"),
    }

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("event"), max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    internal = models.BooleanField(default=False, help_text=_("Hidden from customers."))
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"

    @property
    def label(self):
        return self.KIND_LABELS.get(self.kind, self.kind)


class Comment(TimeStampedModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("comment"))
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Hidden from customers.")
    )
    via_email = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]


def attachment_path(instance, filename):
    return f"tickets/{instance.ticket_id}/{filename}"


class Attachment(TimeStampedModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    visit = models.ForeignKey(
        "Visit", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    internal = models.BooleanField(_("internal"), default=False)

    class Meta:
        ordering = ["created_at", "id"]


class Visit(TimeStampedModel):
    """An on-site work order."""

    class Status(models.TextChoices):
        DISPATCHED = "dispatched", _("dispatched")
        EN_ROUTE = "en_route", _("en route")
        ON_SITE = "on_site", _("on site")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    class Phase(models.TextChoices):
        DIAGNOSIS = "diagnosis", _("diagnosis")
        PLAN = "plan", _("plan")
        IMPLEMENTATION = "implementation", _("implementation")
        TEST = "test", _("test")
        ACCEPTANCE = "acceptance", _("acceptance")

    PHASE_ORDER = [Phase.DIAGNOSIS, Phase.PLAN, Phase.IMPLEMENTATION, Phase.TEST, Phase.ACCEPTANCE]

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="visits")
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DISPATCHED
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"))
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    checkin_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    checkin_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    work_summary = models.TextField(_("work done"), blank=True)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signature = models.FileField(
        _("signature"), upload_to="signatures/", blank=True, max_length=300
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancel reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-dispatched_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(checkin_latitude__isnull=True)
                | Q(checkin_latitude__gte=-90, checkin_latitude__lte=90),
                name="tickets_visit_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(checkin_longitude__isnull=True)
                | Q(checkin_longitude__gte=-180, checkin_longitude__lte=180),
                name="tickets_visit_longitude_range",
            ),
        ]

    def __str__(self):
        return self.number


class VisitPhase(models.Model):
    """One step of the closed repair loop, recorded on site in order."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(max_length=20, choices=Visit.Phase.choices)
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "phase"], name="tickets_visitphase_once_per_visit"
            ),
        ]

    def __str__(self):
        return f"{self.visit_id} {self.phase}"


class SurveyResponse(TimeStampedModel):
    """The customer's satisfaction with one resolution round (the n-th resolution of
    the ticket): answered once, through the signed link, the portal, or recorded on the
    follow-up call."""

    class Source(models.TextChoices):
        LINK = "link", _("survey link")
        PORTAL = "portal", _("web portal")
        CALL = "call", _("follow-up call")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="survey_responses")
    round = models.PositiveSmallIntegerField(_("resolution round"))
    score = models.PositiveSmallIntegerField(_("satisfaction"))
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("answered through"), max_length=10, choices=Source.choices)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), db_index=True)

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("satisfaction survey answer")
        verbose_name_plural = _("satisfaction survey answers")
        constraints = [
            # One answer per round: a second one (a replayed link, two tabs) is refused.
            models.UniqueConstraint(
                fields=["ticket", "round"], name="tickets_surveyresponse_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="tickets_surveyresponse_score_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id}/{self.round}: {self.score}"


def inbound_raw_path(instance, filename):
    return f"inbound/{instance.received_at:%Y/%m}/{filename}"


class InboundEmail(TimeStampedModel):
    """Every message that came in by e-mail, once per Message-ID (the unique constraint
    makes a second delivery of the same message a no-op); tickets.services.inbound files
    it. Messages of unknown senders wait here (`pending`) until a dispatcher registers
    them as a ticket or discards them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for registration")
        REGISTERED = "registered", _("registered by a dispatcher")
        DISCARDED = "discarded", _("discarded")
        FILED = "filed", _("filed as a new fault report")
        COMMENTED = "commented", _("added as a comment")

    message_id = models.CharField(_("Message-ID"), max_length=500)
    sender = models.EmailField(_("sender"), max_length=254)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body = models.TextField(_("text"), blank=True)
    raw = models.FileField(
        _("original message"), upload_to=inbound_raw_path, max_length=300, blank=True
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("fault report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Skipped attachments, why it was queued.")
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        constraints = [
            # The same message delivered or polled twice is ingested once.
            models.UniqueConstraint(
                fields=["message_id"], name="tickets_inboundemail_unique_message_id"
            ),
        ]
        indexes = [
            # The dispatchers' registration queue: pending ones, oldest first.
            models.Index(fields=["status", "received_at"], name="tickets_inbound_status_idx"),
        ]

    def __str__(self):
        return f"{self.sender}: {self.subject}"


class SavedView(TimeStampedModel):
    """A named set of queue filters and sort order: the owner's own, or shared with
    every dispatcher and manager."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=100)
    # The queue's query string without page and view (`status=new&sort=-due`).
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    shared = models.BooleanField(_("shared with the team"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved queue view")
        verbose_name_plural = _("saved queue views")
        constraints = [
            # Saving under a name one already has replaces it instead of adding a twin.
            models.UniqueConstraint(fields=["owner", "name"], name="tickets_savedview_owner_name"),
        ]

    def __str__(self):
        return self.name


class CannedReply(TimeStampedModel):
    """A reply snippet in both languages, kept by managers and inserted into a comment
    by staff (in the language of the page)."""

    title = models.CharField(_("title"), max_length=100, unique=True)
    body_en = models.TextField(_("text (English)"))
    body_zh_hans = models.TextField(_("text (Chinese)"))
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self):
        return self.title

    def body_for(self, language: str) -> str:
        return self.body_zh_hans if (language or "").startswith("zh") else self.body_en
