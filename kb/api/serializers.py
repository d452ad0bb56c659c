from rest_framework import serializers

from assets.selectors import equipment_models_visible_to
from kb.models import Article
from kb.rendering import render_markdown
from servicedesk.api.fields import ScopedPrimaryKeyRelatedField


class ArticleSerializer(serializers.ModelSerializer):
    equipment_models = ScopedPrimaryKeyRelatedField(
        selector=equipment_models_visible_to, many=True, required=False
    )
    body_html = serializers.SerializerMethodField()
    source_ticket = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "body",
            "body_html",
            "language",
            "status",
            "category",
            "equipment_models",
            "source_ticket",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["published_at", "created_at", "updated_at"]

    def get_body_html(self, article) -> str:
        return str(render_markdown(article.body))
