from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.models import TimeStampedModel


class Notification(TimeStampedModel):
    """One in-app notification of one user; the same row drives its e-mail
    (`emailed_at` is claimed with a conditional UPDATE, so a retried task never
    sends twice)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.SlugField(_("event"), max_length=60)
    verb = models.CharField(_("text"), max_length=500, help_text=_("In the recipient's language."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("about"), max_length=300, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    context = models.JSONField(default=dict, blank=True, help_text=_("Extra values for the e-mail."))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The bell (unread count of one user) and the list (one user's, unread first
            # filtered, newest first) read only this index.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_recipient_read_idx"),
        ]

    def __str__(self):
        return self.verb

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxMessage(models.Model):
    """One outbound message (an e-mail today; other channels register their own
    sender), written in the same transaction as the change that causes it and
    delivered at least once by `notifications.outbox`: a sender claims due rows with a
    conditional UPDATE and a lease (`sending` until `lease_until`; a crashed sender's
    claims come back when the lease expires), marks each `sent` once, and retries with
    capped backoff until `OUTBOX_MAX_ATTEMPTS`, then marks it `failed`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(_("channel"), max_length=30, default="email")
    kind = models.CharField(_("kind"), max_length=60)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    key = models.CharField(
        _("deduplication key"), max_length=200, null=True, blank=True, unique=True,
        help_text=_("Enqueuing the same key twice keeps one message."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [
            # The sender's claim: due pending rows, oldest first; expired leases.
            models.Index(fields=["status", "next_attempt_at"], name="notif_outbox_due_idx"),
            models.Index(fields=["status", "lease_until"], name="notif_outbox_lease_idx"),
        ]

    def __str__(self):
        return f"{self.channel}/{self.kind} #{self.pk} ({self.status})"
