from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from servicedesk.models import TimeStampedModel


class OperationReport(TimeStampedModel):
    """A service (operation) report of one customer organisation over a period, in one
    language: built by a Celery task (status and progress show how far it got), its PDF
    kept in the customer's archive. Monthly and quarterly ones are made by the beat
    schedule, once per organisation, period and language; managers ask for any period."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        ON_DEMAND = "on_demand", _("on demand")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("building")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="operation_reports",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"), help_text=_("Included."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("operation report")
        verbose_name_plural = _("operation reports")
        constraints = [
            # The schedule makes each periodic report once, however often it runs.
            models.UniqueConstraint(
                fields=["organization", "kind", "period_start", "language"],
                condition=~Q(kind="on_demand"),
                name="reports_operationreport_unique_periodic",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reports_operationreport_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reports_operationreport_progress_range"
            ),
        ]
        indexes = [
            # The schedule's catch-up: reports still queued or building.
            models.Index(fields=["status", "created_at"], name="reports_open_by_age"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"
