"""The state machines of inspections and maintenance tasks, declared once: the
services check them, the API actions and the page buttons are derived from them."""

from accounts.models import User

from .models import Inspection, MaintenanceTask, UpgradeAssessment

Status = Inspection.Status
TaskStatus = MaintenanceTask.Status
Role = User.Role

FIELD = frozenset({Role.ENGINEER, Role.EXPERT})
DISPATCH = frozenset({Role.DISPATCHER, Role.MANAGER, Role.ADMIN})
CUSTOMERS = frozenset(User.CUSTOMER_ROLES)
STAFF = frozenset(User.STAFF_ROLES)

# action → {from status: to status}
INSPECTION_TRANSITIONS = {
    "start": {Status.SCHEDULED: Status.IN_PROGRESS},
    "results": {Status.IN_PROGRESS: Status.IN_PROGRESS},
    "complete": {Status.IN_PROGRESS: Status.COMPLETED},
    "cancel": {Status.SCHEDULED: Status.CANCELLED, Status.IN_PROGRESS: Status.CANCELLED},
    "miss": {Status.SCHEDULED: Status.MISSED, Status.IN_PROGRESS: Status.MISSED},
    "acknowledge": {Status.COMPLETED: Status.COMPLETED},
    "assign": {Status.SCHEDULED: Status.SCHEDULED, Status.IN_PROGRESS: Status.IN_PROGRESS},
    "raise_ticket": {Status.IN_PROGRESS: Status.IN_PROGRESS, Status.COMPLETED: Status.COMPLETED},
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
    "complete": {TaskStatus.DUE: TaskStatus.DONE, TaskStatus.OVERDUE: TaskStatus.DONE},
    "skip": {TaskStatus.DUE: TaskStatus.SKIPPED, TaskStatus.OVERDUE: TaskStatus.SKIPPED},
    "overdue": {TaskStatus.DUE: TaskStatus.OVERDUE},
}
TASK_ACTION_ROLES = {
    "complete": FIELD | DISPATCH,
    "skip": DISPATCH,
}

AssessmentStatus = UpgradeAssessment.Status
# Upgrade assessments (issue 18): staff draft and propose, the customer decides; a
# declined (or not yet decided) assessment can be taken back into draft and revised.
ASSESSMENT_TRANSITIONS = {
    "edit": {AssessmentStatus.DRAFT: AssessmentStatus.DRAFT},
    "propose": {AssessmentStatus.DRAFT: AssessmentStatus.PROPOSED},
    "approve": {AssessmentStatus.PROPOSED: AssessmentStatus.APPROVED},
    "decline": {AssessmentStatus.PROPOSED: AssessmentStatus.DECLINED},
    "revise": {
        AssessmentStatus.PROPOSED: AssessmentStatus.DRAFT,
        AssessmentStatus.DECLINED: AssessmentStatus.DRAFT,
    },
}
ASSESSMENT_ACTION_ROLES = {
    "edit": FIELD | DISPATCH,
    "propose": FIELD | DISPATCH,
    "approve": CUSTOMERS,
    "decline": CUSTOMERS,
    "revise": FIELD | DISPATCH,
}


def next_status(table: dict, action: str, current: str) -> str | None:
    return table.get(action, {}).get(current)


def allowed_actions(table: dict, roles_table: dict, status: str, user) -> list[str]:
    """The actions a page shows as buttons for this user and status."""
    return [
        action
        for action, roles in roles_table.items()
        if next_status(table, action, status) and (user.is_admin_role or user.role in roles)
    ]
