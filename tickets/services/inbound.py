"""Inbound e-mail, filed: one RFC 822 message becomes a comment, a fault report or an entry
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
   (page tickets:inbound), and the dispatchers are notified.

Every message is stored once as an `InboundEmail` (with the original .eml in storage);
its Message-ID is unique, so ingesting the same message twice changes nothing.
Attachments over MAX_UPLOAD_SIZE or of a type not in ALLOWED_UPLOAD_TYPES are skipped,
and a note says so. Automatic replies (`Auto-Submitted`) and mail from our own address
are recorded and discarded, so out-of-office answers never loop back as comments.

A dispatcher then registers a queued message as a fault report (`inbound_register`) or
discards it (`inbound_discard`)."""

import logging
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications import events
from notifications.services import notify
from servicedesk.errors import InvalidTransition, PermissionDenied, ServiceError
from tickets.inbound import (
    NUMBER_RE,
    ParsedMessage,
    attachment_type,
    parse_message,
    screen_attachments,
    strip_quoted,
)
from tickets.models import InboundEmail, Ticket
from tickets.selectors import tickets_visible_to

from .intake import attachment_add, comment_add, ticket_create

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    """`outcome`: comment, ticket, queued, discarded or duplicate."""

    outcome: str
    inbound: InboundEmail
    ticket: object = None
    comment: object = None
    notes: list[str] = field(default_factory=list)


def add_attachments(*, ticket, author, attachments, comment=None) -> list[str]:
    """Store the acceptable attachments on the ticket (and comment); returns the notes
    about the ones skipped (screened out, or refused by the upload checks)."""
    accepted, notes = screen_attachments(attachments)
    for attachment in accepted:
        upload = SimpleUploadedFile(
            attachment.filename, attachment.content, content_type=attachment_type(attachment)
        )
        try:
            attachment_add(ticket=ticket, uploaded_by=author, file=upload, comment=comment)
        except ServiceError as exc:
            notes.append(
                _("Attachment “%(name)s” skipped: %(reason)s")
                % {"name": attachment.filename, "reason": exc.message}
            )
    return notes


# --- deciding --------------------------------------------------------------------------
def _ticket_in_subject(subject: str):
    for number in NUMBER_RE.findall(subject):
        ticket = (
            Ticket.objects.select_related("organization", "site")
            .filter(number=number.upper())
            .first()
        )
        if ticket is not None:
            return ticket
    return None


def _reply_author(sender: str, ticket) -> tuple[User | None, bool]:
    """(the author to record, whether the sender may comment on the ticket)."""
    for user in User.objects.filter(email__iexact=sender, is_active=True).order_by("pk"):
        if user.is_customer and user.organization_id == ticket.organization_id:
            return user, True
        if user.is_staff_role and tickets_visible_to(user).filter(pk=ticket.pk).exists():
            return user, True
    if ticket.contact_email and ticket.contact_email.strip().lower() == sender.lower():
        return None, True
    return None, False


def _known_customer(sender: str) -> User | None:
    customers = list(
        User.objects.filter(email__iexact=sender, is_active=True, role__in=User.CUSTOMER_ROLES)
        .select_related("organization")
        .order_by("pk")
    )
    if len({user.organization_id for user in customers}) != 1:
        return None  # unknown, or the same address in two organisations: a dispatcher decides
    return customers[0]


def default_site(organization):
    """The organisation's only site, or else its first (oldest) one; None without sites."""
    return organization.sites.order_by("pk").first()


def _is_own_address(sender: str) -> bool:
    own = {
        parseaddr(address)[1].lower()
        for address in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL)
    }
    return sender.lower() in own


def _store(parsed: ParsedMessage, raw: bytes) -> InboundEmail | None:
    """The message's row, or None when this Message-ID was ingested before."""
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                message_id=parsed.message_id,
                sender=parsed.sender,
                sender_name=parsed.sender_name,
                subject=parsed.subject,
                body=parsed.body,
                received_at=timezone.now(),
            )
    except IntegrityError:
        return None
    inbound.raw.save(f"message-{inbound.pk}.eml", ContentFile(raw), save=False)
    return inbound


