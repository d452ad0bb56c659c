"""The state machines of inspections and maintenance tasks, declared once: the
services check them, the API actions and the page buttons are derived from them."""

from accounts.models import User

from .models import Inspection, MaintenanceTask

S = Inspection.Status
T = MaintenanceTask.Status
R = User.Role

FIELD = frozenset({R.ENGINEER, R.EXPERT})
DISPATCH = frozenset({R.DISPATCHER, R.MANAGER, R.ADMIN})
CUSTOMERS = frozenset(User.CUSTOMER_ROLES)
STAFF = frozenset(User.STAFF_ROLES)

# action → {from status: to status}
INSPECTION_TRANSITIONS = {
    "start": {S.SCHEDULED: S.IN_PROGRESS},
    "results": {S.IN_PROGRESS: S.IN_PROGRESS},
    "complete": {S.IN_PROGRESS: S.COMPLETED},
    "cancel": {S.SCHEDULED: S.CANCELLED, S.IN_PROGRESS: S.CANCELLED},
    "miss": {S.SCHEDULED: S.MISSED, S.IN_PROGRESS: S.MISSED},
    "acknowledge": {S.COMPLETED: S.COMPLETED},
    "assign": {S.SCHEDULED: S.SCHEDULED, S.IN_PROGRESS: S.IN_PROGRESS},
    "raise_ticket": {S.IN_PROGRESS: S.IN_PROGRESS, S.COMPLETED: S.COMPLETED},
}
INSPECTION_ACTION_ROLES = {
    "start": FIELD | DISPATCH,
    "results": FIELD | DISPATCH,
    "complete": FIELD | DISPATCH,
    "cancel": DISPATCH,
    "acknowledge": CUSTOMERS,
    "assign": DISPATCH,
    "raise_ticket": STAFF,
}

TASK_TRANSITIONS = {
    "complete": {T.DUE: T.DONE, T.OVERDUE: T.DONE},
    "skip": {T.DUE: T.SKIPPED, T.OVERDUE: T.SKIPPED},
    "overdue": {T.DUE: T.OVERDUE},
}
TASK_ACTION_ROLES = {
    "complete": FIELD | DISPATCH,
    "skip": DISPATCH,
}


def next_status(table: dict, action: str, current: str) -> str | None:
    return table.get(action, {}).get(current)


def allowed_actions(table: dict, roles_table: dict, status: str, user) -> list[str]:
    """The actions a page shows as buttons for this user and status."""
    return [action for action, roles in roles_table.items()
            if next_status(table, action, status) and (user.is_admin_role or user.role in roles)]
