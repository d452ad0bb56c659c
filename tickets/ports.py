"""What the tickets app asks of the apps above it, without importing them (see
servicedesk.ports): sla keeps the ticket's clocks, spareparts books the parts used on a
visit. Those apps plug their functions in from their AppConfig.ready(); tickets only
calls the ports below, so its imports never point up."""

from servicedesk.ports import Port

# --- answered by sla (sla.apps) ----------------------------------------------------
sla_on_ticket_event = Port(
    "tickets.ports.sla_on_ticket_event",
    "(ticket=, event=, at=, actor=, visit=, data=): start, pause, meet or stop the ticket's "
    "clocks for `event`, inside the caller's transaction.",
)
sla_plan_new_ticket = Port(
    "tickets.ports.sla_plan_new_ticket",
    '(ticket) → the first clocks of a report not saved yet (the "reported" event): sets '
    "its `nearest_due_at` before its INSERT; call `.save()` on the result once the ticket "
    "is saved, inside the same transaction (clocks and daily facts).",
)
sla_prefetch_clocks = Port(
    "tickets.ports.sla_prefetch_clocks",
    "(queryset) → the tickets with their clocks prefetched.",
)
sla_clocks_for_ticket = Port(
    "tickets.ports.sla_clocks_for_ticket",
    "(ticket) → the ticket's clocks in metric order.",
)
sla_order_by_nearest_due = Port(
    "tickets.ports.sla_order_by_nearest_due",
    "(queryset) → the tickets ordered by their nearest due point (`nearest_due_at`).",
)
sla_facts_changed = Port(
    "tickets.ports.sla_facts_changed",
    "(ticket=) → the ticket (locked) changed a field the dashboard counts and no clock: "
    "bring the dashboard's daily facts in line, inside the caller's transaction.",
)
sla_sweep = Port(
    "tickets.ports.sla_sweep",
    "(now=) → warn and breach every clock due by `now` (the demo).",
)
sla_downtime_impact = Port(
    "tickets.ports.sla_downtime_impact",
    "(ticket) → what the open fault does to its unit under its policy's rules: "
    "'down', 'degraded' or '' (none).",
)

# --- answered by spareparts (spareparts.apps) --------------------------------------
parts_resolve = Port(
    "tickets.ports.parts_resolve",
    "(items) → the items with part and stockroom ids replaced by the objects (400 on unknown).",
)
parts_use_on_visit = Port(
    "tickets.ports.parts_use_on_visit",
    "(visit=, actor=, items=, within=) → book the parts used on a visit; `within(visit)` "
    "runs the visit's own checks inside the same transaction.",
)
parts_release_for_visit = Port(
    "tickets.ports.parts_release_for_visit",
    "(visit=, actor=) → release what is still reserved for a finished or cancelled visit.",
)
parts_used_on_visit = Port(
    "tickets.ports.parts_used_on_visit",
    "(visit) → the parts used on a visit, for its documents.",
)
sla_annotate_state = Port(
    "tickets.ports.sla_annotate_state",
    "(queryset, now=) → the tickets annotated with `sla_warning` (an open clock past its "
    "warning point) and `sla_breached` (an open clock past due), for the queue.",
)
