"""The ticket and visit state machines, declared once. They drive the API actions,
the web buttons and the generated transition test: an (action, status) pair not in
a table is refused with InvalidTransition (HTTP 409)."""

from accounts.models import User

from .models import Ticket, Visit

S = Ticket.Status
R = User.Role
DISPATCH = {R.DISPATCHER, R.MANAGER, R.ADMIN}
FIELD = {R.ENGINEER, R.EXPERT}
STAFF = set(User.STAFF_ROLES)
CUSTOMERS = set(User.CUSTOMER_ROLES)
WORKING = (S.TRIAGED, S.IN_PROGRESS, S.WAITING_CUSTOMER, S.ONSITE)

# action -> {from status: to status}
TICKET_TRANSITIONS: dict[str, dict[str, str]] = {
    "triage": {S.NEW: S.TRIAGED, **{s: s for s in WORKING}},  # again later = severity change
    "assign": {s: s for s in (S.NEW, *WORKING)},
    "respond": {S.TRIAGED: S.IN_PROGRESS},
    "wait-customer": {S.IN_PROGRESS: S.WAITING_CUSTOMER, S.ONSITE: S.WAITING_CUSTOMER},
    "resume": {S.WAITING_CUSTOMER: S.IN_PROGRESS},
    "escalate": {S.TRIAGED: S.TRIAGED, S.IN_PROGRESS: S.IN_PROGRESS, S.ONSITE: S.ONSITE},
    "dispatch": {S.TRIAGED: S.ONSITE, S.IN_PROGRESS: S.ONSITE, S.ONSITE: S.ONSITE},
    "resolve": {S.IN_PROGRESS: S.RESOLVED, S.ONSITE: S.RESOLVED},
    "accept": {S.RESOLVED: S.RESOLVED},
    "follow-up": {S.RESOLVED: S.CLOSED},  # a recurrence sends it back to in_progress instead
    "reopen": {S.RESOLVED: S.IN_PROGRESS, S.CLOSED: S.IN_PROGRESS},
    "cancel": dict.fromkeys((S.NEW, *WORKING), S.CANCELLED),
    "close": {S.RESOLVED: S.CLOSED},
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

V = Visit.Status
VISIT_TRANSITIONS: dict[str, dict[str, str]] = {
    "depart": {V.DISPATCHED: V.EN_ROUTE},
    "check-in": {V.DISPATCHED: V.ON_SITE, V.EN_ROUTE: V.ON_SITE},
    "phase": {V.ON_SITE: V.ON_SITE},
    "parts": {V.ON_SITE: V.ON_SITE},
    "sign": {V.ON_SITE: V.ON_SITE},
    "complete": {V.ON_SITE: V.COMPLETED},
    "cancel": {V.DISPATCHED: V.CANCELLED, V.EN_ROUTE: V.CANCELLED},
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


def next_status(table: dict[str, dict[str, str]], action: str, current: str) -> str | None:
    """The status after `action`, or None when the current status does not allow it."""
    return table.get(action, {}).get(current)


def allowed_actions(table, roles_table, *, status: str, role: str) -> list[str]:
    """Actions to offer as buttons: allowed from this status and for this role."""
    return [a for a, moves in table.items() if status in moves and (role in roles_table[a] or role == R.ADMIN)]
