"""Issue 16: each settings page in Chromium, create then edit, as a manager would;
screenshots of a settings page and the dashboard (zh-hans at 390 px, English at
1280 px) under var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings

from sla.models import BusinessCalendar, Policy
from tests.factories.inspections import standard_template
from tests.factories.spareparts import PartFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _fill(page, fields: dict):
    for name, value in fields.items():
        selector = f"[data-testid=settings-form] [name='{name}']"
        kind = page.eval_on_selector(selector, "el => el.tagName + ':' + (el.type || '')")
        if kind.startswith("SELECT"):
            page.select_option(selector, str(value))
        elif kind.endswith(":checkbox"):
            page.set_checked(selector, bool(value))
        else:
            page.fill(selector, str(value))


def _save(page):
    page.click("[data-testid=settings-form] [data-testid=submit]")
    page.wait_for_load_state()
    errors = page.locator(".errorlist").all_inner_texts()
    assert page.locator(".message-success").count() == 1, errors


def _create_and_edit(page, base, key_url, create: dict, edit: dict, shown: str):
    page.goto(base + key_url)
    page.click("[data-testid=settings-new]")
    _fill(page, create)
    _save(page)
    _fill(page, edit)
    _save(page)
    history = page.locator("[data-testid=settings-history] tbody tr")
    assert history.count() >= 2  # created, then changed
    page.goto(base + key_url)
    assert shown in page.locator("[data-testid=settings-rows]").inner_text()


def test_each_settings_page_creates_and_edits(world, page, login, live_server):
    template = standard_template()
    part = PartFactory(name="Power module")
    calendar = BusinessCalendar.objects.get(is_default=True)
    login(page, "manager")
    base = live_server.url
    page.click("[data-testid=nav]:has-text('Settings')")
    assert page.locator("[data-testid=settings-card]").count() == 9

    _create_and_edit(
        page,
        base,
        "/sla/settings/policies/",
        {"name": "Gold", "calendar": calendar.pk},
        {"name": "Gold 24x7", "description": "Hotline"},
        "Gold 24x7",
    )
    gold = Policy.objects.get(name="Gold 24x7")
    page.goto(f"{base}/sla/settings/policies/{gold.pk}/")
    page.click("[data-testid=settings-add-child]")  # a target of this policy
    _fill(
        page,
        {
            "severity": "major",
            "metric": "restore",
            "duration": "12:00:00",
            "clock": "24x7",
            "warning_ratio": "0.8",
        },
    )
    _save(page)
    _fill(page, {"duration": "10:00:00"})
    _save(page)
    assert gold.targets.get().duration.total_seconds() == 36000

    page.goto(base + "/sla/settings/calendars/")
    page.click("[data-testid=settings-new]")
    _fill(
        page,
        {
            "name": "Shenzhen",
            "time_zone": "Asia/Shanghai",
            "country": "CN",
            "windows-0-weekday": "0",
            "windows-0-start": "09:00",
            "windows-0-end": "18:00",
        },
    )
    _save(page)
    _fill(page, {"windows-1-weekday": "1", "windows-1-start": "09:00", "windows-1-end": "18:00"})
    _save(page)
    assert BusinessCalendar.objects.get(name="Shenzhen").windows.count() == 2
    page.click("[data-testid=settings-link]")  # holidays and the import of a year
    page.fill("[data-testid=import-form] [name=import_years]", "2026")
    page.click("[data-testid=import-form] button")
    page.wait_for_load_state()
    assert page.locator("[data-testid=calendar-days] tbody tr").count() > 5

    _create_and_edit(
        page,
        base,
        "/inspections/settings/plans/",
        {
            "name": "Monthly A",
            "site": world.site_a.pk,
            "contract": world.contract_a.pk,
            "recurrence": "monthly",
            "anchor_date": "2026-01-05",
            "checklist_template": template.pk,
            "active_from": "2026-01-01",
        },
        {"name": "Quarterly A", "recurrence": "quarterly"},
        "Quarterly A",
    )
    _create_and_edit(
        page,
        base,
        "/inspections/settings/maintenance-plans/",
        {
            "equipment": world.equipment_a.pk,
            "task_kind": "calibration",
            "title": "Cal",
            "interval_count": "3",
            "interval_unit": "months",
            "start_date": "2026-02-01",
        },
        {"interval_count": "6"},
        "6",
    )
    _create_and_edit(
        page,
        base,
        "/training/settings/courses/",
        {"kind": "operational", "title": "Operating", "duration_hours": "4"},
        {"title": "Operating the unit"},
        "Operating the unit",
    )
    _create_and_edit(
        page,
        base,
        "/training/settings/sessions/",
        {
            "course": Course_pk(),
            "organization": world.org_a.pk,
            "trainer": world.engineer1.pk,
            "starts_at": "2026-03-02T09:00",
            "ends_at": "2026-03-02T12:00",
            "place": "Room 1",
            "capacity": "8",
        },
        {"capacity": "12"},
        "12",
    )
    _create_and_edit(
        page,
        base,
        "/parts/settings/stockrooms/",
        {"service_center": world.local.pk, "name": "Local store"},
        {"name": "Local store east"},
        "Local store east",
    )
    _create_and_edit(
        page,
        base,
        "/parts/settings/reorder-points/",
        {
            "part": part.pk,
            "stockroom": Stockroom_pk("Local store east"),
            "minimum": "1",
            "reorder_point": "2",
            "reorder_quantity": "5",
        },
        {"reorder_point": "4"},
        "Power module",
    )


def Course_pk():  # noqa: N802 - reads like the field it fills
    from training.models import Course

    return Course.objects.get(title="Operating the unit").pk


def Stockroom_pk(name):  # noqa: N802
    from spareparts.models import Stockroom

    return Stockroom.objects.get(name=name).pk


def test_screenshots_of_settings_and_dashboard(world, browser, live_server):
    from tests.factories.accounts import PASSWORD
    from tests.web import scenery, walk

    scenery.build(world)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for language, width, height in (("zh-hans", 390, 844), ("en", 1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        walk.log_in(page, live_server.url, "manager", PASSWORD, language=language)
        for name, path in (("settings", "/sla/settings/policies/"), ("dashboard", "/sla/")):
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SHOTS / f"{name}-{language}-{width}.png"), full_page=True)
        if width == 390:  # the menu folds on a phone and opens on a tap
            nav = page.locator("#main-nav-list")
            assert not nav.is_visible()
            page.click("[data-testid=nav-toggle]")
            assert nav.is_visible()
            page.screenshot(path=str(SHOTS / f"menu-{language}-{width}.png"))
        context.close()
    assert len(list(SHOTS.glob("*.png"))) >= 5
