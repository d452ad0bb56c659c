"""Issue 13: never a 500 on input, and a schema that tells the truth."""

import pytest
import yaml
from django.core.management import call_command
from django.db import IntegrityError

from spareparts.models import Stock
from tests.factories.spareparts import PartFactory, StockroomFactory
from tests.factories.training import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value", ["2026-01-01T00:00:00+17:30", "2026-01-01T00:00:00-23:59", "2026-01-01T00:00:00Z"]
)
def test_updated_after_takes_any_offset(world, api, value):
    client = api.as_user(world.manager)
    for url in ["/api/v1/sites/", "/api/v1/tickets/", "/api/v1/sla/calendar-days/"]:
        assert client.get(url, {"updated_after": value}).status_code == 200, url


@pytest.mark.parametrize(
    "value",
    ["nonsense", "2026-01-01T00:00:00", "0001-01-01T00:00:00+05:00", "2026-13-01T00:00:00Z"],
)
def test_updated_after_refuses_what_is_not_an_instant(world, api, value):
    response = api.as_user(world.manager).get("/api/v1/sites/", {"updated_after": value})
    assert response.status_code == 400
    assert "updated_after" in response.json()


@pytest.mark.parametrize(
    "value", ["0", "10000", "99999999999", "3.5", "3.1356864415034877e-263", "-1", "year"]
)
def test_a_year_filter_takes_only_a_year_dates_can_hold(world, api, value):
    # schemathesis: date__year=0, a float or a huge year raised in date(value, 1, 1): 500
    response = api.as_user(world.manager).get(
        "/api/v1/sla/calendar-days/", {"date__year": value, "date__lte": "7048-09-09"}
    )
    assert response.status_code == 400
    assert "date__year" in response.json()


def test_a_year_filter_still_filters(world, api):
    response = api.as_user(world.manager).get("/api/v1/sla/calendar-days/", {"date__year": 9999})
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_declares_a_year_as_a_bounded_integer(schema):
    parameters = schema["paths"]["/api/v1/sla/calendar-days/"]["get"]["parameters"]
    (year,) = [p for p in parameters if p["name"] == "date__year"]
    assert year["schema"] == {"type": "integer", "minimum": 1, "maximum": 9999}


def test_a_partial_update_answers_every_declared_field(world, api):
    # schemathesis: PATCH {} left out `organization_name` (a read-only field whose
    # relation is empty), which the schema declares required.
    session = SessionFactory(organization=None, trainer=world.engineer1)
    response = api.as_user(world.dispatcher).patch(
        f"/api/v1/training/sessions/{session.pk}/", {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["organization_name"] is None


def test_site_coordinates_out_of_range_are_field_errors(world, api):
    response = api.as_user(world.admin).patch(
        f"/api/v1/sites/{world.site_a.pk}/", {"latitude": "-924", "longitude": "200"}
    )
    assert response.status_code == 400
    assert {"latitude", "longitude"} <= set(response.json())


def test_course_duration_must_be_positive(world, api):
    response = api.as_user(world.manager).post(
        "/api/v1/training/courses/", {"kind": "operational", "title": "Zero", "duration_hours": "0"}
    )
    assert response.status_code == 400
    assert "duration_hours" in response.json()


def test_stock_quantity_beyond_the_integer_column_is_a_field_error(world, api):
    stock = Stock.objects.create(
        part=PartFactory(), stockroom=StockroomFactory(service_center=world.local)
    )
    response = api.as_user(world.manager).post(
        f"/api/v1/stock/{stock.pk}/receive/", {"quantity": 4294967296}
    )
    assert response.status_code == 400
    assert "quantity" in response.json()


def test_a_constraint_the_serializers_miss_is_still_a_400_naming_the_field(world):
    from servicedesk.api.dberrors import database_error_response

    try:
        world.site_a.latitude = -924
        world.site_a.save()
    except IntegrityError as exc:
        response = database_error_response(exc)
    assert response.status_code == 400
    assert "latitude" in response.data


def test_deleting_what_others_refer_to_is_409(world, api):
    response = api.as_user(world.admin).delete(f"/api/v1/sites/{world.site_a.pk}/")
    assert response.status_code == 409


def test_schema_declares_errors_and_nullable_fields(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            missing = {"400", "401", "403", "404", "409", "412", "413", "429", "503"} - set(
                operation["responses"]
            )
            assert not missing, (method, path, missing)
    assert "/api/v1/auth/logout/" in schema["paths"]
    me = schema["components"]["schemas"]["Me"]["properties"]
    assert me["engineer_profile"].get("nullable") is True


def test_schema_types_every_download_as_binary(schema):
    downloads = 0
    for path, item in schema["paths"].items():
        for operation in item.values():
            content = operation["responses"].get("200", {}).get("content", {})
            files = {kind: body for kind, body in content.items() if "json" not in kind}
            files.pop("text/csv", None)  # the CSV renderer of the stock lists, beside JSON
            if path.endswith(".pdf"):
                assert set(files) == {"application/pdf"}, path
            for kind, body in files.items():
                downloads += 1
                assert body["schema"] == {"type": "string", "format": "binary"}, (path, kind)
    assert downloads >= 8  # reports, labels, certificates, attachments, photos, materials
