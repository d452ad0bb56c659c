"""Demo data, built in steps: each app that has demo data adds a `demo.py` with a
`seed(ctx)` function and is named in STEPS. Every step is idempotent (get_or_create
on natural keys), so a second run changes nothing."""

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

STEPS = [
    "accounts.demo",
    "assets.demo",
    "sla.demo",
    "tickets.demo",
    "inspections.demo",
    "spareparts.demo",
    "training.demo",
    "notifications.demo",
    "kb.demo",  # issue 17: articles for the demo's models
]


@dataclass
class DemoContext:
    password: str | None
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def __getitem__(self, name):
        return self.objects[name]

    def __setitem__(self, name, value):
        self.objects[name] = value


def _load(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None  # that app has no demo data (yet)
        raise


def seed(password: str | None) -> DemoContext:
    ctx = DemoContext(password=password)
    with transaction.atomic():
        for name in STEPS:
            module = _load(name)
            if module is not None:
                module.seed(ctx)
    return ctx
