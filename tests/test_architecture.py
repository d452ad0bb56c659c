"""The import contracts (.importlinter, run by `lint-imports` in .ci/run): they hold on
the code as it is, and each one breaks when a forbidden import is planted in a
temporary copy of the apps (inside a function, where a cycle likes to hide)."""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def config() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    return parser


def root_packages() -> list[str]:
    return config()["importlinter"]["root_packages"].split()


def contract_name(contract_id: str) -> str:
    return config()[f"importlinter:contract:{contract_id}"]["name"]


@pytest.fixture(scope="module")
def copy_of_the_apps(tmp_path_factory):
    """The apps' Python files and the contracts, copied to a scratch directory."""
    target = tmp_path_factory.mktemp("layers")
    for package in root_packages():
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns("__pycache__", "locale", "templates", "static"),
        )
    shutil.copy(CONFIG, target / ".importlinter")
    return target


def lint_imports(directory: Path) -> subprocess.CompletedProcess:
    # PYTHONPATH first, so the copy is analysed and not the installed checkout.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(directory), "PATH": "/usr/bin:/bin"},
    )


def plant(directory: Path, module: str, statement: str) -> None:
    """Append a function whose body imports `statement` to `module` (a dotted name)."""
    path = directory / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = directory / module.replace(".", "/") / "__init__.py"
    source = path.read_text()
    path.write_text(source + f"\n\ndef _planted():\n    {statement}\n")


def test_the_contracts_hold_on_the_code():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_local_app_is_covered_by_the_contracts():
    local = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    assert local <= set(root_packages())


@pytest.mark.parametrize(
    ("module", "statement", "broken"),
    [
        # the shared base reaching for a domain app
        ("servicedesk.views", "from accounts.models import User", "shared-base"),
        # tickets asking sla directly instead of through tickets.ports
        ("tickets.selectors", "from sla.selectors import prefetch_clocks", "layers"),
        # an app above tickets importing a sibling
        ("inspections.services", "from spareparts import services", "layers"),
        # a lower app importing training (assets tells training through assets.ports)
        (
            "assets.api.views",
            "from training.services import obligation_sync_for_contract",
            "layers",
        ),
        # the leaf reaching back into a domain app
        ("notifications.services", "from tickets.models import Comment", "notifications-leaf"),
        # domain code depending on the HTTP layer
        ("tickets.services.inbound", "from tickets import web_inbound", "http-on-top"),
        ("sla.selectors", "from sla.api import serializers", "http-on-top"),
    ],
)
def test_a_planted_forbidden_import_breaks_its_contract(
    copy_of_the_apps, tmp_path, module, statement, broken
):
    scratch = tmp_path / "apps"
    shutil.copytree(copy_of_the_apps, scratch)
    assert lint_imports(scratch).returncode == 0  # the untouched copy passes
    plant(scratch, module, statement)
    result = lint_imports(scratch)
    assert result.returncode != 0
    report = " ".join(result.stdout.split())  # the report wraps long contract names
    assert f"{contract_name(broken)} BROKEN" in report, result.stdout
    assert f"{module} -> " in report
