import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections import services
from inspections.models import Inspection, InspectionResult, MaintenanceTask
from servicedesk.errors import Conflict, InvalidTransition, PermissionDenied, ServiceError
from tests.factories.inspections import MaintenancePlanFactory, MaintenanceTaskFactory

from .conftest import fill_required, items

pytestmark = pytest.mark.django_db


def png(name="cabinet.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_start_then_record_results_flags_out_of_limit_numbers(inspection_a, world):
    inspection = services.inspection_start(inspection=inspection_a, actor=world.engineer1)
    assert inspection.status == Inspection.Status.IN_PROGRESS and inspection.started_at
    voltage = items(inspection)[2]
    services.inspection_record_results(
        inspection=inspection,
        actor=world.engineer1,
        results=[{"item": voltage.pk, "value": "11.2"}],
    )
    result = InspectionResult.objects.get(inspection=inspection, item=voltage)
    assert (
        result.out_of_limit is True
        and result.outcome == "warning"
        and result.value == Decimal("11.2")
    )
    services.inspection_record_results(
        inspection=inspection,
        actor=world.engineer1,
        results=[{"item": voltage.pk, "value": "13.0", "outcome": "ok"}],
    )
    result.refresh_from_db()
    assert result.out_of_limit is False and result.outcome == "ok"


def test_results_before_start_are_refused(inspection_a, world):
    with pytest.raises(InvalidTransition):
        services.inspection_record_results(
            inspection=inspection_a,
            actor=world.engineer1,
            results=[{"item": items(inspection_a)[1].pk, "outcome": "ok"}],
        )


def test_a_bad_entry_writes_nothing(inspection_a, world):
    inspection = services.inspection_start(inspection=inspection_a, actor=world.engineer1)
    by_order = items(inspection)
    with pytest.raises(ServiceError):
        services.inspection_record_results(
            inspection=inspection,
            actor=world.engineer1,
            results=[
                {"item": by_order[1].pk, "outcome": "ok"},
                {"item": by_order[2].pk, "value": "abc"},
            ],
        )
    assert not InspectionResult.objects.exists()


def test_an_item_of_another_checklist_is_refused(inspection_a, inspection_b, world):
    inspection = services.inspection_start(inspection=inspection_a, actor=world.engineer1)
    with pytest.raises(ServiceError):
        services.inspection_record_results(
            inspection=inspection,
            actor=world.engineer1,
            results=[{"item": items(inspection_b)[1].pk, "outcome": "ok"}],
        )


def test_another_engineer_may_not_work_on_an_assigned_inspection(inspection_a, world):
    with pytest.raises(PermissionDenied):
        services.inspection_start(inspection=inspection_a, actor=world.engineer2)


def test_photo_is_stored_with_the_result(inspection_a, world):
    inspection = services.inspection_start(inspection=inspection_a, actor=world.engineer1)
    photo_item = items(inspection)[4]
    services.inspection_record_results(
        inspection=inspection, actor=world.engineer1, results=[], photos={photo_item.pk: png()}
    )
    result = InspectionResult.objects.get(item=photo_item)
    assert result.photo.name.endswith(".png")


def test_a_fake_photo_is_refused(inspection_a, world):
    inspection = services.inspection_start(inspection=inspection_a, actor=world.engineer1)
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(ServiceError):
        services.inspection_record_results(
            inspection=inspection,
            actor=world.engineer1,
            results=[],
            photos={items(inspection)[4].pk: fake},
        )


def test_complete_requires_every_required_item(inspection_a, world):
    inspection = services.inspection_start(inspection=inspection_a, actor=world.engineer1)
    services.inspection_record_results(
        inspection=inspection,
        actor=world.engineer1,
        results=[{"item": items(inspection)[1].pk, "outcome": "ok"}],
    )
    with pytest.raises(ServiceError) as error:
        services.inspection_complete(inspection=inspection, actor=world.engineer1)
    assert "UPS battery voltage" in str(error.value.message)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS


def test_complete_emails_the_report_pdf_to_the_customers_contacts(
    inspection_a, world, django_capture_on_commit_callbacks
):
    world.org_a.email = "ops@org-a.test"
    world.org_a.save()
    inspection = fill_required(inspection_a, world.engineer1)
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_complete(
            inspection=inspection,
            actor=world.engineer1,
            findings="All fine",
            recommendations="None",
        )
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.COMPLETED and inspection.completed_on
    assert inspection.report_sent_at is not None
    recipients = {address for message in mail.outbox for address in message.to}
    assert {world.customer_a.email, world.customer_a2.email, "ops@org-a.test"} <= recipients
    assert world.customer_b.email not in recipients
    attachment = mail.outbox[0].attachments[0]
    assert attachment[0].endswith(".pdf") and attachment[1][:4] == b"%PDF"
    # Sending again does nothing: the report is e-mailed once.
    assert services.send_report(inspection=inspection) is False


def test_acknowledge_by_the_customer_once(inspection_a, world):
    inspection = fill_required(inspection_a, world.engineer1)
    inspection = services.inspection_complete(inspection=inspection, actor=world.engineer1)
    with pytest.raises(PermissionDenied):
        services.inspection_acknowledge(inspection=inspection, actor=world.customer_b)
    done = services.inspection_acknowledge(inspection=inspection, actor=world.customer_a2)
    assert done.acknowledged_by == world.customer_a2
    with pytest.raises(Conflict):
        services.inspection_acknowledge(inspection=done, actor=world.customer_a)


def test_a_fault_finding_raises_a_linked_ticket(inspection_a, world):
    from tickets.models import Ticket

    inspection = services.inspection_start(inspection=inspection_a, actor=world.engineer1)
    running = items(inspection)[1]
    services.inspection_record_results(
        inspection=inspection,
        actor=world.engineer1,
        results=[
            {
                "item": running.pk,
                "outcome": "fault",
                "text": "PLC in STOP",
                "equipment": world.equipment_a,
            }
        ],
    )
    result = InspectionResult.objects.get(item=running)
    ticket = services.inspection_raise_ticket(
        result=result, actor=world.engineer1, channel="portal"
    )
    result.refresh_from_db()
    assert result.ticket == ticket
    assert ticket.site == world.site_a and ticket.organization == world.org_a
    assert ticket.equipment == world.equipment_a and ticket.urgency == "high"
    assert "PLC in STOP" in ticket.description
    assert ticket.status == Ticket.Status.NEW
    with pytest.raises(Conflict):
        services.inspection_raise_ticket(result=result, actor=world.engineer1, channel="portal")


def test_an_ok_result_cannot_raise_a_ticket(inspection_a, world):
    inspection = fill_required(inspection_a, world.engineer1)
    result = inspection.results.get(item__order=1)
    with pytest.raises(ServiceError):
        services.inspection_raise_ticket(result=result, actor=world.engineer1, channel="portal")


def test_firmware_task_updates_the_equipment_with_history(world):
    world.equipment_a.firmware_version = "V2.9.1"
    world.equipment_a.save()
    task = MaintenanceTaskFactory(
        plan=MaintenancePlanFactory(equipment=world.equipment_a), assignee=world.engineer1
    )
    with pytest.raises(ServiceError) as error:
        services.maintenance_task_complete(task=task, actor=world.engineer1)
    assert error.value.field == "new_version"
    done = services.maintenance_task_complete(
        task=task, actor=world.engineer1, new_version="V3.0.0", notes="ok"
    )
    assert done.status == MaintenanceTask.Status.DONE and done.done_by == world.engineer1
    assert done.previous_firmware_version == "V2.9.1" and done.new_firmware_version == "V3.0.0"
    world.equipment_a.refresh_from_db()
    assert world.equipment_a.firmware_version == "V3.0.0"
    versions = list(
        world.equipment_a.history.order_by("-history_date").values_list(
            "firmware_version", flat=True
        )
    )
    assert versions[:2] == ["V3.0.0", "V2.9.1"]
    with pytest.raises(InvalidTransition):
        services.maintenance_task_complete(task=done, actor=world.engineer1, new_version="V3.0.1")


def test_calibration_task_completes_without_a_version(world):
    task = MaintenanceTaskFactory(
        plan=MaintenancePlanFactory(equipment=world.equipment_a, task_kind="calibration")
    )
    assert services.maintenance_task_complete(task=task, actor=world.dispatcher).status == "done"


def test_customers_cannot_complete_maintenance(world):
    task = MaintenanceTaskFactory(
        plan=MaintenancePlanFactory(equipment=world.equipment_a, task_kind="cleaning")
    )
    with pytest.raises(PermissionDenied):
        services.maintenance_task_complete(task=task, actor=world.customer_a)
