"""Inbound e-mail: one RFC 822 message becomes a comment, a fault report or an entry
in the dispatchers' registration queue.

Rules, in order:
1. The subject carries a ticket number (`FR-2026-000123`, e.g. "Re: [FR-2026-000123] …")
   and the sender may see that ticket (an active user of its organisation, staff who
   see it, or the ticket's contact e-mail): the text (quoted history cut off) becomes a
   comment (`via_email`), the attachments are added to it.
2. The sender is a known customer user (one organisation): a new fault report of that
   organisation, channel `email`. The site is the organisation's only site, or else its
   first (oldest) site; dispatchers correct it during triage.
3. Anything else (unknown sender, an organisation without sites, a reply to a ticket the
   sender may not see): an `InboundEmail` waits in the dispatchers' queue
   (page notifications:inbound), and the dispatchers are notified.

Every message is stored once as an `InboundEmail` (with the original .eml in storage);
its Message-ID is unique, so ingesting the same message twice changes nothing.
Attachments over MAX_UPLOAD_SIZE or of a type not in ALLOWED_UPLOAD_TYPES are skipped,
and a note says so. Automatic replies (`Auto-Submitted`) and mail from our own address
are recorded and discarded, so out-of-office answers never loop back as comments."""

import contextlib
import hashlib
import html
import imaplib
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from accounts.models import User
from notifications import events
from notifications.models import InboundEmail
from servicedesk.errors import ServiceError

log = logging.getLogger(__name__)
NUMBER_RE = re.compile(r"\bFR-\d{4}-\d{6}\b", re.IGNORECASE)
QUOTE_START_RE = re.compile(
    r"^(on\b.+\bwrote:|-{2,}\s*original message\s*-{2,}|-{2,}\s*原始邮件\s*-{2,}|在.+写道[:：]"
    r"|from:\s.+|发件人[:：].+|_{10,})\s*$",
    re.IGNORECASE,
)
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
TYPE_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png",
                "text/x-csv": "text/csv", "application/x-zip-compressed": "application/zip"}


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


@dataclass
class IngestResult:
    """`outcome`: comment, ticket, queued, discarded or duplicate."""

    outcome: str
    inbound: InboundEmail
    ticket: object = None
    comment: object = None
    notes: list[str] = field(default_factory=list)


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
        message_id=message_id[:500], sender=sender.strip()[:254], sender_name=sender_name.strip()[:200],
        subject=subject[:500], body=body.strip(), attachments=list(_attachments(message, body_part)),
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
        yield InboundAttachment(filename=filename.replace("/", "_").replace("\\", "_"), content=content,
                                content_type=content_type)


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
def _effective_type(attachment: InboundAttachment) -> str:
    declared = TYPE_ALIASES.get(attachment.content_type, attachment.content_type)
    if declared in GENERIC_TYPES:
        guessed, _encoding = mimetypes.guess_type(attachment.filename)
        return TYPE_ALIASES.get(guessed or "", guessed or "")
    return declared


def screen_attachments(attachments) -> tuple[list[InboundAttachment], list[str]]:
    """Those that may be stored, and a note for each skipped one."""
    accepted, notes = [], []
    for attachment in attachments:
        if attachment.size > settings.MAX_UPLOAD_SIZE:
            notes.append(_("Attachment “%(name)s” skipped: over the limit of %(limit)s.")
                         % {"name": attachment.filename, "limit": filesizeformat(settings.MAX_UPLOAD_SIZE)})
        elif attachment.size == 0:
            notes.append(_("Attachment “%(name)s” skipped: it is empty.") % {"name": attachment.filename})
        elif _effective_type(attachment) not in settings.ALLOWED_UPLOAD_TYPES:
            notes.append(_("Attachment “%(name)s” skipped: this type of file is not accepted.")
                         % {"name": attachment.filename})
        else:
            accepted.append(attachment)
    return accepted, notes


