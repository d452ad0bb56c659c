from kb import services
from kb.models import Article


def article(
    author,
    *,
    title,
    body,
    language="en",
    status=Article.Status.PUBLISHED,
    equipment_models=(),
    category="",
):
    """An article written through kb.services (so its search index is built)."""
    return services.article_create(
        actor=author,
        title=title,
        body=body,
        language=language,
        status=status,
        category=category,
        equipment_models=list(equipment_models),
    )
