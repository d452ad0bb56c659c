"""The hotline (issue 18): a dispatcher registers a phone call and triages it on one
screen, in one transaction: the report exists triaged (and assigned) or not at all."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from assets.selectors import sites_visible_to
from servicedesk.errors import PermissionDenied
from tickets.models import Ticket

from . import _base as base
from .flow import ticket_triage
from .intake import ticket_create

# How far back a call's start may date the report (a longer call is a mistake).
MAX_CALL_LENGTH = timedelta(hours=1)


def call_started_at(started: datetime | None) -> datetime:
    """When the caller reported: the call's start as the page recorded it, if it is
    plausible (not in the future, not over an hour ago), else now."""
    now = base.now()
    if started is None or started > now or now - started > MAX_CALL_LENGTH:
        return now
    return started


@transaction.atomic
def ticket_register_call(
    *,
    actor: User,
    site,
    title: str,
    description: str,
    severity: str,
    assignee: User | None = None,
    equipment=None,
    kind: str = Ticket.Kind.FAULT,
    impact: str = "",
    urgency: str = Ticket.Urgency.MEDIUM,
    contact_name: str = "",
    contact_phone: str = "",
    call_started: datetime | None = None,
) -> Ticket:
    """Register the caller's report (channel phone, reported when the call started) and
    triage it with its severity and engineer."""
    base.check_role(actor, "triage")
    if not sites_visible_to(actor).filter(pk=site.pk).exists():
        raise PermissionDenied(_("This is outside your scope."))
    ticket = ticket_create(
        actor=actor,
        organization=site.organization,
        site=site,
        equipment=equipment,
        kind=kind,
        title=title,
        description=description,
        impact=impact,
        urgency=urgency,
        channel=Ticket.Channel.PHONE,
        contact_name=contact_name,
        contact_phone=contact_phone,
        reported_at=call_started_at(call_started),
    )
    return ticket_triage(ticket=ticket, actor=actor, severity=severity, assignee=assignee)
