"""The knowledge base over the API: `kb/articles/` (staff write, everyone reads in
scope, `?search=` through kb.search) and `tickets/{id}/publish-article/`, declared
here so that tickets never imports kb."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import ALL_ROLES, STAFF
from assets.selectors import equipment_visible_to, sites_visible_to
from kb import labels, selectors, services
from kb.models import Article
from servicedesk.api.downloads import IgnoreAccept
from servicedesk.api.views import ScopedModelViewSet
from tickets.selectors import tickets_visible_to

from .serializers import ArticleSerializer

SEARCH = OpenApiParameter(
    "search", str, description="Words in Chinese or English; an article must hold all."
)


@extend_schema_view(
    list=extend_schema(parameters=[SEARCH], summary="Articles in the caller's scope")
)
class ArticleViewSet(ScopedModelViewSet):
    queryset = (
        Article.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = ArticleSerializer
    read_roles = ALL_ROLES
    write_roles = STAFF
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["language", "status", "category", "equipment_models"]
    ordering_fields = ["published_at", "updated_at", "title"]

    def get_queryset(self):
        qs = selectors.articles_visible_to(self.request.user)
        text = self.request.query_params.get("search", "") if self.action == "list" else ""
        return selectors.search_articles(qs, text) if text.strip() else qs

    def perform_create(self, serializer):
        serializer.instance = services.article_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.article_update(
            article=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class PublishArticleView(APIView):
    """POST tickets/{id}/publish-article/: a draft article from a resolved report."""

    read_roles = write_roles = STAFF
    lookup_url_kwarg = "pk"  # the ticket is looked up first: out of scope is 404, a customer 403

    @extend_schema(
        request=None,
        responses={201: ArticleSerializer},
        summary="Turn a resolved fault report into a draft article",
    )
    def post(self, request, pk: int):
        ticket = get_object_or_404(tickets_visible_to(request.user), pk=pk)
        self.check_object_permissions(request, ticket)
        article = services.article_from_ticket(ticket=ticket, actor=request.user)
        return Response(
            ArticleSerializer(article, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class SiteLabelsView(APIView):
    """GET sites/{id}/labels/: a PDF sheet, one QR code per unit, each opening the
    report form with that unit filled in."""

    read_roles = ALL_ROLES
    lookup_url_kwarg = "pk"
    content_negotiation_class = IgnoreAccept

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="QR labels of a site's units (PDF)",
        operation_id="sites_labels_pdf",
    )
    def get(self, request, pk: int):
        site = get_object_or_404(sites_visible_to(request.user), pk=pk)
        units = equipment_visible_to(request.user).filter(site=site).order_by("name", "pk")
        return labels.site_labels_response(site, units, user=request.user)
