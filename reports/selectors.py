"""Every read of operation reports, scoped in one place: customers see their
organisation's finished periodic reports (their archive), staff the reports of the
organisations they serve."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import organizations_visible_to

from .models import OperationReport


def reports_visible_to(user: User) -> QuerySet[OperationReport]:
    qs = OperationReport.objects.select_related("organization")
    if user.is_customer:
        return qs.filter(
            organization_id=user.organization_id, status=OperationReport.Status.DONE
        ).exclude(kind=OperationReport.Kind.ON_DEMAND)
    if user.center_ids is None:
        return qs
    return qs.filter(organization__in=organizations_visible_to(user))
