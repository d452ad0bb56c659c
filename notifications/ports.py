"""What notifications asks the apps above it (docs/architecture.md, "ports"): the
endpoint pages offer service centres and customer organisations to limit an endpoint
to, but notifications imports no domain app; accounts provides the choices."""

from servicedesk.ports import Port

scope_choices = Port(
    "scope_choices",
    "() -> {'centres': [(id, name)], 'organizations': [(id, name)]}: what an endpoint may "
    "be limited to, and the names its pages show.",
)
