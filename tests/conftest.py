"""Shared fixtures. The `world` fixture builds the demo's shape in small: two
organisations with a site and a unit each, a regional and a local centre, and one
user per role. API clients are authenticated with force_authenticate unless a test
is about authentication itself."""

import gc
import importlib
import os
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import (
    EngineerProfileFactory,
    EquipmentFactory,
    OrganizationFactory,
    ServiceCenterFactory,
    ServiceContractFactory,
    SiteFactory,
    UserFactory,
)

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop

R = User.Role


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Password hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests serve static files from the finders; production uses the collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _celery_join_flag():
    """Eager `apply_async` flips Celery's process-wide "join would block" flag around
    the call; from several threads at once (the concurrency tests) the flips interleave
    and can leave it set, which would refuse every later `result.get()`."""
    from celery._state import _set_task_join_will_block

    yield
    _set_task_join_will_block(False)


@pytest.fixture
def eager_celery():
    """Tasks enqueued after commit (e-mails, reports) run in-process, so their effects
    (the locmem outbox) are visible to the test."""
    from servicedesk.celery import app as celery_app

    # The app reads Django settings with the CELERY_ namespace, so the prefixed key wins.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=True)
    yield
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=previous)


def ensure_migration_data():
    """Tests on `transaction=True` flush every table afterwards, data migrations'
    rows included; the default calendar and SLA policy are put back (idempotent)."""
    from django.apps import apps

    importlib.import_module("sla.migrations.0002_default_policy").create_defaults(apps, None)
    importlib.import_module("sla.migrations.0005_calendar_coverage").set_coverage(apps, None)


@pytest.fixture
def world(db):
    ensure_migration_data()
    regional = ServiceCenterFactory(name="Regional", code="regional", kind="regional")
    local = ServiceCenterFactory(name="Local", code="local", parent=regional)
    org_a = OrganizationFactory(name="Org A", code="org-a")
    org_b = OrganizationFactory(name="Org B", code="org-b")
    site_a = SiteFactory(organization=org_a, service_center=local, name="Site A")
    site_b = SiteFactory(organization=org_b, service_center=local, name="Site B")
    equipment_a = EquipmentFactory(site=site_a, critical=True)
    equipment_b = EquipmentFactory(site=site_b)
    contract_a = ServiceContractFactory(organization=org_a, sites=[site_a])
    contract_b = ServiceContractFactory(organization=org_b, sites=[site_b])
    users = SimpleNamespace(
        admin=UserFactory(username="admin", role=R.ADMIN, is_superuser=True, is_staff=True),
        manager=UserFactory(username="manager", role=R.MANAGER, service_centers=[regional]),
        dispatcher=UserFactory(username="dispatcher", role=R.DISPATCHER, service_centers=[local]),
        engineer1=UserFactory(username="engineer1", role=R.ENGINEER, service_centers=[local]),
        engineer2=UserFactory(username="engineer2", role=R.ENGINEER, service_centers=[local]),
        expert=UserFactory(username="expert", role=R.EXPERT, service_centers=[regional]),
        customer_a=UserFactory(username="customer_a", role=R.CUSTOMER_ADMIN, organization=org_a),
        customer_a2=UserFactory(username="customer_a2", role=R.CUSTOMER, organization=org_a),
        customer_b=UserFactory(username="customer_b", role=R.CUSTOMER_ADMIN, organization=org_b),
    )
    EngineerProfileFactory(user=users.engineer1, service_center=local)
    EngineerProfileFactory(user=users.engineer2, service_center=local)
    EngineerProfileFactory(user=users.expert, service_center=regional, tier=2)
    return SimpleNamespace(
        regional=regional,
        local=local,
        org_a=org_a,
        org_b=org_b,
        site_a=site_a,
        site_b=site_b,
        equipment_a=equipment_a,
        equipment_b=equipment_b,
        contract_a=contract_a,
        contract_b=contract_b,
        users=users,
        **vars(users),
    )


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates it as that user."""
    client = APIClient()

    def as_user(user):
        client.force_authenticate(user=user)
        return client

    def as_token_user(user):
        """Authenticated as a real client is (a JWT access token in the header), for
        what reads the user before DRF does (the Idempotency-Key middleware)."""
        from tests.factories.accounts import access_token

        client.force_authenticate(user=None)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token(user)}")
        return client

    client.as_user = as_user
    client.as_token_user = as_token_user
    return client


# --- Browser tests (marker `browser`): Debian's Chromium driven by Playwright --------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium, never a downloaded browser."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}")
        pytest.skip(f"Chromium is missing at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(autouse=True)
def _no_collection_inside_sqlite(request):
    """Browser tests share an in-memory SQLite database between the test and the live
    server's thread, and threads that end leave their connections in reference cycles.
    An automatic garbage collection that closes one of them while SQLite is calling
    back into Python (a date function in a query) waits for the database's own lock:
    the suite hung so on 2026-12-03. Here the collector only runs between tests."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@pytest.fixture
def login(live_server):
    """`login(page, username)` signs a demo-shaped user in through the login form."""
    from tests.factories.accounts import PASSWORD

    def do_login(page, username, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("[data-testid=login]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do_login
