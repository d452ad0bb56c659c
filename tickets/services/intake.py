"""Reporting a fault, editing the report before triage, comments and attachments."""

import re
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.services import notify_many
from servicedesk.errors import InvalidTransition, PermissionDenied, ServiceError
from tickets import search
from tickets.models import Attachment, Comment, Ticket

from . import _base as base
from .uploads import check_upload, clean_name

EDITABLE_FIELDS = ("title", "description", "impact", "equipment")
# `@username` at the start or after a space (not an e-mail address's @).
MENTION = re.compile(r"(?:^|(?<=\s))@([\w.+-]{1,150})", re.UNICODE)
MAX_MENTIONS = 10


def _check_report(*, actor, organization, site, equipment, kind, urgency, channel) -> None:
    if actor.is_customer and organization.pk != actor.organization_id:
        raise ServiceError(_("Customers report for their own organisation."), field="organization")
    if site.organization_id != organization.pk:
        raise ServiceError(_("The site does not belong to the organisation."), field="site")
    if equipment is not None and equipment.site_id != site.pk:
        raise ServiceError(_("The equipment is not installed at this site."), field="equipment")
    for field, value, choices in (
        ("kind", kind, Ticket.Kind),
        ("urgency", urgency, Ticket.Urgency),
        ("channel", channel, Ticket.Channel),
    ):
        if value not in choices.values:
            raise ServiceError(_("Not a valid choice."), field=field)


def _reporter_for(actor: User, organization, contact_email: str) -> User | None:
    if actor is not None and actor.is_customer:
        return actor
    if contact_email:
        return (
            User.objects.filter(
                organization=organization, email__iexact=contact_email, is_active=True
            )
            .order_by("pk")
            .first()
        )
    return None


@transaction.atomic
def ticket_create(
    *,
    actor: User | None,
    organization,
    site,
    title: str,
    description: str,
    kind: str = "fault",
    impact: str = "",
    urgency: str = "medium",
    equipment=None,
    channel: str,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    reported_at: datetime | None = None,
) -> Ticket:
    """A new fault report (`new`); `actor` None means it came in unattended (e-mail)."""
    if actor is not None:
        _check_report(
            actor=actor,
            organization=organization,
            site=site,
            equipment=equipment,
            kind=kind,
            urgency=urgency,
            channel=channel,
        )
    if not (title or "").strip():
        raise ServiceError(_("Give the report a title."), field="title")
    if not (description or "").strip():
        raise ServiceError(_("Describe the symptom."), field="description")
    at = reported_at or base.now()
    reporter = _reporter_for(actor, organization, contact_email)
    if reporter is not None and not contact_name:
        contact_name = reporter.get_full_name() or reporter.username
        contact_email = contact_email or reporter.email
        contact_phone = contact_phone or reporter.phone
    ticket = Ticket(
        number=base.next_number("FR", at=at),
        kind=kind,
        channel=channel,
        title=title.strip(),
        description=description,
        impact=impact,
        urgency=urgency,
        organization=organization,
        site=site,
        equipment=equipment,
        reporter=reporter,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        reported_at=at,
        search_document=search.document(title, description),
    )
    # The "reported" clock event in two steps, so that the INSERT carries the
    # queue's `nearest_due_at` (no UPDATE of the new row).
    first_clocks = base.plan_first_clocks(ticket)
    ticket.save(force_insert=True)
    base.record(
        ticket,
        kind="reported",
        actor=actor,
        at=at,
        to_status=ticket.status,
        data={"channel": channel},
    )
    first_clocks.save()
    dispatchers, customers = base.report_recipients(ticket)
    # Both notices in one batch: one INSERT each for notifications and outbox rows.
    notify_many(
        [
            {
                "recipients": dispatchers,
                "event": "ticket_reported",
                "target": ticket,
                "actor": actor,
            },
            {
                "recipients": customers,
                "event": "ticket_received",
                "target": ticket,
                "actor": None,
            },
        ]
    )
    return ticket


