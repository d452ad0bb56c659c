"""Configuration use cases: which policy applies to a ticket, the one default policy
and calendar, and importing a country's public holidays into a calendar."""

from collections.abc import Iterable

import holidays as holidays_package
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.errors import ServiceError
from sla import calendar as bizcal
from sla.models import BusinessCalendar, CalendarDay, Policy

MAKEUP_DAY_NAME = "Make-up working day"


def touch_tickets(ticket_ids) -> None:
    """Their clocks changed: move the tickets' `updated_at` (the ETag and `updated_after`
    of mobile sync follow it) to now, inside the caller's transaction."""
    from tickets.models import Ticket

    ids = {pk for pk in ticket_ids if pk is not None}
    if ids:
        Ticket.objects.filter(pk__in=ids).update(updated_at=timezone.now())


def policy_for(ticket) -> Policy | None:
    """The policy of the contract covering the ticket's site on its report date, else
    the default policy (None when there is none: the ticket runs no clocks)."""
    from assets.models import ServiceContract

    day = timezone.localdate(ticket.reported_at)
    contract = (
        ServiceContract.objects.filter(organization_id=ticket.organization_id, sites=ticket.site_id,
                                       sla_policy__isnull=False, starts_on__lte=day, ends_on__gte=day)
        .select_related("sla_policy__calendar").order_by("-starts_on", "-pk").first()
    )
    if contract is not None:
        return contract.sla_policy
    return Policy.objects.select_related("calendar").filter(is_default=True).first()


@transaction.atomic
def policy_set_default(*, policy: Policy, actor=None) -> Policy:
    """Make `policy` the default (the previous default stops being one)."""
    Policy.objects.select_for_update().filter(is_default=True).exclude(pk=policy.pk).update(
        is_default=False, updated_at=timezone.now())
    if not policy.is_default:
        policy.is_default = True
        policy.save(update_fields=["is_default", "updated_at"])
    return policy


@transaction.atomic
def calendar_set_default(*, calendar: BusinessCalendar, actor=None) -> BusinessCalendar:
    BusinessCalendar.objects.select_for_update().filter(is_default=True).exclude(pk=calendar.pk).update(
        is_default=False, updated_at=timezone.now())
    if not calendar.is_default:
        calendar.is_default = True
        calendar.save(update_fields=["is_default", "updated_at"])
    return calendar


def parse_years(value: str | Iterable[int]) -> list[int]:
    """"2025-2027", "2026" or "2025,2027" (or a list of ints) → sorted years."""
    if not isinstance(value, str):
        years = sorted({int(year) for year in value})
    else:
        years = set()
        for part in (p.strip() for p in value.split(",") if p.strip()):
            first, _sep, last = part.partition("-")
            if not (first.isdigit() and (not last or last.isdigit())):
                raise ServiceError(_("Give years like 2025-2027 or 2026."), field="years")
            years.update(range(int(first), int(last or first) + 1))
        years = sorted(years)
    if not years or years[0] < 1990 or years[-1] > 2100 or len(years) > 20:
        raise ServiceError(_("Give up to 20 years between 1990 and 2100."), field="years")
    return years


@transaction.atomic
def calendar_import_holidays(*, calendar: BusinessCalendar, country: str, years, subdiv: str | None = None,
                             actor=None) -> tuple[int, int]:
    """Public holidays and make-up working days of `country` in `years` from the
    `holidays` package, written as calendar days. The import is authoritative for the
    dates it knows (a manual entry for such a date is overwritten); other manual days
    stay. Returns (holidays written, make-up days written)."""
    years = parse_years(years)
    country = (country or "").strip().upper()
    try:
        holiday_dates, workdays = bizcal.holidays_from_package(country, years, subdiv=subdiv or None)
        names = holidays_package.country_holidays(country, subdiv=subdiv or None, years=years)
    except (ValueError, NotImplementedError, KeyError) as exc:
        raise ServiceError(_("The holidays package has no calendar for this country."), field="country") from exc
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    for date in sorted(holiday_dates):
        CalendarDay.objects.update_or_create(calendar=calendar, date=date,
                                             defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": names.get(date, "")})
    for date in sorted(workdays):
        CalendarDay.objects.update_or_create(calendar=calendar, date=date,
                                             defaults={"kind": CalendarDay.Kind.WORKDAY, "name": MAKEUP_DAY_NAME})
    calendar.save(update_fields=["updated_at"])
    return len(holiday_dates), len(workdays)
