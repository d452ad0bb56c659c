"""File endpoints (PDFs, photos, downloads) answer with a plain HttpResponse; whatever
the client's Accept header asks for, errors on them still render as JSON."""

from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation


class IgnoreAccept(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def file_action(*, url_path: str, roles, **kwargs):
    """A GET detail route that answers a file (`{id}/report.pdf`): no filters, no
    pagination, any Accept header."""
    return action(
        detail=True,
        methods=["get"],
        roles=roles,
        filter_backends=[],
        pagination_class=None,
        url_path=url_path,
        content_negotiation_class=IgnoreAccept,
        **kwargs,
    )
