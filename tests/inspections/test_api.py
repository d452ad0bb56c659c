import json
from datetime import date

import pytest
from pypdf import PdfReader

from inspections import services
from inspections.models import Inspection, InspectionPlan, InspectionResult, MaintenancePlan
from tests.factories.inspections import (
    InspectionFactory,
    InspectionPlanFactory,
    MaintenancePlanFactory,
    MaintenanceTaskFactory,
)

from .conftest import fill_required, items
from .test_services import png

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _pdf_text(content: bytes) -> str:
    import io

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- scope -----------------------------------------------------------------------
def test_customer_b_gets_404_on_org_a_plans_inspections_and_reports(api, world, inspection_a):
    client = api.as_user(world.customer_b)
    plan = inspection_a.plan
    for url in (
        f"{API}/inspections/plans/{plan.pk}/",
        f"{API}/inspections/{inspection_a.pk}/",
        f"{API}/inspections/{inspection_a.pk}/report.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{API}/inspections/{inspection_a.pk}/acknowledge/").status_code == 404
    assert client.get(f"{API}/inspections/").json()["results"] == []
    assert client.get(f"{API}/inspections/plans/").json()["results"] == []


def test_customer_a_sees_own_inspection_and_report_pdf_with_the_site_name(api, world, inspection_a):
    inspection = fill_required(inspection_a, world.engineer1)
    services.inspection_complete(
        inspection=inspection, actor=world.engineer1, findings="Battery low"
    )
    client = api.as_user(world.customer_a)
    data = client.get(f"{API}/inspections/{inspection.pk}/").json()
    assert data["site_name"] == "Site A" and len(data["results"]) == 3
    response = client.get(f"{API}/inspections/{inspection.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(b"".join(response) if response.streaming else response.content)
    assert "Site A" in text and "UPS battery voltage" in text and "Battery low" in text


def test_engineer_sees_assigned_and_centre_inspections_only(api, world, inspection_a):
    other_centre_site = InspectionFactory()  # a site of another centre, unassigned
    client = api.as_user(world.engineer2)
    ids = {row["id"] for row in client.get(f"{API}/inspections/").json()["results"]}
    assert inspection_a.pk in ids  # same centre
    assert other_centre_site.pk not in ids
    assert client.get(f"{API}/inspections/{other_centre_site.pk}/").status_code == 404


# --- actions ---------------------------------------------------------------------
def test_start_results_complete_over_the_api(api, world, inspection_a):
    client = api.as_user(world.engineer1)
    assert (
        client.post(f"{API}/inspections/{inspection_a.pk}/start/").json()["status"] == "in_progress"
    )
    by_order = items(inspection_a)
    body = {
        "results": [
            {"item": by_order[1].pk, "outcome": "ok"},
            {"item": by_order[2].pk, "value": "15.1"},
            {"item": by_order[3].pk, "text": "done"},
        ]
    }
    data = client.post(f"{API}/inspections/{inspection_a.pk}/results/", body, format="json").json()
    voltage = next(r for r in data["results"] if r["item"] == by_order[2].pk)
    assert voltage["out_of_limit"] is True and voltage["outcome"] == "warning"
    response = client.post(
        f"{API}/inspections/{inspection_a.pk}/complete/", {"findings": "High voltage"}
    )
    assert response.status_code == 200 and response.json()["status"] == "completed"


def test_results_with_a_photo_as_multipart(api, world, inspection_a):
    client = api.as_user(world.engineer1)
    client.post(f"{API}/inspections/{inspection_a.pk}/start/")
    by_order = items(inspection_a)
    response = client.post(
        f"{API}/inspections/{inspection_a.pk}/results/",
        {
            "results": json.dumps([{"item": by_order[4].pk, "text": "cabinet"}]),
            f"photo_{by_order[4].pk}": png(),
        },
        format="multipart",
    )
    assert response.status_code == 200
    photo = next(r for r in response.json()["results"] if r["item"] == by_order[4].pk)
    assert photo["has_photo"] is True
    download = client.get(f"{API}/inspections/{inspection_a.pk}/results/{photo['id']}/photo/")
    assert download.status_code == 200
    assert (
        api.as_user(world.customer_b)
        .get(f"{API}/inspections/{inspection_a.pk}/results/{photo['id']}/photo/")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    "body",
    [
        {"results": [{"item": "x"}]},
        {"results": [{"item": 999999, "outcome": "ok"}]},
        {"results": [{"outcome": "broken"}]},
        {"results": "not a list"},
    ],
)
def test_bad_results_are_400_and_write_nothing(api, world, inspection_a, body):
    client = api.as_user(world.engineer1)
    client.post(f"{API}/inspections/{inspection_a.pk}/start/")
    response = client.post(f"{API}/inspections/{inspection_a.pk}/results/", body, format="json")
    assert response.status_code == 400
    assert "results" in response.json()
    assert not InspectionResult.objects.exists()


def test_complete_without_required_items_is_400(api, world, inspection_a):
    client = api.as_user(world.engineer1)
    client.post(f"{API}/inspections/{inspection_a.pk}/start/")
    response = client.post(f"{API}/inspections/{inspection_a.pk}/complete/", {})
    assert response.status_code == 400 and "results" in response.json()
    assert Inspection.objects.get(pk=inspection_a.pk).status == "in_progress"


def test_wrong_state_is_409(api, world, inspection_a):
    response = api.as_user(world.engineer1).post(
        f"{API}/inspections/{inspection_a.pk}/complete/", {}
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_roles_without_the_right_get_403(api, world, inspection_a):
    assert (
        api.as_user(world.customer_a)
        .post(f"{API}/inspections/{inspection_a.pk}/start/")
        .status_code
        == 403
    )
    assert (
        api.as_user(world.engineer1)
        .post(f"{API}/inspections/{inspection_a.pk}/acknowledge/")
        .status_code
        == 403
    )
    assert (
        api.as_user(world.engineer1)
        .patch(f"{API}/inspections/{inspection_a.pk}/", {"assignee": world.engineer2.pk})
        .status_code
        == 403
    )
    assert api.as_user(world.customer_a).post(f"{API}/inspections/plans/", {}).status_code == 403


def test_dispatcher_assigns_an_engineer(api, world, inspection_a):
    client = api.as_user(world.dispatcher)
    response = client.patch(
        f"{API}/inspections/{inspection_a.pk}/", {"assignee": world.engineer2.pk}
    )
    assert response.status_code == 200 and response.json()["assignee"] == world.engineer2.pk
    assert (
        client.patch(
            f"{API}/inspections/{inspection_a.pk}/", {"assignee": world.customer_a.pk}
        ).status_code
        == 400
    )


def test_raise_ticket_from_a_warning_result(api, world, inspection_a):
    client = api.as_user(world.engineer1)
    client.post(f"{API}/inspections/{inspection_a.pk}/start/")
    voltage = items(inspection_a)[2]
    data = client.post(
        f"{API}/inspections/{inspection_a.pk}/results/",
        {"results": [{"item": voltage.pk, "value": "10.0", "equipment": world.equipment_a.pk}]},
        format="json",
    ).json()
    result_id = data["results"][0]["id"]
    response = client.post(
        f"{API}/inspections/{inspection_a.pk}/raise-ticket/", {"result": result_id}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["result"]["ticket"] == response.json()["ticket"]
    again = client.post(f"{API}/inspections/{inspection_a.pk}/raise-ticket/", {"result": result_id})
    assert again.status_code == 409
    assert (
        client.post(f"{API}/inspections/{inspection_a.pk}/raise-ticket/", {"result": 0}).status_code
        == 400
    )


# --- plans -----------------------------------------------------------------------
def _plan_body(world, template, **extra):
    return {
        "name": "Monthly",
        "site": world.site_a.pk,
        "contract": world.contract_a.pk,
        "recurrence": "monthly",
        "anchor_date": "2026-01-31",
        "checklist_template": template.pk,
        "active_from": "2026-01-01",
        **extra,
    }


def test_dispatcher_creates_a_plan_with_an_rrule(api, world, plan_a):
    client = api.as_user(world.dispatcher)
    response = client.post(
        f"{API}/inspections/plans/",
        _plan_body(
            world, plan_a.checklist_template, recurrence="rrule", rrule="FREQ=MONTHLY;BYDAY=1MO"
        ),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["effective_time_zone"] == world.site_a.time_zone


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"recurrence": "rrule", "rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"recurrence": "rrule", "rrule": ""}, "rrule"),
        ({"contract": "CONTRACT_B"}, "contract"),
        ({"site": "SITE_B"}, "contract"),
        ({"active_until": "2025-01-01"}, "active_until"),
    ],
)
def test_bad_plans_are_400_and_write_nothing(api, world, plan_a, extra, field):
    extra = {
        key: {"CONTRACT_B": world.contract_b.pk, "SITE_B": world.site_b.pk}.get(value, value)
        for key, value in extra.items()
    }
    before = InspectionPlan.objects.count()
    response = api.as_user(world.dispatcher).post(
        f"{API}/inspections/plans/", _plan_body(world, plan_a.checklist_template, **extra)
    )
    assert response.status_code == 400 and field in response.json(), response.json()
    assert InspectionPlan.objects.count() == before


def test_customer_site_id_of_another_org_is_400_for_a_dispatcher_outside_scope(api, world, plan_a):
    other = InspectionPlanFactory()  # another centre's site
    response = api.as_user(world.dispatcher).post(
        f"{API}/inspections/plans/",
        _plan_body(world, plan_a.checklist_template, site=other.site.pk),
    )
    assert response.status_code == 400 and "site" in response.json()


def test_deleting_a_plan_with_inspections_is_409(api, world, inspection_a):
    response = api.as_user(world.dispatcher).delete(
        f"{API}/inspections/plans/{inspection_a.plan_id}/"
    )
    assert response.status_code == 409


# --- maintenance -------------------------------------------------------------------
def test_maintenance_plan_only_on_critical_equipment(api, world):
    client = api.as_user(world.dispatcher)
    body = {
        "equipment": world.equipment_b.pk,
        "task_kind": "cleaning",
        "interval_count": 3,
        "interval_unit": "months",
        "start_date": "2026-01-01",
    }
    assert client.post(f"{API}/maintenance/plans/", body).status_code == 400
    assert MaintenancePlan.objects.count() == 0
    body["equipment"] = world.equipment_a.pk
    assert client.post(f"{API}/maintenance/plans/", body).status_code == 201
    assert (
        api.as_user(world.customer_b)
        .get(f"{API}/maintenance/plans/{MaintenancePlan.objects.get().pk}/")
        .status_code
        == 404
    )


def test_complete_firmware_task_over_the_api(api, world):
    task = MaintenanceTaskFactory(plan=MaintenancePlanFactory(equipment=world.equipment_a))
    client = api.as_user(world.engineer1)
    missing = client.post(f"{API}/maintenance/tasks/{task.pk}/complete/", {})
    assert missing.status_code == 400 and "new_version" in missing.json()
    assert (
        api.as_user(world.customer_a)
        .post(f"{API}/maintenance/tasks/{task.pk}/complete/", {"new_version": "X"})
        .status_code
        == 403
    )
    assert (
        api.as_user(world.customer_b)
        .post(f"{API}/maintenance/tasks/{task.pk}/complete/", {"new_version": "X"})
        .status_code
        == 404
    )
    response = api.as_user(world.engineer1).post(
        f"{API}/maintenance/tasks/{task.pk}/complete/", {"new_version": "V3.1"}
    )
    assert response.status_code == 200 and response.json()["new_firmware_version"] == "V3.1"
    world.equipment_a.refresh_from_db()
    assert world.equipment_a.firmware_version == "V3.1"


# --- query counts --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("inspections/", lambda plan, n: [InspectionFactory(plan=plan) for _ in range(n)]),
        (
            "inspections/plans/",
            lambda plan, n: [
                InspectionPlanFactory(
                    site=plan.site,
                    contract=plan.contract,
                    checklist_template=plan.checklist_template,
                )
                for _ in range(n)
            ],
        ),
        (
            "maintenance/tasks/",
            lambda plan, n: [
                MaintenanceTaskFactory(plan=MaintenancePlanFactory(equipment__site=plan.site))
                for _ in range(n)
            ],
        ),
        (
            "maintenance/plans/",
            lambda plan, n: [MaintenancePlanFactory(equipment__site=plan.site) for _ in range(n)],
        ),
    ],
)
def test_lists_run_a_fixed_number_of_queries(
    api, world, plan_a, django_assert_max_num_queries, django_assert_num_queries, url, make
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api.as_user(world.dispatcher)
    client.get(f"{API}/{url}")  # warms the caller's cached centre ids
    make(plan_a, 3)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(f"{API}/{url}").json()["results"]) >= 3
    make(plan_a, 8)
    # The same count with nearly four times the rows: COUNT(*), the page (joined), and for
    # inspections the prefetched results and checklist items.
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(f"{API}/{url}").json()["results"]) >= 11
    assert len(few.captured_queries) <= 4


