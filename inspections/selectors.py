"""Every read of inspections and maintenance, scoped to the caller in one place per model:
- customers: their organisation's sites and equipment;
- engineers and experts: what is assigned to them, plus the work of their centres;
- dispatchers and managers: their centres (a regional one with its local children);
- admins, and staff without centres: everything."""

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from tickets.selectors import tickets_visible_to

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionResult,
    MaintenancePlan,
    MaintenanceTask,
    UpgradeAssessment,
)


def _scope(
    user: User, *, org: str, centers: tuple[str, ...], assignee: str | None = None
) -> Q | None:
    """The filter for this user; None means everything, and an impossible Q nothing."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_admin_role:
        return None
    if user.is_customer:
        return Q(**{org: user.organization_id})
    ids = user.center_ids
    if ids is None:
        return None
    q = Q()
    for field in centers:
        q |= Q(**{f"{field}__in": ids})
    if assignee and user.role in User.FIELD_ROLES:
        q |= Q(**{assignee: user})
    return q


def _filter(qs: QuerySet, q: Q | None) -> QuerySet:
    return qs if q is None else qs.filter(q)


def checklist_templates_visible_to(user: User) -> QuerySet[ChecklistTemplate]:
    items = Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "id"))
    return ChecklistTemplate.objects.prefetch_related(items)


def plans_visible_to(user: User) -> QuerySet[InspectionPlan]:
    qs = InspectionPlan.objects.select_related(
        "site",
        "site__organization",
        "site__service_center",
        "contract",
        "default_engineer",
        "service_center",
        "checklist_template",
    )
    q = _scope(
        user,
        org="site__organization_id",
        centers=("site__service_center_id", "service_center_id"),
        assignee="default_engineer",
    )
    return _filter(qs, q)


def inspections_visible_to(user: User) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related(
        "plan",
        "site",
        "site__organization",
        "assignee",
        "service_center",
        "checklist_template",
        "acknowledged_by",
    )
    q = _scope(
        user,
        org="site__organization_id",
        centers=("site__service_center_id", "service_center_id"),
        assignee="assignee",
    )
    return _filter(qs, q)


def with_results(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """Results (with their items, equipment and ticket) and the checklist's items: two
    queries whatever the number of inspections."""
    results = Prefetch(
        "results",
        queryset=InspectionResult.objects.select_related("item", "equipment", "ticket").order_by(
            "item__order", "id"
        ),
    )
    items = Prefetch(
        "checklist_template__items", queryset=ChecklistItem.objects.order_by("order", "id")
    )
    return qs.prefetch_related(results, items)


def reports_for_organization(user: User) -> QuerySet[Inspection]:
    """The service archive's inspection reports: completed inspections in scope."""
    return (
        inspections_visible_to(user)
        .filter(status=Inspection.Status.COMPLETED)
        .order_by("-completed_at", "-id")
    )


def maintenance_plans_visible_to(user: User) -> QuerySet[MaintenancePlan]:
    qs = MaintenancePlan.objects.select_related(
        "equipment", "equipment__site", "equipment__site__organization", "assignee"
    )
    q = _scope(
        user,
        org="equipment__site__organization_id",
        centers=("equipment__site__service_center_id",),
        assignee="assignee",
    )
    return _filter(qs, q)


def maintenance_tasks_visible_to(user: User) -> QuerySet[MaintenanceTask]:
    qs = MaintenanceTask.objects.select_related(
        "plan",
        "equipment",
        "equipment__site",
        "equipment__site__organization",
        "assignee",
        "done_by",
    )
    q = _scope(
        user,
        org="equipment__site__organization_id",
        centers=("equipment__site__service_center_id",),
        assignee="assignee",
    )
    return _filter(qs, q)


def assessments_visible_to(user: User) -> QuerySet[UpgradeAssessment]:
    """Upgrade assessments of the tickets the user sees; customers never see drafts."""
    qs = UpgradeAssessment.objects.select_related(
        "ticket",
        "ticket__organization",
        "ticket__site",
        "equipment",
        "prepared_by",
        "decided_by",
        "maintenance_task",
    ).prefetch_related("lines")
    if not user.is_authenticated:
        return qs.none()
    if not user.is_admin_role:
        qs = qs.filter(ticket__in=tickets_visible_to(user).values("pk"))
    if user.is_customer:
        qs = qs.exclude(status=UpgradeAssessment.Status.DRAFT)
    return qs
