from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk.models import TimeStampedModel


class Notification(TimeStampedModel):
    """One in-app notification of one user; the same row drives its e-mail
    (`emailed_at` is claimed with a conditional UPDATE, so a retried task never
    sends twice)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.SlugField(_("event"), max_length=60)
    verb = models.CharField(_("text"), max_length=500, help_text=_("In the recipient's language."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("about"), max_length=300, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    context = models.JSONField(
        default=dict, blank=True, help_text=_("Extra values for the e-mail.")
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The bell (unread count of one user) and the list (one user's, unread first
            # filtered, newest first) read only this index.
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notif_recipient_read_idx"
            ),
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
        _("deduplication key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Enqueuing the same key twice keeps one message."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
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


# --- channels beyond e-mail (issue 17): notifications.channels -----------------------
class ChannelEndpoint(TimeStampedModel):
    """Where events go besides the recipients' own channels: an integration's webhook
    (JSON signed with HMAC-SHA256), a WeCom group robot or a DingTalk robot (with its
    signing secret). `events` names the events it receives; `service_center_id`, when
    set, limits it to events about that centre's sites (routing such as "breaches of a
    centre to that centre's WeCom group"), `organization_id` to events about that
    customer organisation (its own group robot; only such a robot gets the survey link).
    Both are plain ids: notifications imports no domain app (choices come through
    `notifications.ports`)."""

    class Kind(models.TextChoices):
        WEBHOOK = "webhook", _("webhook")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk robot")

    name = models.CharField(_("name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WEBHOOK)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("secret"),
        max_length=200,
        blank=True,
        help_text=_("Signs webhook bodies; the DingTalk robot's signing secret."),
    )
    events = models.JSONField(_("events"), default=list, blank=True)
    service_center_id = models.PositiveBigIntegerField(
        _("only for service centre"), null=True, blank=True
    )
    organization_id = models.PositiveBigIntegerField(
        _("only for organisation"), null=True, blank=True
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(excluded_fields=["secret"])  # who changed what, never the secret

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("channel endpoint")
        verbose_name_plural = _("channel endpoints")

    def __str__(self):
        return self.name or self.url


class ChannelPreference(TimeStampedModel):
    """A user's choice for one personal channel: e-mail (on unless turned off) or SMS
    (off unless turned on, to the account's phone), for every event or the listed ones."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preferences"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    events = models.JSONField(
        _("events"), default=list, blank=True, help_text=_("Empty: every event.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel"], name="notifications_channelpref_once"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.channel}"
