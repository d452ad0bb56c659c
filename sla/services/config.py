"""Configuration use cases: which policy applies to a ticket, the one default policy
and calendar, and importing a country's public holidays into a calendar."""

from collections.abc import Iterable
from datetime import date, timedelta

import holidays as holidays_package
from django.db import transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.errors import ServiceError
from sla import calendar as bizcal
from sla.models import BusinessCalendar, CalendarDay, Clock, ClockKind, Policy, Target

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
    the default policy (None when there is none: the ticket runs no clocks), with its
    targets: one query (policy and targets together) when the policy has targets."""
    from assets.models import ServiceContract

    day = timezone.localdate(ticket.reported_at)
    contract = ServiceContract.objects.filter(
        organization_id=ticket.organization_id,
        sites=ticket.site_id,
        sla_policy__isnull=False,
        starts_on__lte=day,
        ends_on__gte=day,
    ).order_by("-starts_on", "-pk")
    default = Policy.objects.filter(is_default=True)
    chosen = Coalesce(
        Subquery(contract.values("sla_policy_id")[:1]), Subquery(default.values("pk")[:1])
    )
    targets = list(Target.objects.select_related("policy__calendar").filter(policy_id=chosen))
    if targets:
        policy = targets[0].policy
        cached = Target.objects.filter(policy=policy)
        cached._result_cache, cached._prefetch_done = targets, True
        policy._prefetched_objects_cache = {"targets": cached}
        return policy
    return policy_for_site(
        organization_id=ticket.organization_id,
        site_id=ticket.site_id,
        day=timezone.localdate(ticket.reported_at),
    )


DEFAULT_IMPACT = {"major": "down", "urgent": "degraded"}


def downtime_impact(ticket) -> str:
    """What the ticket's open fault does to its unit, by its policy's rules (the
    defaults without a policy): 'down', 'degraded' or ''."""
    policy = policy_for(ticket)
    if policy is None:
        return DEFAULT_IMPACT.get(ticket.severity or "", "")
    return policy.impact_of(ticket.severity)


def policy_for_site(*, organization_id: int, site_id: int, day: date) -> Policy | None:
    """The policy a ticket reported at the site on `day` would run on."""
    from assets.models import ServiceContract

    contract = (
        ServiceContract.objects.filter(
            organization_id=organization_id,
            sites=site_id,
            sla_policy__isnull=False,
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .select_related("sla_policy__calendar")
        .order_by("-starts_on", "-pk")
        .first()
    )
    if contract is not None:
        return contract.sla_policy
    return Policy.objects.select_related("calendar").filter(is_default=True).first()


@transaction.atomic
def policy_set_default(*, policy: Policy, actor=None) -> Policy:
    """Make `policy` the default (the previous default stops being one)."""
    Policy.objects.select_for_update().filter(is_default=True).exclude(pk=policy.pk).update(
        is_default=False, updated_at=timezone.now()
    )
    if not policy.is_default:
        policy.is_default = True
        policy.save(update_fields=["is_default", "updated_at"])
    return policy


@transaction.atomic
def calendar_set_default(*, calendar: BusinessCalendar, actor=None) -> BusinessCalendar:
    BusinessCalendar.objects.select_for_update().filter(is_default=True).exclude(
        pk=calendar.pk
    ).update(is_default=False, updated_at=timezone.now())
    if not calendar.is_default:
        calendar.is_default = True
        calendar.save(update_fields=["is_default", "updated_at"])
    return calendar


def parse_years(value: str | Iterable[int]) -> list[int]:
    """ "2025-2027", "2026" or "2025,2027" (or a list of ints) → sorted years."""
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
def calendar_import_holidays(
    *, calendar: BusinessCalendar, country: str, years, subdiv: str | None = None, actor=None
) -> tuple[int, int]:
    """Public holidays and make-up working days of `country` in `years` from the
    `holidays` package, written as calendar days. The import is authoritative for the
    dates it knows (a manual entry for such a date is overwritten); other manual days
    stay. Returns (holidays written, make-up days written)."""
    years = parse_years(years)
    country = (country or "").strip().upper()
    try:
        holiday_dates, workdays = bizcal.holidays_from_package(
            country, years, subdiv=subdiv or None
        )
        names = holidays_package.country_holidays(country, subdiv=subdiv or None, years=years)
    except (ValueError, NotImplementedError, KeyError) as exc:
        raise ServiceError(
            _("The holidays package has no calendar for this country."), field="country"
        ) from exc
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    for day in sorted(holiday_dates):
        CalendarDay.objects.update_or_create(
            calendar=calendar,
            date=day,
            defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": names.get(day, "")},
        )
    for day in sorted(workdays):
        CalendarDay.objects.update_or_create(
            calendar=calendar,
            date=day,
            defaults={"kind": CalendarDay.Kind.WORKDAY, "name": MAKEUP_DAY_NAME},
        )
    known = [year for year in years if bizcal.package_knows(country, year, subdiv or None)]
    extend_coverage(calendar, known)
    calendar.save(update_fields=["covered_through", "updated_at"])
    recompute_open_clocks(calendar)
    return len(holiday_dates), len(workdays)


def extend_coverage(calendar: BusinessCalendar, years: Iterable[int]) -> None:
    """Move `covered_through` to the end of the last of `years` that continues it
    without a gap (a calendar without coverage starts at the first year)."""
    through = calendar.covered_through
    for year in sorted(set(years)):
        if through is None or year <= through.year + 1:
            through = max(through or date(year, 12, 31), date(year, 12, 31))
    calendar.covered_through = through


def recompute_open_clocks(calendar: BusinessCalendar) -> int:
    """The calendar's days changed: recompute the due and warning times (and the
    coverage flag) of its open business clocks, and move their tickets for sync.
    Only open clocks: the cost follows the open work. Returns how many moved."""
    from sla.deadlines import load_calendar, recompute
    from tickets.models import Ticket

    cal = load_calendar(BusinessCalendar.objects.get(pk=calendar.pk))
    open_clocks = Clock.objects.filter(
        calendar=calendar, clock_kind=ClockKind.BUSINESS, state__in=Clock.OPEN_STATES
    )
    # Tickets first, then their clocks: the order of the ticket services (no deadlock).
    list(
        Ticket.objects.select_for_update()
        .filter(pk__in=open_clocks.values("ticket_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    clocks = list(open_clocks.select_for_update(of=("self",)))
    fields = ["due_at", "warn_at", "paused_total", "beyond_coverage", "updated_at"]
    changed = []
    for clock in clocks:
        before = [getattr(clock, name) for name in fields[:-1]]
        recompute(clock, cal)
        if [getattr(clock, name) for name in fields[:-1]] != before:
            clock.updated_at = timezone.now()
            changed.append(clock)
    Clock.objects.bulk_update(changed, fields, batch_size=500)
    touch_tickets(clock.ticket_id for clock in changed)
    return len(changed)


@transaction.atomic
def calendar_day_save(
    *, calendar: BusinessCalendar, day: date, kind: str, name: str = "", actor=None
) -> CalendarDay:
    """Enter a holiday or a make-up working day by hand (or change the one of that
    date); open clocks on the calendar follow."""
    if kind not in CalendarDay.Kind.values:
        raise ServiceError(_("Choose holiday or make-up working day."), field="kind")
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    row, _created = CalendarDay.objects.update_or_create(
        calendar=calendar, date=day, defaults={"kind": kind, "name": name or ""}
    )
    calendar.save(update_fields=["updated_at"])
    recompute_open_clocks(calendar)
    return row


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, actor=None) -> None:
    calendar = BusinessCalendar.objects.select_for_update().get(pk=day.calendar_id)
    day.delete()
    calendar.save(update_fields=["updated_at"])
    recompute_open_clocks(calendar)


@transaction.atomic
def calendar_set_coverage(
    *, calendar: BusinessCalendar, covered_through: date | None, actor=None
) -> BusinessCalendar:
    """A manager who entered a year's days by hand declares them complete."""
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    calendar.covered_through = covered_through
    calendar.save(update_fields=["covered_through", "updated_at"])
    recompute_open_clocks(calendar)
    return calendar


