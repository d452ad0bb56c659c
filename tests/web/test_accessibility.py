"""Issue 16: axe-core (from the npm registry: tests/browser/package.json, installed by
`make browser-deps`) injected by Playwright on the key pages at 1280 and 390 px finds
nothing critical or serious. And the API docs load nothing from another host."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.factories.accounts import PASSWORD
from tests.web import scenery, walk
from tickets.services import visit_check_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(settings.BASE_DIR) / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {node['target']}"
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
        for node in v["nodes"]
    ]


def test_key_pages_have_no_serious_axe_findings(world, browser, live_server):
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make browser-deps`")
    things = scenery.build(world)
    # On site: the visit page carries the signing form (canvas and typed-name option).
    visit_check_in(visit=things.visit, actor=world.engineer1)
    base = live_server.url
    pages = {
        None: ["/accounts/login/"],
        "customer_a": ["/", "/tickets/new/", f"/tickets/{things.ticket.pk}/"],
        "dispatcher": ["/tickets/queue/", f"/tickets/visits/{things.visit.pk}/"],
        "manager": ["/sla/", "/sla/settings/policies/", "/sla/settings/calendars/new/"],
    }
    found = []
    for width in WIDTHS:
        for username, paths in pages.items():
            # axe is injected as a script: the test context lets it past the CSP.
            context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
            page = context.new_page()
            if username:
                walk.log_in(page, base, username, PASSWORD)
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if "/visits/" in path:
                    assert page.locator("#sign-form [data-testid=signature-pad]").count() == 1
                found += [f"{width}px {path}: {item}" for item in _axe(page)]
            context.close()
    assert not found, "\n".join(found)


def test_api_docs_load_nothing_from_another_host(world, page, login, live_server):
    login(page, "manager")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)
    assert requested
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert not any("fonts.googleapis" in url for url in requested)
