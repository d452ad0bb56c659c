from datetime import UTC, date, datetime

import pytest

from inspections import services
from inspections.kpis import inspections_on_schedule
from inspections.models import Inspection
from tests.factories.inspections import (
    InspectionFactory,
    MaintenancePlanFactory,
    MaintenanceTaskFactory,
)

from .conftest import fill_required, items

pytestmark = pytest.mark.django_db


def test_customer_b_gets_404_on_org_a_pages(client, world, inspection_a):
    fill_required(inspection_a, world.engineer1)
    client.force_login(world.customer_b)
    for name in ("detail", "checklist", "report_pdf"):
        assert (
            client.get(
                f"/inspections/{inspection_a.pk}/"
                + {"detail": "", "checklist": "checklist/", "report_pdf": "report.pdf"}[name]
            ).status_code
            == 404
        )
    assert client.post(f"/inspections/{inspection_a.pk}/acknowledge/").status_code == 404


def test_customer_list_and_archive_show_only_completed_own_reports(
    client, world, inspection_a, inspection_b
):
    done = services.inspection_complete(
        inspection=fill_required(inspection_a, world.engineer1), actor=world.engineer1
    )
    InspectionFactory(plan=inspection_a.plan)  # still scheduled: not a report yet
    client.force_login(world.customer_a)
    for url in ("/inspections/", "/inspections/archive/"):
        rows = list(client.get(url).context["page"])
        assert rows == [done], url


def test_the_list_page_runs_a_fixed_number_of_queries(
    client, world, plan_a, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.dispatcher)
    client.get("/inspections/")
    for _ in range(3):
        InspectionFactory(plan=plan_a)
    with CaptureQueriesContext(connection) as few:
        client.get("/inspections/")
    for _ in range(9):
        InspectionFactory(plan=plan_a, status=Inspection.Status.MISSED)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/inspections/")
    assert response.content.count(b'class="missed"') == 9


def test_checklist_page_saves_values_and_flags_out_of_limit(client, world, inspection_a):
    client.force_login(world.engineer1)
    client.post(f"/inspections/{inspection_a.pk}/start/")
    by_order = items(inspection_a)
    client.post(
        f"/inspections/{inspection_a.pk}/checklist/",
        {
            f"outcome_{by_order[1].pk}": "ok",
            f"value_{by_order[2].pk}": "9.5",
            f"text_{by_order[3].pk}": "ok",
        },
    )
    page = client.get(f"/inspections/{inspection_a.pk}/checklist/").content.decode()
    assert "checklist-item out-of-limit" in page
    flag = client.get(
        f"/inspections/{inspection_a.pk}/items/{by_order[2].pk}/check/",
        {f"value_{by_order[2].pk}": "20"},
    )
    assert b"limit-flag" in flag.content
    ok = client.get(
        f"/inspections/{inspection_a.pk}/items/{by_order[2].pk}/check/",
        {f"value_{by_order[2].pk}": "13"},
    )
    assert b"limit-flag" not in ok.content
    response = client.post(f"/inspections/{inspection_a.pk}/complete/", {"findings": "low battery"})
    assert response.status_code == 302
    assert Inspection.objects.get(pk=inspection_a.pk).status == "completed"


def test_raise_ticket_button_links_the_finding(client, world, inspection_a):
    client.force_login(world.engineer1)
    client.post(f"/inspections/{inspection_a.pk}/start/")
    item = items(inspection_a)[1]
    client.post(f"/inspections/{inspection_a.pk}/checklist/", {f"outcome_{item.pk}": "fault"})
    page = client.get(f"/inspections/{inspection_a.pk}/").content.decode()
    assert f'data-testid="raise-ticket-{item.pk}"' in page
    result = inspection_a.results.get(item=item)
    client.post(f"/inspections/{inspection_a.pk}/results/{result.pk}/raise-ticket/")
    result.refresh_from_db()
    assert result.ticket is not None and result.ticket.site == world.site_a


