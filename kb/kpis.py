"""Self-service figures of the dashboard. Deflection rate: report attempts closed
with "solved by this article" / (those + fault reports customers filed through the
portal), in the period and the caller's scope."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts.models import User
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to

from .models import Deflection


def period(start: str | None, end: str | None) -> tuple[datetime, datetime]:
    """[start, end) from the dashboard's `from`/`to` dates (end included); this month
    by default, as the SLA dashboard."""
    today = timezone.localdate()
    first = _date(start) or today.replace(day=1)
    last = _date(end) or today
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )


def _date(value) -> date | None:
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def deflection(user: User, start: datetime, end: datetime) -> dict:
    """{solved, filed, rate}: two COUNT queries."""
    deflections = Deflection.objects.filter(created_at__gte=start, created_at__lt=end)
    if user.center_ids is not None:
        deflections = deflections.filter(equipment__site__service_center_id__in=user.center_ids)
    filed = tickets_visible_to(user).filter(
        reported_at__gte=start,
        reported_at__lt=end,
        channel=Ticket.Channel.PORTAL,
        kind=Ticket.Kind.FAULT,
    )
    solved, filed = deflections.count(), filed.count()
    total = solved + filed
    return {"solved": solved, "filed": filed, "rate": round(solved / total, 4) if total else None}
