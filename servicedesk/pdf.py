"""PDF documents (service confirmations, fault reports, inspection reports,
certificates) rendered from Django templates by WeasyPrint. Templates extend
`pdf/base.html`, whose font stack includes Noto Sans CJK so Chinese text renders."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