@transaction.atomic
def ingest_message(raw: bytes) -> IngestResult:
    """File one RFC 822 message (see the module's rules)."""
    parsed = parse_message(raw)
    inbound = _store(parsed, raw)
    if inbound is None:
        return IngestResult("duplicate", InboundEmail.objects.get(message_id=parsed.message_id))
    Status = InboundEmail.Status
    notes: list[str] = []

    if parsed.auto_submitted or not parsed.sender or _is_own_address(parsed.sender):
        inbound.status = Status.DISCARDED
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
                body = (
                    _("E-mail from %(sender)s:") % {"sender": _sender_line(parsed)} + "\n\n" + body
                )
            if skipped:
                body += "\n\n" + "\n".join(skipped)
            comment = comment_add(ticket=ticket, author=author, body=body, via_email=True)
            notes = skipped + add_attachments(
                ticket=ticket, author=author, attachments=accepted, comment=comment
            )
            inbound.status, inbound.ticket, inbound.comment = Status.COMMENTED, ticket, comment
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
        ticket = ticket_create(
            actor=None,
            organization=customer.organization,
            site=site,
            channel="email",
            title=(parsed.subject or _("E-mail report"))[:200],
            description=description,
            contact_name=parsed.sender_name or customer.get_full_name(),
            contact_email=parsed.sender,
            contact_phone=customer.phone,
        )
        notes = [
            *notes,
            *skipped,
            *add_attachments(ticket=ticket, author=None, attachments=accepted),
        ]
        inbound.status, inbound.ticket = Status.FILED, ticket
        return _finish(inbound, notes, "ticket", ticket=ticket)

    inbound.status = Status.PENDING
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
    dispatchers = list(
        User.objects.filter(role=User.Role.DISPATCHER, is_active=True).order_by("pk")
    )
    notify(
        recipients=dispatchers,
        event=events.INBOUND_EMAIL_PENDING,
        target=inbound,
        context={"url": reverse("tickets:inbound")},
    )


# --- the dispatchers' queue: messages of unknown senders ---------------------------
def _check_dispatch(actor: User) -> None:
    if not actor.is_dispatch_role:
        raise PermissionDenied(_("Only dispatchers register inbound e-mail."))


def _lock_pending(inbound: InboundEmail) -> InboundEmail:
    locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if locked.status != InboundEmail.Status.PENDING:
        raise InvalidTransition(
            _("This e-mail was already handled (%(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def inbound_register(
    *,
    inbound: InboundEmail,
    actor: User,
    organization,
    site,
    title: str = "",
    kind: str = "fault",
    urgency: str = "medium",
):
    """A dispatcher files a queued e-mail as a fault report (channel e-mail) of the
    organisation and site they chose; its attachments come along."""
    _check_dispatch(actor)
    inbound = _lock_pending(inbound)
    if site is None or site.organization_id != organization.pk:
        raise ServiceError(_("The site does not belong to the organisation."), field="site")
    parsed = None
    if inbound.raw:
        with inbound.raw.open("rb") as handle:
            parsed = parse_message(handle.read())
    ticket = ticket_create(
        actor=actor,
        organization=organization,
        site=site,
        kind=kind,
        urgency=urgency,
        channel="email",
        title=(title or inbound.subject or str(_("E-mail report"))).strip()[:200],
        description=inbound.body.strip() or inbound.subject or str(_("(empty message)")),
        contact_name=inbound.sender_name,
        contact_email=inbound.sender,
    )
    notes = []
    if parsed is not None:
        notes = add_attachments(ticket=ticket, author=None, attachments=parsed.attachments)
    inbound.status, inbound.ticket = InboundEmail.Status.REGISTERED, ticket
    inbound.handled_by, inbound.handled_at = actor, timezone.now()
    inbound.notes = "\n".join(filter(None, [inbound.notes, *notes]))
    inbound.save(
        update_fields=["status", "ticket", "handled_by", "handled_at", "notes", "updated_at"]
    )
    return ticket


@transaction.atomic
def inbound_discard(*, inbound: InboundEmail, actor: User, note: str = "") -> InboundEmail:
    """A dispatcher drops a queued e-mail (spam, not a service request)."""
    _check_dispatch(actor)
    inbound = _lock_pending(inbound)
    inbound.status = InboundEmail.Status.DISCARDED
    inbound.handled_by, inbound.handled_at = actor, timezone.now()
    if note:
        inbound.notes = "\n".join(filter(None, [inbound.notes, note]))
    inbound.save(update_fields=["status", "handled_by", "handled_at", "notes", "updated_at"])
    return inbound