@transaction.atomic
def ticket_edit(*, ticket: Ticket, actor: User, **changes) -> Ticket:
    """Title, symptom, impact and equipment, while the report is still `new`, by its
    reporter or staff."""
    ticket = base.lock_ticket(ticket)
    base.check_scope(actor, ticket)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(
            _("Only title, symptom, impact and equipment can be changed."), field=sorted(unknown)[0]
        )
    if ticket.status != Ticket.Status.NEW:
        raise InvalidTransition(_("The report can only be edited before it is triaged."))
    if actor.is_customer and actor.pk != ticket.reporter_id:
        raise PermissionDenied(_("Only the reporter or the service staff may edit the report."))
    equipment = changes.get("equipment", ticket.equipment)
    if equipment is not None and equipment.site_id != ticket.site_id:
        raise ServiceError(_("The equipment is not installed at this site."), field="equipment")
    for name in ("title", "description"):
        if name in changes and not (changes[name] or "").strip():
            raise ServiceError(_("This field may not be blank."), field=name)
    changed = {name: value for name, value in changes.items() if getattr(ticket, name) != value}
    if not changed:
        return ticket
    for name, value in changed.items():
        setattr(ticket, name, value)
    text_changed = bool({"title", "description"} & set(changed))
    if text_changed:
        comments = (
            ticket.comments.filter(internal=False)
            .order_by("created_at", "id")
            .values_list("body", flat=True)
        )
        ticket.search_document = search.document(ticket.title, ticket.description, *comments)
    base.save(ticket, *changed, *(("search_document",) if text_changed else ()))
    if "equipment" in changed:
        base.facts(ticket)
    base.record(
        ticket,
        kind="edited",
        actor=actor,
        at=base.now(),
        from_status=ticket.status,
        data={"fields": sorted(changed)},
    )
    return ticket


@transaction.atomic
def comment_add(
    *,
    ticket: Ticket,
    author: User | None,
    body: str,
    internal: bool = False,
    via_email: bool = False,
) -> Comment:
    if not (body or "").strip():
        raise ServiceError(_("Write a comment."), field="body")
    if author is not None:
        base.check_scope(author, ticket)
        if internal and author.is_customer:
            raise ServiceError(_("Customers cannot write internal notes."), field="internal")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    at = base.now()
    comment = Comment.objects.create(
        ticket=ticket, author=author, body=body, internal=internal, via_email=via_email
    )
    base.record(
        ticket,
        kind="comment",
        actor=author,
        at=at,
        from_status=ticket.status,
        note=body,
        internal=internal,
        data={"comment": comment.pk},
    )
    if internal:
        base.save(ticket)  # the ticket changed for `updated_after` syncs
    else:
        ticket.search_document = search.append(ticket.search_document, body)
        base.save(ticket, "search_document")
    if author is not None and author.is_customer:
        recipients = [ticket.assignee] if ticket.assignee else base.dispatchers_for(ticket)
    elif internal:
        recipients = [ticket.assignee]
    else:
        recipients = [*base.customer_recipients(ticket), ticket.assignee]
    mentioned = mentioned_staff(body, ticket=ticket, author=author)
    base.notify_after_commit(
        recipients=[r for r in recipients if r is not None and r not in mentioned],
        event="ticket_commented",
        target=ticket,
        actor=author,
        context={"comment": comment, "internal": internal},
    )
    base.notify_after_commit(
        recipients=mentioned,
        event="ticket_mentioned",
        target=ticket,
        actor=author,
        context={"comment": comment, "internal": internal},
    )
    return comment


def mentioned_staff(body: str, *, ticket: Ticket, author: User | None) -> list[User]:
    """The active staff named as `@username` in a comment by staff who may see the
    ticket (a mention never shows a ticket to someone outside its scope)."""
    if author is None or not author.is_staff_role:
        return []
    names = {m.rstrip(".").lower() for m in MENTION.findall(body or "")}
    if not names:
        return []
    from tickets.selectors import tickets_visible_to

    matches = Q()
    for name in sorted(names)[:MAX_MENTIONS]:
        matches |= Q(username__iexact=name)
    candidates = (
        User.objects.filter(matches, role__in=User.STAFF_ROLES, is_active=True)
        .exclude(pk=author.pk)
        .order_by("pk")
    )
    return [user for user in candidates if tickets_visible_to(user).filter(pk=ticket.pk).exists()]


@transaction.atomic
def attachment_add(
    *,
    ticket: Ticket,
    uploaded_by: User | None,
    file,
    internal: bool = False,
    comment=None,
    visit=None,
) -> Attachment:
    content_type, size = check_upload(file)
    if uploaded_by is not None:
        base.check_scope(uploaded_by, ticket)
        if internal and uploaded_by.is_customer:
            raise ServiceError(_("Customers cannot upload internal files."), field="internal")
    if comment is not None and comment.ticket_id != ticket.pk:
        raise ServiceError(_("The comment belongs to another fault report."), field="comment")
    if visit is not None and visit.ticket_id != ticket.pk:
        raise ServiceError(_("The visit belongs to another fault report."), field="visit")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    name = clean_name(file)
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        visit=visit,
        uploaded_by=uploaded_by,
        original_name=name,
        content_type=content_type,
        size=size,
        internal=internal,
    )
    file.seek(0)
    attachment.file.save(name, file, save=False)
    attachment.save()
    base.record(
        ticket,
        kind="attachment",
        actor=uploaded_by,
        at=base.now(),
        from_status=ticket.status,
        note=name,
        internal=internal,
        data={"attachment": attachment.pk},
    )
    base.save(ticket)
    return attachment
