"""Checks every uploaded file (attachments, photos, signatures) before it is stored:
size against MAX_UPLOAD_SIZE (413), type against ALLOWED_UPLOAD_TYPES from the declared
content type and the file name's extension, images opened with Pillow and PDFs parsed
with pypdf (400)."""

import mimetypes
import os

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from servicedesk.errors import PayloadTooLarge, ServiceError

# Spellings browsers and mail clients use for the same type.
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "text/x-csv": "text/csv",
    "application/x-zip-compressed": "application/zip",
}
GENERIC = {"", "application/octet-stream", "binary/octet-stream"}
PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
SIGNATURE_TYPES = {"image/png", "image/jpeg"}


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def check_size(file, *, field: str = "file") -> int:
    size = _size(file)
    if size > settings.MAX_UPLOAD_SIZE:
        raise PayloadTooLarge(
            _("The file is over the upload limit of %(limit)s.")
            % {"limit": filesizeformat(settings.MAX_UPLOAD_SIZE)}
        )
    if size == 0:
        raise ServiceError(_("The file is empty."), field=field)
    return size


def _verify_image(file, content_type: str, *, field: str) -> None:
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ServiceError(_("The file is not a valid image."), field=field) from exc
    finally:
        file.seek(0)
    if image_format != PILLOW_FORMATS[content_type]:
        raise ServiceError(_("The image's content does not match its type."), field=field)


def _verify_pdf(file, *, field: str) -> None:
    """A PDF must parse as one: the header, the cross-reference table, at least a page."""
    try:
        file.seek(0)
        if file.read(5) != b"%PDF-":
            raise ValueError("no PDF header")
        file.seek(0)
        if len(PdfReader(file).pages) < 1:
            raise ValueError("no pages")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise ServiceError(_("The file is not a valid PDF."), field=field) from exc
    finally:
        file.seek(0)


def _type_by_extension(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name)
    return ALIASES.get(guessed or "", guessed or "")


def effective_type(declared: str, name: str) -> str:
    """The type a file counts as: the declared content type in its usual spelling, or
    the one its name's extension implies when the declared one is generic or missing
    (also what inbound e-mail attachments are screened by)."""
    declared = ALIASES.get(declared, declared)
    return _type_by_extension(name) if declared in GENERIC else declared


def check_type(file, *, allowed=None, field: str = "file") -> str:
    """The file's content type, or a 400 when it is not allowed or does not match
    the file name's extension."""
    allowed = set(allowed or settings.ALLOWED_UPLOAD_TYPES)
    name = getattr(file, "name", "") or ""
    declared = (getattr(file, "content_type", "") or "").split(";")[0].strip().lower()
    content_type = effective_type(declared, name)
    by_extension = _type_by_extension(name)
    if content_type not in allowed:
        raise ServiceError(_("This type of file is not accepted."), field=field)
    if by_extension != content_type:
        raise ServiceError(_("The file name's extension does not match its type."), field=field)
    if content_type in PILLOW_FORMATS:
        _verify_image(file, content_type, field=field)
    if content_type == "application/pdf":
        _verify_pdf(file, field=field)
    return content_type


def clean_name(file, *, default: str = "upload") -> str:
    base = os.path.basename(getattr(file, "name", "") or default)
    return get_valid_filename(base)[:200] or default


def check_upload(file, *, allowed=None, field: str = "file") -> tuple[str, int]:
    size = check_size(file, field=field)
    return check_type(file, allowed=allowed, field=field), size


def check_signature(file) -> str:
    check_size(file, field="signature")
    return check_type(file, allowed=SIGNATURE_TYPES, field="signature")