# --- scheduled: next year's holidays and the coverage notice -------------------
COVERAGE_NOTICE_DAYS = 90
COVERAGE_EVENT = "sla_calendar_coverage"
IMPORTED_EVENT = "sla_holidays_imported"


def _managers():
    from accounts.models import User

    return list(User.objects.filter(role=User.Role.MANAGER, is_active=True))


def calendars_import_next_year(*, today: date | None = None) -> list[tuple[BusinessCalendar, int]]:
    """For every calendar with a holiday country: import the year after its coverage
    once the package knows that year officially (a no-op otherwise, so the task can
    run often and acts once a year). Managers are told what was imported."""
    from notifications.services import notify

    today = today or timezone.localdate()
    done = []
    for calendar in BusinessCalendar.objects.exclude(country="").order_by("pk"):
        year = calendar.covered_through.year + 1 if calendar.covered_through else today.year
        if year > today.year + 1 or not _knows(calendar, year):
            continue
        with transaction.atomic():
            holidays, workdays = calendar_import_holidays(
                calendar=calendar,
                country=calendar.country,
                years=[year],
                subdiv=calendar.subdivision or None,
            )
            calendar.refresh_from_db()
            notify(
                recipients=_managers(),
                event=IMPORTED_EVENT,
                target=calendar,
                context={
                    "year": year,
                    "holidays": holidays,
                    "workdays": workdays,
                    "covered_through": calendar.covered_through,
                },
            )
        done.append((calendar, year))
    return done


def _knows(calendar: BusinessCalendar, year: int) -> bool:
    try:
        return bizcal.package_knows(calendar.country, year, calendar.subdivision or None)
    except ValueError:
        return False


def calendars_notify_coverage(*, today: date | None = None) -> list[BusinessCalendar]:
    """Warn the managers once per coverage end, 90 days before a calendar's holiday data
    runs out (or at once for a holiday calendar that has none)."""
    from notifications.services import notify

    today = today or timezone.localdate()
    horizon = today + timedelta(days=COVERAGE_NOTICE_DAYS)
    warned = []
    for calendar in BusinessCalendar.objects.exclude(country="").order_by("pk"):
        end = calendar.covered_through
        if end is not None and (end > horizon or calendar.coverage_notice_for == end):
            continue
        if end is None and calendar.coverage_notice_for is not None:
            continue
        with transaction.atomic():
            locked = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
            if locked.coverage_notice_for == end and end is not None:
                continue
            locked.coverage_notice_for = end or today
            locked.save(update_fields=["coverage_notice_for"])
            notify(
                recipients=_managers(),
                event=COVERAGE_EVENT,
                target=locked,
                context={"covered_through": end, "days_left": (end - today).days if end else 0},
            )
        warned.append(calendar)
    return warned
