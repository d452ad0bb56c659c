"""Scheduled inspections (plans → generated inspections → results → report) and
preventive maintenance (plans on critical equipment → generated tasks).

Generation is exactly-once per plan and date: the unique constraints below are the
guarantee, the generator only inserts with `bulk_create(ignore_conflicts=True)`."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import TIME_ZONE_CHOICES, ServiceCenter
from assets.models import Equipment, ServiceContract, Site
from servicedesk.models import TimeStampedModel


class ChecklistTemplate(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self):
        return self.name


class ChecklistItem(TimeStampedModel):
    class Kind(models.TextChoices):
        PASS_WARN_FAIL = "pass_warn_fail", _("pass / warning / fault")
        NUMBER = "number", _("measured number")
        TEXT = "text", _("text")
        PHOTO = "photo", _("photo")

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    section = models.CharField(
        _("section"),
        max_length=100,
        blank=True,
        help_text=_("E.g. system running state, equipment performance, data security."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PASS_WARN_FAIL
    )
    label = models.CharField(_("label"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    min_value = models.DecimalField(
        _("lower limit"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("upper limit"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    required = models.BooleanField(_("required"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            # The order is the item's place on the printed checklist: one item per place.
            models.UniqueConstraint(
                fields=["template", "order"], name="inspections_checklistitem_unique_order"
            ),
            # A range with its ends swapped would flag every value.
            models.CheckConstraint(
                condition=(
                    Q(min_value__isnull=True)
                    | Q(max_value__isnull=True)
                    | Q(min_value__lte=models.F("max_value"))
                ),
                name="inspections_checklistitem_limits_ordered",
            ),
        ]

    def __str__(self):
        return self.label

    def is_out_of_limit(self, value) -> bool:
        if value is None or self.kind != self.Kind.NUMBER:
            return False
        return (self.min_value is not None and value < self.min_value) or (
            self.max_value is not None and value > self.max_value
        )


class InspectionPlan(TimeStampedModel):
    class Recurrence(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        RRULE = "rrule", _("custom rule (RFC 5545 RRULE)")

    name = models.CharField(_("name"), max_length=200)
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="inspection_plans"
    )
    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=20, choices=Recurrence.choices, default=Recurrence.MONTHLY
    )
    rrule = models.CharField(
        _("RRULE"),
        max_length=500,
        blank=True,
        help_text=_("For a custom rule, e.g. FREQ=MONTHLY;BYDAY=1MO (first Monday of each month)."),
    )
    anchor_date = models.DateField(
        _("first date"),
        help_text=_("The first inspection; monthly and quarterly plans repeat its day of month."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        blank=True,
        help_text=_("Empty: the site's time zone."),
    )
    default_engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default engineer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the site's responsible centre."),
    )
    checklist_template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site__name", "name"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="inspections_inspectionplan_active_period",
            ),
            # A custom recurrence without a rule would generate nothing, silently.
            models.CheckConstraint(
                condition=~Q(recurrence="rrule") | ~Q(rrule=""),
                name="inspections_inspectionplan_rrule_given",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def zone_name(self) -> str:
        return self.time_zone or self.site.time_zone


class Inspection(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        MISSED = "missed", _("missed")
        CANCELLED = "cancelled", _("cancelled")

    OPEN_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS)

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="inspections"
    )
    checklist_template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_for = models.DateField(_("scheduled for"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_on = models.DateField(
        _("completed on"),
        null=True,
        blank=True,
        help_text=_("The site's local date of completion."),
    )
    missed_at = models.DateTimeField(_("marked missed at"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    report_sent_at = models.DateTimeField(_("report e-mailed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            # Exactly one inspection per plan and date, however often and however many
            # workers run the generator: it inserts with ON CONFLICT DO NOTHING against this.
            models.UniqueConstraint(
                fields=["plan", "scheduled_for"], name="inspections_inspection_unique_plan_date"
            ),
        ]
        indexes = [
            # mark_missed: open inspections by date.
            models.Index(fields=["status", "scheduled_for"], name="inspections_open_by_date"),
        ]

    def __str__(self):
        return f"{self.site} · {self.scheduled_for:%Y-%m-%d}"


class InspectionResult(TimeStampedModel):
    class Outcome(models.TextChoices):
        OK = "ok", _("OK")
        WARNING = "warning", _("warning")
        FAULT = "fault", _("fault")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OK
    )
    value = models.DecimalField(
        _("measured value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    text = models.TextField(_("note"), blank=True)
    photo = models.FileField(_("photo"), upload_to="inspections/%Y/%m/", blank=True)
    out_of_limit = models.BooleanField(_("out of limit"), default=False)
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("fault report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_findings",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "item__order", "id"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [
            # One result per checklist item; recording again updates it.
            models.UniqueConstraint(
                fields=["inspection", "item"], name="inspections_inspectionresult_unique_item"
            ),
        ]

    def __str__(self):
        return f"{self.item}: {self.get_outcome_display()}"


class MaintenancePlan(TimeStampedModel):
    class TaskKind(models.TextChoices):
        FIRMWARE_UPDATE = "firmware_update", _("firmware update")
        CALIBRATION = "calibration", _("parameter calibration")
        CLEANING = "cleaning", _("cleaning")
        OTHER = "other", _("other")

    class IntervalUnit(models.TextChoices):
        DAYS = "days", _("days")
        WEEKS = "weeks", _("weeks")
        MONTHS = "months", _("months")

    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        on_delete=models.PROTECT,
        related_name="maintenance_plans",
        help_text=_("Critical equipment only."),
    )
    task_kind = models.CharField(_("task"), max_length=20, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    interval_count = models.PositiveSmallIntegerField(_("every"))
    interval_unit = models.CharField(
        _("interval unit"), max_length=10, choices=IntervalUnit.choices, default=IntervalUnit.MONTHS
    )
    start_date = models.DateField(_("first due date"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default engineer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["equipment__name", "task_kind"]
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_count__gte=1), name="inspections_maintenanceplan_interval"
            ),
        ]

    def __str__(self):
        return self.title or f"{self.equipment.name}: {self.get_task_kind_display()}"


class MaintenanceTask(TimeStampedModel):
    class Status(models.TextChoices):
        DUE = "due", _("due")
        DONE = "done", _("done")
        SKIPPED = "skipped", _("skipped")
        OVERDUE = "overdue", _("overdue")

    OPEN_STATUSES = (Status.DUE, Status.OVERDUE)

    plan = models.ForeignKey(
        MaintenancePlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="tasks"
    )
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        on_delete=models.PROTECT,
        related_name="maintenance_tasks",
    )
    task_kind = models.CharField(_("task"), max_length=20, choices=MaintenancePlan.TaskKind.choices)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DUE, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="maintenance_tasks",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    previous_firmware_version = models.CharField(
        _("previous firmware version"), max_length=100, blank=True
    )
    new_firmware_version = models.CharField(_("new firmware version"), max_length=100, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("maintenance task")
        verbose_name_plural = _("maintenance tasks")
        constraints = [
            # Exactly one task per plan and due date, however often the generator runs.
            models.UniqueConstraint(
                fields=["plan", "due_on"], name="inspections_maintenancetask_unique_plan_date"
            ),
            # A firmware update is only done with the version it installed.
            models.CheckConstraint(
                condition=~Q(status="done", task_kind="firmware_update")
                | ~Q(new_firmware_version=""),
                name="inspections_maintenancetask_firmware_version_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.equipment.name}: {self.get_task_kind_display()} · {self.due_on:%Y-%m-%d}"


class UpgradeAssessment(TimeStampedModel):
    """The assessment of an upgrade or consultation ticket (版本升级评估): where the
    unit stands, what is proposed, its risks, downtime and price. The customer approves
    or declines it online; approval plans the upgrade as a maintenance task."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PROPOSED = "proposed", _("awaiting decision")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="upgrade_assessment",
    )
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="upgrade_assessments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    current_version = models.CharField(_("current version"), max_length=100, blank=True)
    current_configuration = models.TextField(_("current configuration"), blank=True)
    target_version = models.CharField(_("proposed version"), max_length=100, blank=True)
    proposal = models.TextField(_("proposal"))
    risks = models.TextField(_("risks"), blank=True)
    downtime_estimate = models.DurationField(_("estimated downtime"))
    planned_for = models.DateField(_("planned for"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    maintenance_task = models.OneToOneField(
        MaintenanceTask,
        verbose_name=_("planned maintenance task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="upgrade_assessment",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("upgrade assessment")
        verbose_name_plural = _("upgrade assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(downtime_estimate__gte=timedelta(0)),
                name="inspections_upgradeassessment_downtime_not_negative",
            ),
            # An approved assessment always planned its task.
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(maintenance_task__isnull=False),
                name="inspections_upgradeassessment_approved_has_task",
            ),
        ]

    def __str__(self):
        return str(_("Assessment of %(ticket)s") % {"ticket": self.ticket.number})

    def get_absolute_url(self) -> str:
        return reverse("inspections:assessment_detail", args=[self.pk])

    @property
    def downtime_hours(self) -> Decimal:
        return Decimal(self.downtime_estimate.total_seconds()) / 3600

    def totals(self) -> dict[str, Decimal]:
        """The quote's total per currency (lines may be in several)."""
        sums: dict[str, Decimal] = {}
        for line in self.lines.all():
            sums[line.currency] = sums.get(line.currency, Decimal(0)) + line.amount
        return sums


class QuoteLine(TimeStampedModel):
    assessment = models.ForeignKey(
        UpgradeAssessment, on_delete=models.CASCADE, related_name="lines"
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(unit_price__gte=0),
                name="inspections_quoteline_positive",
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))