def test_calendar_for_dispatchers_with_filters_and_month_navigation(client, world, plan_a):
    InspectionFactory(plan=plan_a, scheduled_for=date(2026, 3, 15), assignee=world.engineer1)
    InspectionFactory(plan=plan_a, scheduled_for=date(2026, 3, 20), assignee=world.engineer2)
    MaintenanceTaskFactory(
        plan=MaintenancePlanFactory(equipment=world.equipment_a), due_on=date(2026, 3, 2)
    )
    client.force_login(world.dispatcher)
    page = client.get("/inspections/calendar/", {"month": "2026-03"}).content.decode()
    assert page.count('data-testid="cal-inspection"') == 4  # grid and phone agenda
    assert page.count('data-testid="cal-task"') == 2
    assert "month=2026-02" in page and "month=2026-04" in page
    mine = client.get(
        "/inspections/calendar/", {"month": "2026-03", "engineer": world.engineer1.pk}
    )
    assert mine.content.decode().count('data-testid="cal-inspection"') == 2
    client.force_login(world.customer_a)
    assert client.get("/inspections/calendar/").status_code == 403


def test_maintenance_page_completes_a_firmware_update(client, world):
    task = MaintenanceTaskFactory(plan=MaintenancePlanFactory(equipment=world.equipment_a))
    client.force_login(world.engineer1)
    assert (
        f'data-testid="task-{task.pk}"' in client.get("/inspections/maintenance/").content.decode()
    )
    client.post(f"/inspections/maintenance/{task.pk}/complete/", {"new_version": "V4.0"})
    world.equipment_a.refresh_from_db()
    assert world.equipment_a.firmware_version == "V4.0"
    client.force_login(world.customer_b)
    assert (
        client.post(
            f"/inspections/maintenance/{task.pk}/complete/", {"new_version": "x"}
        ).status_code
        == 404
    )


def test_kpi_inspections_on_schedule(world, plan_a, plan_b, django_assert_num_queries):
    on_time = fill_required(
        InspectionFactory(plan=plan_a, scheduled_for=date(2026, 3, 10), assignee=world.engineer1),
        world.engineer1,
    )
    services.inspection_complete(inspection=on_time, actor=world.engineer1)
    Inspection.objects.filter(pk=on_time.pk).update(
        completed_on=date(2026, 3, 13)
    )  # within 3 days' grace
    late = InspectionFactory(
        plan=plan_a,
        scheduled_for=date(2026, 3, 11),
        status="completed",
        completed_on=date(2026, 3, 20),
    )
    InspectionFactory(plan=plan_b, scheduled_for=date(2026, 3, 12), status="missed")
    InspectionFactory(plan=plan_b, scheduled_for=date(2026, 3, 13), status="cancelled")
    InspectionFactory(
        plan=plan_b,
        scheduled_for=date(2026, 4, 1),
        status="completed",
        completed_on=date(2026, 4, 1),
    )
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    with django_assert_num_queries(1):
        assert inspections_on_schedule(start, end) == (1, 3)
    assert inspections_on_schedule(start, end, organization=world.org_a) == (1, 2)
    assert inspections_on_schedule(start, end, site=world.site_b.pk) == (0, 1)
    assert inspections_on_schedule(start, end, service_center=world.local) == (1, 3)
    assert late.status == "completed"


def test_missed_and_overdue_counts_for_the_dashboards(world, plan_a, plan_b):
    from inspections.kpis import missed_and_overdue

    InspectionFactory(plan=plan_a, status="missed")
    InspectionFactory(plan=plan_b, status="missed")
    InspectionFactory(plan=plan_b, status="scheduled")
    MaintenanceTaskFactory(
        plan=MaintenancePlanFactory(equipment=world.equipment_a), status="overdue"
    )
    assert missed_and_overdue() == (2, 1)
    assert missed_and_overdue(organization=world.org_b) == (1, 0)
