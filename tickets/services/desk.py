"""The dispatcher's desk: saved queue views, bulk triage and assignment (each ticket
through its own use case and transaction), canned replies kept by managers."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from servicedesk.errors import PermissionDenied, ServiceError
from tickets.models import CannedReply, SavedView, Ticket

from .flow import ticket_assign, ticket_triage

MANAGERS = {User.Role.MANAGER, User.Role.ADMIN}
BULK_ACTIONS = ("triage", "assign")
MAX_BULK = 100


@transaction.atomic
def saved_view_save(*, owner: User, name: str, query: str, shared: bool = False) -> SavedView:
    """Save the queue's filters under a name; the same name again replaces them."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the view a name."), field="name")
    if not owner.is_dispatch_role:
        raise PermissionDenied(_("Only dispatchers and managers keep queue views."))
    view = SavedView.objects.select_for_update().filter(owner=owner, name=name).first()
    if view is None:
        view = SavedView(owner=owner, name=name)
    view.query, view.shared = query[:1000], bool(shared)
    view.save()
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor: User) -> None:
    if view.owner_id != actor.pk and not actor.is_admin_role:
        raise PermissionDenied(_("Only its owner can delete a saved view."))
    view.delete()


@dataclass
class BulkResult:
    done: list[Ticket] = field(default_factory=list)
    refused: list[tuple[Ticket, str]] = field(default_factory=list)


def tickets_bulk(
    *, tickets, actor: User, action: str, severity: str = "", assignee: User | None = None
) -> BulkResult:
    """Triage or assign several tickets: each one through its own use case in its own
    transaction (its history, timeline and notifications as if done one by one), so one
    refused ticket does not undo the others."""
    if action not in BULK_ACTIONS:
        raise ServiceError(_("Choose triage or assign."), field="action")
    tickets = list(tickets)
    if len(tickets) > MAX_BULK:
        raise ServiceError(
            _("At most %(n)d fault reports at once.") % {"n": MAX_BULK}, field="tickets"
        )
    if action == "assign" and assignee is None:
        raise ServiceError(_("Choose an engineer."), field="assignee")
    result = BulkResult()
    for ticket in tickets:
        try:
            if action == "triage":
                done = ticket_triage(
                    ticket=ticket, actor=actor, severity=severity, assignee=assignee
                )
            else:
                done = ticket_assign(ticket=ticket, actor=actor, assignee=assignee)
        except ServiceError as exc:
            result.refused.append((ticket, str(exc.message)))
        else:
            result.done.append(done)
    return result


def _check_manager(actor: User) -> None:
    if actor.role not in MANAGERS and not actor.is_admin_role:
        raise PermissionDenied(_("Only managers keep the canned replies."))


@transaction.atomic
def canned_reply_save(
    *,
    actor: User,
    title: str,
    body_en: str,
    body_zh_hans: str,
    active: bool = True,
    reply: CannedReply | None = None,
) -> CannedReply:
    """Create a canned reply, or change one (history keeps the earlier text)."""
    _check_manager(actor)
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Give the reply a title."), field="title")
    if not (body_en or "").strip() or not (body_zh_hans or "").strip():
        raise ServiceError(_("Write the reply in English and in Chinese."), field="body_en")
    twin = CannedReply.objects.filter(title=title)
    if reply is not None:
        reply = CannedReply.objects.select_for_update().get(pk=reply.pk)
        twin = twin.exclude(pk=reply.pk)
    if twin.exists():
        raise ServiceError(_("A canned reply with this title exists."), field="title")
    reply = reply or CannedReply()
    reply.title, reply.body_en, reply.body_zh_hans, reply.active = (
        title,
        body_en.strip(),
        body_zh_hans.strip(),
        bool(active),
    )
    reply.save()
    return reply
