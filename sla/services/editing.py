"""Managers edit the SLA set-up: policies with their targets and business calendars
with their working windows and coverage (calendar days: config.calendar_day_save). A
new default policy or calendar replaces the old one; the windows given replace the
calendar's windows; a changed coverage recomputes the calendar's open clocks."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.roles import MANAGERS
from servicedesk import crud
from servicedesk.crud import EntityServices
from sla.models import BusinessCalendar, Policy, Target, WorkingWindow
from sla.selectors import calendars_visible_to, policies_visible_to

from .config import calendar_set_coverage, calendar_set_default, policy_set_default

UNCHANGED = object()

IN_USE = _("It is still in use (by contracts, policies or clocks).")


def _check_input(actor, fields: dict) -> None:
    crud.check_visible(actor, fields.get("policy"), policies_visible_to)
    crud.check_visible(actor, fields.get("calendar"), calendars_visible_to)


_policies = EntityServices(Policy, roles=MANAGERS, check_input=_check_input, in_use=IN_USE)
_calendars = EntityServices(
    BusinessCalendar, roles=MANAGERS, check_input=_check_input, in_use=IN_USE
)
policy_delete, calendar_delete = _policies.delete, _calendars.delete
target_create, target_update, target_delete = EntityServices(
    Target, roles=MANAGERS, check_input=_check_input
).functions


# --- policies and calendars: a new default replaces the old one --------------------------
@transaction.atomic
def policy_create(*, actor, is_default: bool = False, **fields) -> Policy:
    policy = _policies.create(actor=actor, **fields)
    return policy_set_default(policy=policy, actor=actor) if is_default else policy


@transaction.atomic
def policy_update(policy: Policy, /, *, actor, is_default: bool = False, **fields) -> Policy:
    policy = _policies.update(policy, actor=actor, **fields)
    return policy_set_default(policy=policy, actor=actor) if is_default else policy


def _replace_windows(calendar: BusinessCalendar, windows) -> None:
    if windows is not None:
        calendar.windows.all().delete()
        WorkingWindow.objects.bulk_create(
            WorkingWindow(calendar=calendar, **window) for window in windows
        )


def _finish_calendar(calendar: BusinessCalendar, actor, *, windows, is_default, covered_through):
    if covered_through is not UNCHANGED and covered_through != calendar.covered_through:
        calendar = calendar_set_coverage(
            calendar=calendar, covered_through=covered_through, actor=actor
        )
    _replace_windows(calendar, windows)
    return calendar_set_default(calendar=calendar, actor=actor) if is_default else calendar


@transaction.atomic
def calendar_create(
    *, actor, windows=None, is_default: bool = False, covered_through=UNCHANGED, **fields
) -> BusinessCalendar:
    calendar = _calendars.create(actor=actor, **fields)
    return _finish_calendar(
        calendar, actor, windows=windows, is_default=is_default, covered_through=covered_through
    )


@transaction.atomic
def calendar_update(
    calendar: BusinessCalendar,
    /,
    *,
    actor,
    windows=None,
    is_default: bool = False,
    covered_through=UNCHANGED,
    **fields,
) -> BusinessCalendar:
    calendar = _calendars.update(calendar, actor=actor, **fields)
    return _finish_calendar(
        calendar, actor, windows=windows, is_default=is_default, covered_through=covered_through
    )
