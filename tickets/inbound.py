"""Inbound e-mail, read: an RFC 822 message parsed into its sender, subject, text and
attachments, the quoted history of a reply cut off, and the attachments screened
against the upload limits (the one table of accepted types is ALLOWED_UPLOAD_TYPES,
read through tickets.services.uploads). Nothing here writes; filing a message is
tickets.services.inbound, polling a mailbox tickets.mailbox."""

import hashlib
import html
import mimetypes
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from tickets.services.uploads import effective_type

NUMBER_RE = re.compile(r"\bFR-\d{4}-\d{6}\b", re.IGNORECASE)
QUOTE_START_RE = re.compile(
    r"^(on\b.+\bwrote:|-{2,}\s*original message\s*-{2,}|-{2,}\s*原始邮件\s*-{2,}|在.+写道[:：]"
    r"|from:\s.+|发件人[:：].+|_{10,})\s*$",
    re.IGNORECASE,
)


@dataclass
class InboundAttachment:
    filename: str
    content: bytes
    content_type: str

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class ParsedMessage:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    body: str
    attachments: list[InboundAttachment]
    auto_submitted: bool = False


# --- parsing -------------------------------------------------------------------------
def parse_message(raw: bytes) -> ParsedMessage:
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    sender_name, sender = parseaddr(str(message.get("From", "") or ""))
    message_id = str(message.get("Message-ID", "") or "").strip()
    if not message_id:
        message_id = f"<sha256-{hashlib.sha256(raw).hexdigest()}@servicedesk.invalid>"
    subject = " ".join(str(message.get("Subject", "") or "").split())
    auto = str(message.get("Auto-Submitted", "") or "").strip().lower()
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if body_part is not None:
        body = _text_of(body_part)
        if body_part.get_content_type() == "text/html":
            body = html_to_text(body)
    return ParsedMessage(
        message_id=message_id[:500],
        sender=sender.strip()[:254],
        sender_name=sender_name.strip()[:200],
        subject=subject[:500],
        body=body.strip(),
        attachments=list(_attachments(message, body_part)),
        auto_submitted=bool(auto) and auto != "no",
    )


def _text_of(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError):  # an unknown or wrong charset
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    markup = re.sub(r"(?i)</(p|div|li|tr|h[1-6])\s*>", "\n", markup)
    text = html.unescape(strip_tags(markup))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _attachments(message: EmailMessage, body_part):
    number = 0
    for part in message.walk():
        if part.is_multipart() or part is body_part:
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if part.get_content_maintype() == "text" and not filename and disposition != "attachment":
            continue  # the other alternative of the body
        number += 1
        content_type = part.get_content_type().lower()
        if not filename:
            filename = f"attachment-{number}{mimetypes.guess_extension(content_type) or ''}"
        content = part.get_payload(decode=True) or b""
        yield InboundAttachment(
            filename=filename.replace("/", "_").replace("\\", "_"),
            content=content,
            content_type=content_type,
        )


def strip_quoted(text: str) -> str:
    """The new part of a reply: lines from the first quote header on, and `>` lines, go."""
    kept = []
    for line in text.splitlines():
        if QUOTE_START_RE.match(line.strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip() or text.strip()


# --- attachments ---------------------------------------------------------------------
def attachment_type(attachment: InboundAttachment) -> str:
    return effective_type(attachment.content_type, attachment.filename)


def screen_attachments(attachments) -> tuple[list[InboundAttachment], list[str]]:
    """Those that may be stored, and a note for each skipped one."""
    accepted, notes = [], []
    for attachment in attachments:
        if attachment.size > settings.MAX_UPLOAD_SIZE:
            notes.append(
                _("Attachment “%(name)s” skipped: over the limit of %(limit)s.")
                % {"name": attachment.filename, "limit": filesizeformat(settings.MAX_UPLOAD_SIZE)}
            )
        elif attachment.size == 0:
            notes.append(
                _("Attachment “%(name)s” skipped: it is empty.") % {"name": attachment.filename}
            )
        elif attachment_type(attachment) not in settings.ALLOWED_UPLOAD_TYPES:
            notes.append(
                _("Attachment “%(name)s” skipped: this type of file is not accepted.")
                % {"name": attachment.filename}
            )
        else:
            accepted.append(attachment)
    return accepted, notes
