"""Real documents for upload tests: uploaded PDFs are parsed (issue 13)."""

import io
from functools import cache

from pypdf import PdfWriter


@cache
def pdf_bytes() -> bytes:
    """A valid one-page PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
