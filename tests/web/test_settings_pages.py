"""The managers' settings pages (issue 16): create and edit through the apps' services,
with the API's rules, the history shown, and the pages closed to other roles."""

from datetime import timedelta

import pytest
from django.urls import reverse

from inspections.models import InspectionPlan, MaintenancePlan
from sla.models import BusinessCalendar, Policy, Target
from spareparts.models import Stock, Stockroom
from tests.factories.inspections import standard_template
from tests.factories.spareparts import PartFactory, StockroomFactory
from tests.factories.training import CourseFactory
from training.models import Course, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, world):
    client.force_login(world.manager)
    return client


def _post(client, url, data):
    return client.post(url, data)


def test_settings_index_lists_the_pages_for_a_manager(manager_client):
    response = manager_client.get(reverse("settings"))
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("sla:settings_policies_list", "training:settings_courses_list"):
        assert reverse(name) in body


@pytest.mark.parametrize("role", ["dispatcher", "engineer1", "customer_a"])
def test_settings_pages_are_not_found_for_other_roles(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(reverse("settings")).status_code == 404
    assert client.get(reverse("sla:settings_policies_list")).status_code == 404
    assert client.get(reverse("sla:settings_policies_create")).status_code == 404


def test_settings_link_in_the_navigation_for_managers_only(client, world):
    client.force_login(world.manager)
    assert f'href="{reverse("settings")}"' in client.get("/").content.decode()
    client.force_login(world.dispatcher)
    assert f'href="{reverse("settings")}"' not in client.get("/").content.decode()


def test_policy_create_edit_and_history(manager_client, world):
    calendar = BusinessCalendar.objects.get(is_default=True)
    url = reverse("sla:settings_policies_create")
    response = _post(
        manager_client, url, {"name": "Gold", "description": "", "calendar": calendar.pk}
    )
    assert response.status_code == 302
    policy = Policy.objects.get(name="Gold")
    assert policy.history.first().history_user == world.manager
    edit = reverse("sla:settings_policies_edit", args=[policy.pk])
    response = _post(
        manager_client,
        edit,
        {"name": "Gold plus", "description": "24x7", "calendar": calendar.pk, "is_default": "on"},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.name == "Gold plus" and policy.is_default
    assert Policy.objects.filter(is_default=True).count() == 1  # the old default gave way
    page = manager_client.get(edit).content.decode()
    assert "settings-history" in page and "manager" in page


def test_target_with_a_duplicate_metric_is_a_form_error_and_changes_nothing(manager_client):
    policy = Policy.objects.get(is_default=True)
    existing = policy.targets.first()
    before = Target.objects.count()
    response = _post(
        manager_client,
        reverse("sla:settings_targets_create"),
        {
            "policy": policy.pk,
            "severity": existing.severity,
            "metric": existing.metric,
            "duration": "01:00:00",
            "clock": existing.clock,
            "warning_ratio": "0.8",
        },
    )
    assert response.status_code == 400
    assert "already has this metric" in response.content.decode()
    assert Target.objects.count() == before


def test_target_edit_changes_the_duration(manager_client):
    target = Policy.objects.get(is_default=True).targets.first()
    response = _post(
        manager_client,
        reverse("sla:settings_targets_edit", args=[target.pk]),
        {
            "policy": target.policy_id,
            "severity": target.severity,
            "metric": target.metric,
            "duration": "2 00:00:00",
            "clock": target.clock,
            "warning_ratio": "0.75",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.duration == timedelta(days=2)


def _windows(*rows):
    data = {"windows-TOTAL_FORMS": str(len(rows)), "windows-INITIAL_FORMS": "0"}
    for index, (weekday, start, end) in enumerate(rows):
        data |= {
            f"windows-{index}-weekday": weekday,
            f"windows-{index}-start": start,
            f"windows-{index}-end": end,
        }
    return data


def test_calendar_create_with_windows_and_overlap_refused(manager_client):
    url = reverse("sla:settings_calendars_create")
    base = {"name": "Shenzhen", "time_zone": "Asia/Shanghai", "country": "CN", "subdivision": ""}
    response = _post(
        manager_client, url, base | _windows((0, "09:00", "13:00"), (0, "12:00", "18:00"))
    )
    assert response.status_code == 400
    assert not BusinessCalendar.objects.filter(name="Shenzhen").exists()
    response = _post(
        manager_client, url, base | _windows((0, "09:00", "12:00"), (0, "13:00", "18:00"))
    )
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Shenzhen")
    assert calendar.windows.count() == 2


def test_calendar_page_imports_a_year(manager_client):
    calendar = BusinessCalendar.objects.get(is_default=True)
    response = _post(
        manager_client,
        reverse("sla:calendar", args=[calendar.pk]),
        {"country": "CN", "import_years": "2026"},
    )
    assert response.status_code == 302
    assert calendar.days.filter(date__year=2026, kind="holiday").count() > 5


def test_inspection_plan_create_and_bad_rrule(manager_client, world):
    template = standard_template()
    data = {
        "name": "Monthly A",
        "site": world.site_a.pk,
        "contract": world.contract_a.pk,
        "recurrence": "rrule",
        "rrule": "FREQ=SOMETIMES",
        "anchor_date": "2026-01-05",
        "time_zone": "",
        "checklist_template": template.pk,
        "active_from": "2026-01-01",
        "active": "on",
    }
    url = reverse("inspections:settings_plans_create")
    response = _post(manager_client, url, data)
    assert response.status_code == 400
    assert not InspectionPlan.objects.exists()
    response = _post(manager_client, url, data | {"recurrence": "monthly", "rrule": ""})
    assert response.status_code == 302
    plan = InspectionPlan.objects.get()
    response = _post(
        manager_client,
        reverse("inspections:settings_plans_edit", args=[plan.pk]),
        data | {"recurrence": "quarterly", "rrule": "", "name": "Quarterly A"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.recurrence == "quarterly" and plan.history.count() == 2


def test_maintenance_plan_only_for_critical_equipment(manager_client, world):
    url = reverse("inspections:settings_maintenance-plans_create")
    data = {
        "task_kind": "calibration",
        "title": "Calibrate",
        "instructions": "",
        "interval_count": "3",
        "interval_unit": "months",
        "start_date": "2026-02-01",
        "active": "on",
    }
    response = _post(manager_client, url, data | {"equipment": world.equipment_b.pk})
    assert response.status_code == 400  # not critical: not even offered
    response = _post(manager_client, url, data | {"equipment": world.equipment_a.pk})
    assert response.status_code == 302
    assert MaintenancePlan.objects.get().equipment == world.equipment_a


def test_course_and_session_create_and_edit(manager_client, world):
    response = _post(
        manager_client,
        reverse("training:settings_courses_create"),
        {"kind": "operational", "title": "Operating the unit", "duration_hours": "4"},
    )
    assert response.status_code == 302
    course = Course.objects.get(title="Operating the unit")
    response = _post(
        manager_client,
        reverse("training:settings_courses_edit", args=[course.pk]),
        {"kind": "advanced", "title": "Operating the unit", "duration_hours": "0"},
    )
    assert response.status_code == 400  # the API's minimum
    session_data = {
        "course": course.pk,
        "organization": world.org_a.pk,
        "trainer": world.engineer1.pk,
        "starts_at": "2026-03-02T09:00",
        "ends_at": "2026-03-02T12:00",
        "place": "Room 1",
        "online_link": "",
        "capacity": "8",
        "notes": "",
    }
    url = reverse("training:settings_sessions_create")
    assert _post(manager_client, url, session_data).status_code == 302
    session = Session.objects.get()
    response = _post(
        manager_client,
        reverse("training:settings_sessions_edit", args=[session.pk]),
        session_data | {"capacity": "12"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 12


def test_stockroom_and_reorder_point(manager_client, world):
    response = _post(
        manager_client,
        reverse("spareparts:settings_stockrooms_create"),
        {"service_center": world.local.pk, "name": "Local store", "address": ""},
    )
    assert response.status_code == 302
    room = Stockroom.objects.get(name="Local store")
    part = PartFactory()
    response = _post(
        manager_client,
        reverse("spareparts:settings_reorder-points_create"),
        {
            "part": part.pk,
            "stockroom": room.pk,
            "minimum": "1",
            "reorder_point": "2",
            "reorder_quantity": "5",
        },
    )
    assert response.status_code == 302
    stock = Stock.objects.get(part=part, stockroom=room)
    response = _post(
        manager_client,
        reverse("spareparts:settings_reorder-points_edit", args=[stock.pk]),
        {"minimum": "2", "reorder_point": "4", "reorder_quantity": "10", "on_hand": "999"},
    )
    assert response.status_code == 302
    stock.refresh_from_db()
    assert (stock.reorder_point, stock.on_hand) == (4, 0)
    assert stock.history.count() == 2


def test_other_centres_rows_are_not_found(client, world):
    other_room = StockroomFactory(service_center=world.local)
    course = CourseFactory()
    client.force_login(world.manager)
    # The manager's regional centre is the parent of the local one: both visible.
    assert (
        client.get(reverse("spareparts:settings_stockrooms_edit", args=[other_room.pk])).status_code
        == 200
    )
    course_url = reverse("training:settings_courses_edit", args=[course.pk])
    assert client.get(course_url).status_code == 200
    assert client.get(reverse("training:settings_courses_edit", args=[99999])).status_code == 404


def test_calendar_page_names_imported_holidays_in_the_readers_language(manager_client, world):
    calendar = BusinessCalendar.objects.get(is_default=True)
    url = reverse("sla:calendar", args=[calendar.pk])
    assert _post(manager_client, url, {"country": "CN", "import_years": "2026"}).status_code == 302
    calendar.days.create(date="2026-12-24", kind="holiday", name="Company day 公司日")
    pages = {}
    for language in ("zh-hans", "en"):
        world.manager.language = language
        world.manager.save(update_fields=["language"])
        pages[language] = manager_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    chinese, english = pages["zh-hans"], pages["en"]
    assert "春节" in chinese and "Spring Festival" not in chinese
    assert "Spring Festival" in english and "春节" not in english
    # A make-up working day is named by its kind; a typed name is shown as typed.
    assert "Make-up working day" not in chinese and "Make-up working day" in english
    assert "Company day 公司日" in chinese and "Company day 公司日" in english


def test_a_things_name_and_a_persons_name_are_headed_apart_in_chinese(manager_client, world):
    world.manager.language = "zh-hans"
    world.manager.save(update_fields=["language"])
    policies = manager_client.get(
        reverse("sla:settings_policies_list"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "<th>名称</th>" in policies.replace(' scope="col"', "") and "姓名" not in policies
    manager_client.force_login(world.admin)
    world.admin.language = "zh-hans"
    world.admin.save(update_fields=["language"])
    users = manager_client.get(
        reverse("accounts:user_list"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "<th>姓名</th>" in users
