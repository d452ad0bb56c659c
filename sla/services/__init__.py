"""SLA use cases. The ticket services call `clocks_on_ticket_event` inside their own
transaction for every event that starts, meets, pauses or resumes a clock; the beat
task calls `sweep` every minute; managers configure calendars and policies."""

from .config import (
    calendar_day_delete,
    calendar_day_save,
    calendar_import_holidays,
    calendar_set_coverage,
    calendar_set_default,
    calendars_import_next_year,
    calendars_notify_coverage,
    downtime_impact,
    policy_for,
    policy_set_default,
)
from .editing import (
    calendar_create,
    calendar_delete,
    calendar_update,
    policy_create,
    policy_delete,
    policy_update,
    target_create,
    target_delete,
    target_update,
)
from .events import clocks_on_ticket_event, plan_new_ticket_clocks
from .sweep import SweepResult, sweep

__all__ = [
    "SweepResult",
    "calendar_day_delete",
    "calendar_day_save",
    "calendar_import_holidays",
    "calendar_set_coverage",
    "calendar_set_default",
    "calendars_import_next_year",
    "calendars_notify_coverage",
    "clocks_on_ticket_event",
    "plan_new_ticket_clocks",
    "downtime_impact",
    "policy_for",
    "policy_set_default",
    "sweep",
    "calendar_create",
    "calendar_delete",
    "calendar_update",
    "policy_create",
    "policy_delete",
    "policy_update",
    "target_create",
    "target_delete",
    "target_update",
]
