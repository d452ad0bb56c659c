"""The ticket and visit state machines, declared once. They drive the API actions,
the web buttons and the generated transition test: an (action, status) pair not in
a table is refused with InvalidTransition (HTTP 409)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Ticket, Visit

Status = Ticket.Status
Role = User.Role
DISPATCH = {Role.DISPATCHER, Role.MANAGER, Role.ADMIN}
FIELD = {Role.ENGINEER, Role.EXPERT}
STAFF = set(User.STAFF_ROLES)
CUSTOMERS = set(User.CUSTOMER_ROLES)
WORKING = (Status.TRIAGED, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.ONSITE)

# action -> {from status: to status}
TICKET_TRANSITIONS: dict[str, dict[str, str]] = {
    "triage": {
        Status.NEW: Status.TRIAGED,
        **{s: s for s in WORKING},
    },  # again later = severity change
    "assign": {s: s for s in (Status.NEW, *WORKING)},
    "respond": {Status.TRIAGED: Status.IN_PROGRESS},
    "wait-customer": {
        Status.IN_PROGRESS: Status.WAITING_CUSTOMER,
        Status.ONSITE: Status.WAITING_CUSTOMER,
    },
    "resume": {Status.WAITING_CUSTOMER: Status.IN_PROGRESS},
    "escalate": {
        Status.TRIAGED: Status.TRIAGED,
        Status.IN_PROGRESS: Status.IN_PROGRESS,
        Status.ONSITE: Status.ONSITE,
    },
    "dispatch": {
        Status.TRIAGED: Status.ONSITE,
        Status.IN_PROGRESS: Status.ONSITE,
        Status.ONSITE: Status.ONSITE,
    },
    "resolve": {Status.IN_PROGRESS: Status.RESOLVED, Status.ONSITE: Status.RESOLVED},
    "accept": {Status.RESOLVED: Status.RESOLVED},
    "follow-up": {
        Status.RESOLVED: Status.CLOSED
    },  # a recurrence sends it back to in_progress instead
    "reopen": {Status.RESOLVED: Status.IN_PROGRESS, Status.CLOSED: Status.IN_PROGRESS},
    "cancel": dict.fromkeys((Status.NEW, *WORKING), Status.CANCELLED),
    "close": {Status.RESOLVED: Status.CLOSED},
}

# action -> roles that may attempt it (scope and assignment are checked by the services)
TICKET_ACTION_ROLES: dict[str, set[str]] = {
    "triage": DISPATCH,
    "assign": DISPATCH,
    "respond": FIELD | DISPATCH,
    "wait-customer": FIELD | DISPATCH,
    "resume": FIELD | DISPATCH | CUSTOMERS,
    "escalate": FIELD | DISPATCH,
    "dispatch": FIELD | DISPATCH,
    "resolve": FIELD | DISPATCH,
    "accept": CUSTOMERS | DISPATCH,
    "follow-up": DISPATCH,
    "reopen": CUSTOMERS | DISPATCH,
    "cancel": CUSTOMERS | DISPATCH,
    "close": DISPATCH,
}

VisitStatus = Visit.Status
VISIT_TRANSITIONS: dict[str, dict[str, str]] = {
    "depart": {VisitStatus.DISPATCHED: VisitStatus.EN_ROUTE},
    "check-in": {
        VisitStatus.DISPATCHED: VisitStatus.ON_SITE,
        VisitStatus.EN_ROUTE: VisitStatus.ON_SITE,
    },
    "phase": {VisitStatus.ON_SITE: VisitStatus.ON_SITE},
    "parts": {VisitStatus.ON_SITE: VisitStatus.ON_SITE},
    "sign": {VisitStatus.ON_SITE: VisitStatus.ON_SITE},
    "complete": {VisitStatus.ON_SITE: VisitStatus.COMPLETED},
    "cancel": {
        VisitStatus.DISPATCHED: VisitStatus.CANCELLED,
        VisitStatus.EN_ROUTE: VisitStatus.CANCELLED,
    },
}
VISIT_ACTION_ROLES: dict[str, set[str]] = {
    "depart": FIELD | DISPATCH,
    "check-in": FIELD | DISPATCH,
    "phase": FIELD | DISPATCH,
    "parts": FIELD | DISPATCH,
    "sign": FIELD | DISPATCH | CUSTOMERS,
    "complete": FIELD | DISPATCH,
    "cancel": FIELD | DISPATCH,
}


# What the buttons, messages and API errors call the actions (the codes stay in URLs).
TICKET_ACTION_LABELS = {
    "triage": _("Triage"),
    "assign": _("Assign"),
    "respond": _("Respond"),
    "wait-customer": _("Wait for customer"),
    "resume": _("Resume"),
    "escalate": _("Escalate"),
    "dispatch": _("Dispatch a visit"),
    "resolve": _("Resolve"),
    "accept": _("Accept"),
    "follow-up": _("Follow up"),
    "reopen": _("Reopen"),
    "cancel": _("Cancel the ticket"),
    "close": _("Close"),
}
VISIT_ACTION_LABELS = {
    "depart": _("Depart"),
    "check-in": _("Check in"),
    "phase": _("Record a step"),
    "parts": _("Parts used"),
    "sign": _("Sign"),
    "complete": _("Complete the visit"),
    "cancel": _("Cancel the visit"),
}


def action_label(action: str, *, visit: bool = False) -> str:
    labels = VISIT_ACTION_LABELS if visit else TICKET_ACTION_LABELS
    return str(labels.get(action, action))


def next_status(table: dict[str, dict[str, str]], action: str, current: str) -> str | None:
    """The status after `action`, or None when the current status does not allow it."""
    return table.get(action, {}).get(current)


def allowed_actions(table, roles_table, *, status: str, role: str) -> list[str]:
    """Actions to offer as buttons: allowed from this status and for this role."""
    return [
        a
        for a, moves in table.items()
        if status in moves and (role in roles_table[a] or role == Role.ADMIN)
    ]
