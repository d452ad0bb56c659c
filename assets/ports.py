"""What the assets app asks of the apps above it, without importing them (see
servicedesk.ports): training keeps the training obligations a service contract brings.
training plugs its function in from its AppConfig.ready()."""

from servicedesk.ports import Port

contract_changed = Port(
    "assets.ports.contract_changed",
    "(contract=, actor=): a service contract was created or changed, inside the caller's "
    "transaction (training brings its training obligations up to date).",
)
