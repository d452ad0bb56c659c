from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assets.models import Equipment, EquipmentModel
from servicedesk.models import TimeStampedModel


class Article(TimeStampedModel):
    """A knowledge-base article: Markdown body, one language, draft until published;
    customers read the published ones of their equipment models (or of none)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown: headings, lists, tables, links."))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    category = models.CharField(_("category"), max_length=100, blank=True)
    equipment_models = models.ManyToManyField(
        EquipmentModel,
        verbose_name=_("equipment models"),
        blank=True,
        related_name="articles",
        help_text=_("None: the article applies to every unit."),
    )
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("from fault report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[equipment_models])

    class Meta:
        ordering = ["-published_at", "-updated_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            # The customers' list: published articles, newest first.
            models.Index(fields=["status", "-published_at"], name="kb_article_status_pub_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb:detail", args=[self.pk])


class ArticleTerm(models.Model):
    """The inverted index of `kb.search`: one row per (article, term)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=40)

    class Meta:
        constraints = [
            # Counting matched terms per article relies on each term being there once.
            models.UniqueConstraint(fields=["term", "article"], name="kb_articleterm_unique_term"),
        ]

    def __str__(self):
        return self.term


class Deflection(models.Model):
    """A report attempt a customer closed with "solved by this article" instead of
    filing a ticket: the numerator of the deflection rate."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    equipment = models.ForeignKey(
        Equipment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query = models.CharField(_("what the customer typed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("solved by an article")
        verbose_name_plural = _("solved by articles")

    def __str__(self):
        return f"{self.article_id} {self.created_at:%Y-%m-%d}"
