"""Self-service and satisfaction figures of the dashboard, in the period and the
caller's scope.

- Deflection rate: report attempts closed with "solved by this article" / (those +
  fault reports customers filed through the portal).
- CSAT: the share of satisfaction answers (survey link, portal or follow-up call)
  scoring 4 or 5, with the mean score, per service centre, engineer (the ticket's
  assignee) and period; answers count in the period they were given."""

from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts.models import User
from tickets.models import SurveyResponse, Ticket
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


SATISFIED = Q(score__gte=4)
FIGURES = {"answers": Count("id"), "satisfied": Count("id", filter=SATISFIED), "mean": Avg("score")}


def _csat_row(row: dict) -> dict:
    total = row["answers"]
    return {
        **row,
        "csat": round(row["satisfied"] / total, 4) if total else None,
        "mean": round(row["mean"], 2) if row["mean"] is not None else None,
    }


def csat(user: User, start: datetime, end: datetime, *, bucket: str = "month") -> dict:
    """{overall, by_centre, by_engineer, by_period}: four aggregate queries."""
    answers = SurveyResponse.objects.filter(
        answered_at__gte=start,
        answered_at__lt=end,
        ticket__in=tickets_visible_to(user).values("pk"),
    )
    trunc = TruncWeek if bucket == "week" else TruncMonth
    centre, engineer = "ticket__site__service_center__name", "ticket__assignee__username"
    return {
        "overall": _csat_row(answers.aggregate(**FIGURES)),
        "by_centre": [
            _csat_row(row)
            for row in answers.values(name=F(centre)).annotate(**FIGURES).order_by("name")
        ],
        "by_engineer": [
            _csat_row(row)
            for row in answers.values(name=F(engineer)).annotate(**FIGURES).order_by("name")
        ],
        "by_period": [
            _csat_row(row)
            for row in answers.annotate(period=trunc("answered_at"))
            .values("period")
            .annotate(**FIGURES)
            .order_by("period")
        ],
    }