def add_attachments(*, ticket, author, attachments, comment=None) -> list[str]:
    """Store the acceptable attachments on the ticket (and comment); returns the notes
    about the ones skipped (screened out, or refused by the upload checks)."""
    from tickets.services import attachment_add

    accepted, notes = screen_attachments(attachments)
    for attachment in accepted:
        upload = SimpleUploadedFile(attachment.filename, attachment.content,
                                    content_type=_effective_type(attachment))
        try:
            attachment_add(ticket=ticket, uploaded_by=author, file=upload, comment=comment)
        except ServiceError as exc:
            notes.append(_("Attachment “%(name)s” skipped: %(reason)s")
                         % {"name": attachment.filename, "reason": exc.message})
    return notes


# --- deciding --------------------------------------------------------------------------
def _ticket_in_subject(subject: str):
    from tickets.models import Ticket

    for number in NUMBER_RE.findall(subject):
        ticket = Ticket.objects.select_related("organization", "site").filter(number=number.upper()).first()
        if ticket is not None:
            return ticket
    return None


def _reply_author(sender: str, ticket) -> tuple[User | None, bool]:
    """(the author to record, whether the sender may comment on the ticket)."""
    from tickets.selectors import tickets_visible_to

    for user in User.objects.filter(email__iexact=sender, is_active=True).order_by("pk"):
        if user.is_customer and user.organization_id == ticket.organization_id:
            return user, True
        if user.is_staff_role and tickets_visible_to(user).filter(pk=ticket.pk).exists():
            return user, True
    if ticket.contact_email and ticket.contact_email.strip().lower() == sender.lower():
        return None, True
    return None, False


def _known_customer(sender: str) -> User | None:
    customers = list(User.objects.filter(email__iexact=sender, is_active=True, role__in=User.CUSTOMER_ROLES)
                     .select_related("organization").order_by("pk"))
    if len({user.organization_id for user in customers}) != 1:
        return None  # unknown, or the same address in two organisations: a dispatcher decides
    return customers[0]


def default_site(organization):
    """The organisation's only site, or else its first (oldest) one; None without sites."""
    return organization.sites.order_by("pk").first()


def _is_own_address(sender: str) -> bool:
    own = {parseaddr(address)[1].lower() for address in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL)}
    return sender.lower() in own


def _store(parsed: ParsedMessage, raw: bytes) -> InboundEmail | None:
    """The message's row, or None when this Message-ID was ingested before."""
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                message_id=parsed.message_id, sender=parsed.sender, sender_name=parsed.sender_name,
                subject=parsed.subject, body=parsed.body, received_at=timezone.now(),
            )
    except IntegrityError:
        return None
    inbound.raw.save(f"message-{inbound.pk}.eml", ContentFile(raw), save=False)
    return inbound


