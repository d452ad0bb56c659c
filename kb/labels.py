"""QR labels: a printable A4 sheet with one code per unit of a site. A code holds the
absolute URL of the report form with the unit filled in (`SITE_URL` +
`/tickets/new/?equipment=<id>`); scanning it opens the form after login."""

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assets.models import Equipment, Site
from servicedesk.pdf import pdf_response, render_pdf


def report_url(unit: Equipment) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('tickets:create')}?equipment={unit.pk}"


def qr_svg_data_uri(text: str) -> str:
    """A vector QR code (error correction M, the four-module quiet zone) as a data URI,
    so WeasyPrint embeds it without fetching anything."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=4, border=4)


def site_labels_pdf(site: Site, units, *, user) -> bytes:
    labels = [
        {"unit": unit, "url": report_url(unit), "qr": qr_svg_data_uri(report_url(unit))}
        for unit in units
    ]
    with translation.override(getattr(user, "language", None) or translation.get_language()):
        return render_pdf("kb/pdf/labels.html", {"site": site, "labels": labels})


def site_labels_response(site: Site, units, *, user):
    return pdf_response(site_labels_pdf(site, units, user=user), f"labels-{site.code}.pdf")
