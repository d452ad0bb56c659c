"""Every read of the knowledge base, scoped by the caller: staff see every article,
drafts included; customers the published ones that apply to no particular model or to
a model their organisation has."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from assets.models import Equipment

from . import search
from .models import Article, ArticleTerm

SUGGESTIONS = 5


def articles_visible_to(user: User) -> QuerySet[Article]:
    qs = Article.objects.select_related("author", "source_ticket").prefetch_related(
        "equipment_models"
    )
    if not user.is_customer:
        return qs
    own_model = Equipment.objects.filter(
        site__organization_id=user.organization_id, equipment_model=OuterRef("equipment_models")
    )
    general = ~Exists(Article.equipment_models.through.objects.filter(article=OuterRef("pk")))
    return qs.filter(Q(status=Article.Status.PUBLISHED) & (general | Exists(own_model))).distinct()


def _term_hits(text: str):
    terms = search.query_terms(text)
    hits = (
        ArticleTerm.objects.filter(term__in=terms)
        .values("article")
        .annotate(hits=Count("term"))
        .order_by()
    )
    return terms, hits


def search_articles(queryset: QuerySet[Article], text: str) -> QuerySet[Article]:
    """The articles of `queryset` holding every term of `text` (AND)."""
    terms, hits = _term_hits(text)
    if not terms:
        return queryset
    return queryset.filter(pk__in=hits.filter(hits=len(terms)).values("article"))


def suggested_articles(
    user: User, text: str, *, equipment_model_id=None, limit=SUGGESTIONS
) -> list[Article]:
    """Published articles sharing the most terms with what the customer typed (any
    term counts, ranked by how many), the unit's model first."""
    terms, hits = _term_hits(text)
    if not terms:
        return []
    qs = articles_visible_to(user).filter(status=Article.Status.PUBLISHED)
    scores = dict(hits.filter(article__in=qs.values("pk")).values_list("article", "hits"))
    if not scores:
        return []
    articles = list(qs.filter(pk__in=scores))
    same_model = {
        a.pk for a in articles if any(m.pk == equipment_model_id for m in a.equipment_models.all())
    }
    articles.sort(key=lambda a: (-scores[a.pk], a.pk not in same_model, -a.pk))
    return articles[:limit]


SIMILAR_WINDOW = 200


def similar_reports(tickets: QuerySet, text: str, *, equipment_model_id: int, limit: int) -> list:
    """Resolved reports (of `tickets`, already scoped) on units of the same model that
    share terms with `text`, most shared first. Only the model's latest
    SIMILAR_WINDOW resolved reports are compared, so the cost stays bounded."""
    from tickets.models import Ticket

    wanted = set(search.query_terms(text))
    if not wanted:
        return []
    recent = (
        tickets.filter(
            equipment__equipment_model_id=equipment_model_id,
            status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED],
        )
        .select_related(None)
        .only("id", "number", "title", "description", "cause", "solution")
        .order_by("-resolved_at")[:SIMILAR_WINDOW]
    )
    scored = []
    for ticket in recent:
        terms = search.index_terms(
            f"{ticket.title} {ticket.description} {ticket.cause} {ticket.solution}"
        )
        shared = len(wanted & terms)
        if shared:
            scored.append((shared, ticket))
    scored.sort(key=lambda pair: -pair[0])
    return [ticket for _shared, ticket in scored[:limit]]
