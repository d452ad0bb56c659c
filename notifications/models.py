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
