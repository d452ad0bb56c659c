"""What the SLA dashboard asks of the apps above sla, without importing them (see
servicedesk.ports): each figure comes from the app that owns its data, which plugs its
function in from its AppConfig.ready(). Each is called as
`(start, end, organization=, site=, service_center=)` and answers `(done, total)` with
one query."""

from servicedesk.ports import Port

OTHER_KPIS = {
    "inspections_on_schedule": Port("sla.ports.inspections_on_schedule", "(inspections)"),
    "training_within_month": Port("sla.ports.training_within_month", "(training)"),
    "parts_fill_rate": Port("sla.ports.parts_fill_rate", "(spareparts)"),
}