def test_inspection_detail_runs_a_fixed_number_of_queries(
    api, world, inspection_a, django_assert_num_queries
):
    fill_required(inspection_a, world.engineer1)
    client = api.as_user(world.customer_a)
    # customer: inspection+joins, results (with items, equipment, tickets), checklist items.
    with django_assert_num_queries(3):
        assert client.get(f"{API}/inspections/{inspection_a.pk}/").status_code == 200


def test_plan_dates_use_the_site_time_zone_in_the_api_listing(api, world, plan_a):
    services.generate_due(now=None, horizon_days=40)
    rows = (
        api.as_user(world.engineer1).get(f"{API}/inspections/?plan={plan_a.pk}").json()["results"]
    )
    assert all(date.fromisoformat(row["scheduled_for"]).day == 15 for row in rows) and rows


@pytest.mark.parametrize("language, title", [("zh-hans", "巡检报告"), ("en", "Inspection report")])
def test_the_report_pdf_is_in_the_readers_language(
    api, world, inspection_a, client, language, title
):
    inspection = fill_required(inspection_a, world.engineer1)
    services.inspection_complete(
        inspection=inspection, actor=world.engineer1, findings="Battery low"
    )
    world.customer_a.language = language
    world.customer_a.save(update_fields=["language"])
    response = api.as_user(world.customer_a).get(
        f"{API}/inspections/{inspection.pk}/report.pdf",
        HTTP_ACCEPT_LANGUAGE="en" if language != "en" else "zh-hans",
    )
    assert title in _pdf_text(b"".join(response) if response.streaming else response.content)
    client.force_login(world.customer_a)
    page = client.get(f"/inspections/{inspection.pk}/report.pdf")
    assert page.status_code == 200
    assert title in _pdf_text(b"".join(page) if page.streaming else page.content)
