"""File endpoints (PDFs, downloads) answer with a plain HttpResponse; whatever the
client's Accept header asks for, errors on them still render as JSON."""

from rest_framework.negotiation import BaseContentNegotiation


class IgnoreAccept(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
