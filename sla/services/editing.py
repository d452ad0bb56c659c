"""Managers edit the SLA set-up: policies with their targets, business calendars with
their working windows, and calendar days (holidays, make-up working days). A new
default policy or calendar replaces the old one; the windows given replace the
calendar's windows. Editing never moves clocks already running."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.roles import MANAGERS
from servicedesk import crud
from sla.models import BusinessCalendar, CalendarDay, Policy, Target, WorkingWindow
from sla.selectors import calendars_visible_to, policies_visible_to

from .config import calendar_set_default, policy_set_default

IN_USE = _("It is still in use (by contracts, policies or clocks).")


def _check(actor, fields: dict) -> None:
    crud.check_role(actor, MANAGERS)
    crud.check_visible(actor, fields.get("policy"), policies_visible_to)
    crud.check_visible(actor, fields.get("calendar"), calendars_visible_to)


# --- policies ----------------------------------------------------------------------------
@transaction.atomic
def policy_create(*, actor, is_default: bool = False, **fields) -> Policy:
    _check(actor, fields)
    policy = crud.create(Policy, actor=actor, fields=fields)
    return policy_set_default(policy=policy, actor=actor) if is_default else policy


@transaction.atomic
def policy_update(policy: Policy, /, *, actor, is_default: bool = False, **fields) -> Policy:
    _check(actor, fields)
    policy = crud.update(policy, actor=actor, fields=fields)
    return policy_set_default(policy=policy, actor=actor) if is_default else policy


def policy_delete(policy: Policy, /, *, actor) -> None:
    crud.check_role(actor, MANAGERS)
    crud.delete(policy, actor=actor, in_use=IN_USE)


# --- targets -------------------------------------------------------------------------------
def target_create(*, actor, **fields) -> Target:
    _check(actor, fields)
    return crud.create(Target, actor=actor, fields=fields)


def target_update(target: Target, /, *, actor, **fields) -> Target:
    _check(actor, fields)
    return crud.update(target, actor=actor, fields=fields)


def target_delete(target: Target, /, *, actor) -> None:
    crud.check_role(actor, MANAGERS)
    crud.delete(target, actor=actor)


# --- business calendars ----------------------------------------------------------------
def _replace_windows(calendar: BusinessCalendar, windows) -> None:
    if windows is not None:
        calendar.windows.all().delete()
        WorkingWindow.objects.bulk_create(WorkingWindow(calendar=calendar, **window) for window in windows)


@transaction.atomic
def calendar_create(*, actor, windows=None, is_default: bool = False, **fields) -> BusinessCalendar:
    _check(actor, fields)
    calendar = crud.create(BusinessCalendar, actor=actor, fields=fields)
    _replace_windows(calendar, windows)
    return calendar_set_default(calendar=calendar, actor=actor) if is_default else calendar


@transaction.atomic
def calendar_update(calendar: BusinessCalendar, /, *, actor, windows=None, is_default: bool = False,
                    **fields) -> BusinessCalendar:
    _check(actor, fields)
    calendar = crud.update(calendar, actor=actor, fields=fields)
    _replace_windows(calendar, windows)
    return calendar_set_default(calendar=calendar, actor=actor) if is_default else calendar


def calendar_delete(calendar: BusinessCalendar, /, *, actor) -> None:
    crud.check_role(actor, MANAGERS)
    crud.delete(calendar, actor=actor, in_use=IN_USE)


# --- calendar days ---------------------------------------------------------------------
def calendar_day_create(*, actor, **fields) -> CalendarDay:
    _check(actor, fields)
    return crud.create(CalendarDay, actor=actor, fields=fields)


def calendar_day_update(day: CalendarDay, /, *, actor, **fields) -> CalendarDay:
    _check(actor, fields)
    return crud.update(day, actor=actor, fields=fields)


def calendar_day_delete(day: CalendarDay, /, *, actor) -> None:
    crud.check_role(actor, MANAGERS)
    crud.delete(day, actor=actor)
