"""The sweep: find running clocks past their warning point or due time (index scans
on the partial indexes of `Clock`), claim each stage with a conditional UPDATE and
notify exactly once per clock and stage.

Exactly once, however often and by however many workers it runs: a batch of
candidates is claimed in one transaction that locks the rows (`SELECT ... FOR UPDATE
SKIP LOCKED`: a concurrent sweep passes over what another holds) and then runs
`UPDATE ... WHERE id IN (...) AND state = 'running' AND <stage stamp> IS NULL`,
together with the in-app notifications it causes (one INSERT; the e-mails follow after
commit as one task). A clock claimed by another run matches nothing; a crash rolls
back claims and notifications together, so the next run does them. Breaches are
handled before warnings: after downtime a clock past both points gets only its breach
(its warning is marked as done without being sent), so a
restarted worker catches up without a flood."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from servicedesk.errors import ServiceError
from sla import facts
from sla.models import Clock, Metric
from tickets.models import Ticket

from .config import touch_tickets

log = logging.getLogger(__name__)
State = Clock.State
Role = User.Role
WARNING_EVENT = "sla_warning"
BREACH_EVENT = "sla_breach"
MAX_BATCHES = 1000  # a bound, so a bug can never make one sweep loop forever


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0


def _scan(queryset, order: str, batch_size: int, seen: set[int]) -> list[int]:
    ids = [
        pk
        for pk in queryset.order_by(order).values_list("pk", flat=True)[:batch_size]
        if pk not in seen
    ]
    seen.update(ids)
    return ids


def _load(ids: list[int]) -> list[Clock]:
    return list(
        Clock.objects.filter(pk__in=ids)
        .select_related(
            "ticket", "ticket__site", "ticket__site__service_center", "ticket__assignee"
        )
        .order_by("due_at", "pk")
    )


class _Staff:
    """Active dispatchers, managers and experts with their centres, loaded once per
    batch; staff without centres cover every centre."""

    def __init__(self, roles):
        users = (
            User.objects.filter(role__in=roles, is_active=True)
            .select_related("engineer_profile")
            .prefetch_related("service_centers")
        )
        self.rows = []
        for user in users:
            centres = {c.pk for c in user.service_centers.all()}
            profile = getattr(user, "engineer_profile", None) if user.role == Role.EXPERT else None
            if profile is not None:
                centres.add(profile.service_center_id)
            self.rows.append((user, centres))

    def covering(self, role: str, clock: Clock) -> list[User]:
        centre = clock.ticket.site.service_center
        wanted = {centre.pk, centre.parent_id} - {None}
        own = [u for u, centres in self.rows if u.role == role and centres & wanted]
        anywhere = [u for u, centres in self.rows if u.role == role and not centres]
        return own + anywhere if role != Role.EXPERT else (own or anywhere)


def _warning_recipients(staff: _Staff, clock: Clock) -> list[User]:
    return staff.covering(Role.DISPATCHER, clock)


def _breach_recipients(staff: _Staff, clock: Clock) -> list[User]:
    """The centre's managers and the next support tier: the experts covering the
    centre for a tier-1 ticket; for a ticket already with an expert or the vendor
    (who has no account here), the owning expert."""
    ticket = clock.ticket
    people = staff.covering(Role.MANAGER, clock)
    if ticket.tier <= 1:
        people += staff.covering(Role.EXPERT, clock)
    elif ticket.assignee is not None:
        people.append(ticket.assignee)
    return people


def _notice(recipients, event: str, clock: Clock) -> dict:
    return {
        "recipients": recipients,
        "event": event,
        "target": clock,
        "context": {"metric": clock.metric, "due_at": clock.due_at, "ticket": clock.ticket},
    }


def _claim(clocks: list[Clock], stage: str, now: datetime, staff: _Staff) -> list[Clock]:
    """Claim one stage of a batch of clocks in one transaction and notify for the ones
    this run claimed. The rows are locked first (a concurrent sweep skips what another
    holds), then a conditional UPDATE takes those still unclaimed: a clock claimed by
    another run, before or meanwhile, matches nothing here. A crash rolls back claims
    and notifications together, so the next run does them."""
    from notifications.services import notify_many

    if stage == "breach":
        unclaimed, changes = (
            Q(state=State.RUNNING, breached_at=None),
            {
                "state": State.BREACHED,
                "breached": True,
                "breached_at": now,
                "warned_at": Coalesce(F("warned_at"), Value(now)),
            },
        )
    else:
        unclaimed, changes = Q(state=State.RUNNING, warned_at=None), {"warned_at": now}
    with transaction.atomic():
        if stage == "breach":
            # A breach moves the ticket (sync): lock the tickets first, as the ticket
            # services do, skipping those a service holds (their clocks wait a minute).
            free = set(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(pk__in={clock.ticket_id for clock in clocks})
                .values_list("pk", flat=True)
            )
            clocks = [clock for clock in clocks if clock.ticket_id in free]
        ids = list(
            Clock.objects.select_for_update(skip_locked=True)
            .filter(unclaimed, pk__in=[clock.pk for clock in clocks])
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        Clock.objects.filter(unclaimed, pk__in=ids).update(**changes, updated_at=now)
        claimed = [clock for clock in clocks if clock.pk in set(ids)]
        if stage == "breach":  # the ticket shows the clock's state: sync must see it
            touch_tickets(clock.ticket_id for clock in claimed)
            facts.refresh_tickets(clock.ticket_id for clock in claimed)
            notify_many(
                [
                    _notice(_breach_recipients(staff, clock), BREACH_EVENT, clock)
                    for clock in claimed
                ]
            )
        else:
            notify_many(
                [
                    _notice(_warning_recipients(staff, clock), WARNING_EVENT, clock)
                    for clock in claimed
                ]
            )
    return claimed


def _escalate(ticket) -> bool:
    """A restore breach moves the ticket one support tier up (its own transaction, after
    the claim: a refused escalation never undoes the breach or its notifications)."""
    from tickets.services import ticket_escalate

    if ticket.tier >= 3:
        return False
    try:
        ticket_escalate(ticket=ticket, actor=None, reason="SLA breach: restore time exceeded")
    except ServiceError as exc:
        log.warning("SLA breach of %s: not escalated: %s", ticket.number, exc.message)
        return False
    return True


def sweep(*, now: datetime | None = None, batch_size: int = 500) -> SweepResult:
    """Warn and breach every running clock whose point has passed by `now`."""
    now = now or timezone.now()
    result, seen = SweepResult(), set()
    staff = None
    to_escalate = []
    due = Clock.objects.filter(state=State.RUNNING, due_at__lte=now)
    warn = Clock.objects.filter(
        Q(state=State.RUNNING, warned_at=None, warn_at__lte=now) & Q(due_at__gt=now)
    )
    for queryset, order, stage in ((due, "due_at", "breach"), (warn, "warn_at", "warning")):
        for _batch in range(MAX_BATCHES):
            ids = _scan(queryset, order, batch_size, seen)
            if not ids:
                break
            staff = staff or _Staff([Role.DISPATCHER, Role.MANAGER, Role.EXPERT])
            claimed = _claim(_load(ids), stage, now, staff)
            if stage == "breach":
                result.breached += len(claimed)
                to_escalate += [clock.ticket for clock in claimed if clock.metric == Metric.RESTORE]
            else:
                result.warned += len(claimed)
    for ticket in to_escalate:
        result.escalated += _escalate(ticket)
    return result
