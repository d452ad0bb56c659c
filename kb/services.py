"""Writes of the knowledge base: articles (history kept by simple_history, the search
index rewritten in the same transaction), turning a resolved fault report into a draft,
and "solved by this article"."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from servicedesk.errors import InvalidTransition, PermissionDenied, ServiceError
from tickets.models import Ticket

from . import search
from .models import Article, ArticleTerm, Deflection

EDITABLE = ("title", "body", "language", "status", "category")
RESOLVED = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)


def _check_staff(actor: User) -> None:
    if actor.is_customer:
        raise PermissionDenied(_("Only service staff write articles."))


def _reindex(article: Article) -> None:
    ArticleTerm.objects.filter(article=article).delete()
    terms = search.index_terms(f"{article.title}\n{article.category}\n{article.body}")
    ArticleTerm.objects.bulk_create(
        [ArticleTerm(article=article, term=term) for term in sorted(terms)]
    )


def _apply(article: Article, values: dict) -> None:
    for field in EDITABLE:
        if field in values:
            setattr(article, field, values[field])
    if not (article.title or "").strip() or not (article.body or "").strip():
        raise ServiceError(_("An article needs a title and a text."), field="title")
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    if article.status == Article.Status.DRAFT:
        article.published_at = None


@transaction.atomic
def article_create(*, actor: User, equipment_models=(), source_ticket=None, **values) -> Article:
    _check_staff(actor)
    article = Article(author=actor, source_ticket=source_ticket)
    _apply(article, values)
    article.save()
    article.equipment_models.set(equipment_models)
    _reindex(article)
    return article


@transaction.atomic
def article_update(*, article: Article, actor: User, equipment_models=None, **values) -> Article:
    _check_staff(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    _apply(article, values)
    article.save()
    if equipment_models is not None:
        article.equipment_models.set(equipment_models)
    _reindex(article)
    return article


def _draft_body(ticket: Ticket) -> str:
    sections = [
        (_("Symptom"), ticket.description),
        (_("Cause"), ticket.cause),
        (_("Solution"), ticket.solution),
        (_("Prevention"), ticket.prevention),
    ]
    return "\n\n".join(
        f"## {heading}\n\n{text.strip()}" for heading, text in sections if (text or "").strip()
    )


@transaction.atomic
def article_from_ticket(*, ticket: Ticket, actor: User) -> Article:
    """A draft from a resolved fault report's symptom, cause, solution and prevention,
    in the author's language, for the unit's model."""
    _check_staff(actor)
    ticket = Ticket.objects.select_related("equipment").get(pk=ticket.pk)
    if ticket.status not in RESOLVED:
        raise InvalidTransition(_("Only a resolved fault report can become an article."))
    models = [ticket.equipment.equipment_model_id] if ticket.equipment else []
    return article_create(
        actor=actor,
        title=ticket.title,
        body=_draft_body(ticket),
        language=actor.language,
        status=Article.Status.DRAFT,
        equipment_models=models,
        source_ticket=ticket,
    )


@transaction.atomic
def deflection_record(
    *, article: Article, actor: User, equipment=None, query: str = ""
) -> Deflection:
    """The customer's report attempt ends here: solved by `article`, no ticket."""
    if article.status != Article.Status.PUBLISHED:
        raise InvalidTransition(_("Only a published article can solve a problem."))
    if (
        equipment is not None
        and actor.is_customer
        and equipment.site.organization_id != actor.organization_id
    ):
        raise ServiceError(_("Object does not exist."), field="equipment")
    return Deflection.objects.create(
        article=article,
        user=actor,
        organization_id=actor.organization_id,
        equipment=equipment,
        query=(query or "")[:300],
        created_at=timezone.now(),
    )