@transaction.atomic
def ingest_message(raw: bytes) -> IngestResult:
    """File one RFC 822 message (see the module's rules)."""
    from tickets import services

    parsed = parse_message(raw)
    inbound = _store(parsed, raw)
    if inbound is None:
        return IngestResult("duplicate", InboundEmail.objects.get(message_id=parsed.message_id))
    S = InboundEmail.Status
    notes: list[str] = []

    if parsed.auto_submitted or not parsed.sender or _is_own_address(parsed.sender):
        inbound.status = S.DISCARDED
        inbound.notes = _("Automatic reply or message without a usable sender: not filed.")
        inbound.save(update_fields=["raw", "status", "notes", "updated_at"])
        return IngestResult("discarded", inbound)

    ticket = _ticket_in_subject(parsed.subject)
    if ticket is not None:
        author, allowed = _reply_author(parsed.sender, ticket)
        if allowed:
            accepted, skipped = screen_attachments(parsed.attachments)
            body = strip_quoted(parsed.body) or parsed.subject
            if author is None:
                body = _("E-mail from %(sender)s:") % {"sender": _sender_line(parsed)} + "\n\n" + body
            if skipped:
                body += "\n\n" + "\n".join(skipped)
            comment = services.comment_add(ticket=ticket, author=author, body=body, via_email=True)
            notes = skipped + add_attachments(ticket=ticket, author=author, attachments=accepted, comment=comment)
            inbound.status, inbound.ticket, inbound.comment = S.COMMENTED, ticket, comment
            return _finish(inbound, notes, "comment", ticket=ticket, comment=comment)
        notes.append(_("The sender may not comment on %(number)s.") % {"number": ticket.number})

    customer = _known_customer(parsed.sender)
    site = default_site(customer.organization) if customer is not None else None
    if customer is not None and site is None:
        notes.append(_("The sender's organisation has no site."))
    if site is not None:
        accepted, skipped = screen_attachments(parsed.attachments)
        description = parsed.body or parsed.subject or _("(empty message)")
        if skipped:
            description += "\n\n" + "\n".join(skipped)
        ticket = services.ticket_create(
            actor=None, organization=customer.organization, site=site, channel="email",
            title=(parsed.subject or _("E-mail report"))[:200], description=description,
            contact_name=parsed.sender_name or customer.get_full_name(), contact_email=parsed.sender,
            contact_phone=customer.phone,
        )
        notes = [*notes, *skipped, *add_attachments(ticket=ticket, author=None, attachments=accepted)]
        inbound.status, inbound.ticket = S.FILED, ticket
        return _finish(inbound, notes, "ticket", ticket=ticket)

    inbound.status = S.PENDING
    result = _finish(inbound, notes, "queued")
    _notify_dispatchers(inbound)
    return result


def _sender_line(parsed: ParsedMessage) -> str:
    return f"{parsed.sender_name} <{parsed.sender}>" if parsed.sender_name else parsed.sender


def _finish(inbound: InboundEmail, notes: list[str], outcome: str, **found) -> IngestResult:
    inbound.notes = "\n".join(notes)
    inbound.save(update_fields=["raw", "status", "ticket", "comment", "notes", "updated_at"])
    return IngestResult(outcome, inbound, notes=notes, **found)


def _notify_dispatchers(inbound: InboundEmail) -> None:
    from notifications.services import notify

    dispatchers = list(User.objects.filter(role=User.Role.DISPATCHER, is_active=True).order_by("pk"))
    notify(recipients=dispatchers, event=events.INBOUND_EMAIL_PENDING, target=inbound,
           context={"url": reverse("notifications:inbound")})


# --- IMAP ------------------------------------------------------------------------------
def poll_mailbox(url: str, *, limit: int = 100) -> int:
    """Ingest the UNSEEN messages of `imaps://user:pass@host:993/INBOX` (or `imap://`,
    upgraded with STARTTLS when offered) and mark each seen once it is filed. A message
    that fails stays unseen and is tried again at the next poll (Message-ID
    de-duplication makes a retry safe). Returns how many were ingested."""
    parts = urlsplit(url)
    secure = parts.scheme == "imaps"
    port = parts.port or (993 if secure else 143)
    mailbox = unquote(parts.path.lstrip("/")) or "INBOX"
    client = imaplib.IMAP4_SSL(parts.hostname, port, timeout=60) if secure else imaplib.IMAP4(
        parts.hostname, port, timeout=60)
    count = 0
    try:
        if not secure and "STARTTLS" in getattr(client, "capabilities", ()):
            client.starttls()
        client.login(unquote(parts.username or ""), unquote(parts.password or ""))
        client.select(mailbox)
        _status, data = client.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split()[:limit]:
            _status, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched or () if isinstance(item, tuple)), None)
            if not raw:
                continue
            try:
                ingest_message(raw)
            except Exception:
                log.exception("Inbound message %s could not be ingested; it stays unseen", uid)
                continue
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            count += 1
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return count
