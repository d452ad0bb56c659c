"""The schema's request bodies of the POST actions match what the endpoints accept:
each action documents its own body (never the resource's create serializer, whose
required fields it does not take), and a body with only the schema's required fields
is accepted."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db
ACTION = re.compile(r"^/api/v1/(?:.+/)?\{id\}/[a-z-]+/$")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _body(schema, path):
    content = schema["paths"][path]["post"].get("requestBody", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    return name, schema["components"]["schemas"].get(name, {}).get("required", [])


def test_no_action_documents_the_resources_create_body(schema):
    resources = {"TicketRequest", "InspectionRequest", "EnrollmentRequest", "VisitRequest"}
    actions = [
        path for path in schema["paths"] if ACTION.match(path) and "post" in schema["paths"][path]
    ]
    assert len(actions) > 30
    wrong = {
        path: _body(schema, path)[0] for path in actions if _body(schema, path)[0] in resources
    }
    assert wrong == {}


def test_inspection_start_and_complete_take_no_required_fields(schema, api, world):
    from tests.factories.inspections import InspectionFactory, InspectionPlanFactory
    from tests.inspections.conftest import fill_required

    assert _body(schema, "/api/v1/inspections/{id}/start/")[1] == []
    assert _body(schema, "/api/v1/inspections/{id}/complete/") == ("InspectionCompleteRequest", [])
    inspection = InspectionFactory(
        plan=InspectionPlanFactory(site=world.site_a), assignee=world.engineer1
    )
    client = api.as_user(world.engineer1)
    assert (
        client.post(f"/api/v1/inspections/{inspection.pk}/start/", {}, format="json").status_code
        == 200
    )
    inspection.refresh_from_db()
    fill_required(inspection, world.engineer1)
    assert (
        client.post(f"/api/v1/inspections/{inspection.pk}/complete/", {}, format="json").status_code
        == 200
    )


def test_attendance_requires_exactly_attended(schema, api, world):
    import datetime

    import time_machine

    from tests.factories.training import CourseFactory, SessionFactory
    from training import services

    assert _body(schema, "/api/v1/training/enrollments/{id}/attendance/") == (
        "AttendanceRequest",
        ["attended"],
    )
    session = SessionFactory(
        course=CourseFactory(), organization=world.org_a, trainer=world.engineer1
    )
    enrollment = services.enroll(session=session, trainee=world.customer_a2, actor=world.customer_a)
    url = f"/api/v1/training/enrollments/{enrollment.pk}/attendance/"
    client = api.as_user(world.engineer1)
    with time_machine.travel(session.starts_at + datetime.timedelta(hours=1), tick=True):
        missing = client.post(url, {}, format="json")
        assert missing.status_code == 400 and "attended" in missing.json()
        assert client.post(url, {"attended": True}, format="json").status_code == 200
