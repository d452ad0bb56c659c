from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataRequest(models.Model):
    """The audit of a personal-data request carried out: who asked for whose data and
    what was done. It holds ids and counts, never the personal data itself."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("export")
        ANONYMISE = "anonymise", _("anonymisation")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("carried out by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("carried out at"), auto_now_add=True, db_index=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("personal-data request")
        verbose_name_plural = _("personal-data requests")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.subject_id}"
