"""The API conventions of API.md, shown on the identity and asset endpoints."""

import json

import pytest
from django.core.management import call_command

from assets.models import Equipment, Site
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "organizations",
    "service-centers",
    "users",
    "sites",
    "equipment",
    "equipment-models",
    "contracts",
]


@pytest.mark.parametrize("collection", LISTS)
def test_anonymous_calls_are_401(world, client, collection):
    assert client.get(f"/api/v1/{collection}/").status_code == 401


@pytest.mark.parametrize("kind", ["sites", "equipment", "contracts"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_customer_b_gets_404_on_organisation_a_objects(world, api, kind, method):
    target = {"sites": world.site_a, "equipment": world.equipment_a, "contracts": world.contract_a}[
        kind
    ]
    response = getattr(api.as_user(world.customer_b), method)(
        f"/api/v1/{kind}/{target.pk}/", {"name": "x"}
    )
    assert response.status_code == 404
    assert type(target).objects.filter(pk=target.pk).exists()


def test_customer_reads_only_own_organisation_sites(world, api):
    response = api.as_user(world.customer_b).get("/api/v1/sites/")
    assert [row["id"] for row in response.json()["results"]] == [world.site_b.pk]


def test_customer_writing_a_site_is_403(world, api):
    client = api.as_user(world.customer_a)
    assert client.patch(f"/api/v1/sites/{world.site_a.pk}/", {"name": "Renamed"}).status_code == 403
    body = {
        "organization": world.org_a.pk,
        "name": "New",
        "code": "new",
        "service_center": world.local.pk,
    }
    assert client.post("/api/v1/sites/", body).status_code == 403
    world.site_a.refresh_from_db()
    assert world.site_a.name == "Site A"


def test_foreign_id_in_a_post_body_is_400(world, api):
    """A dispatcher of another centre cannot attach equipment to a site outside their scope."""
    other = SiteFactory()  # a site of an unrelated centre
    response = api.as_user(world.dispatcher).post(
        "/api/v1/equipment/",
        {
            "site": other.pk,
            "equipment_model": world.equipment_a.equipment_model_id,
            "name": "X",
            "serial_number": "S1",
        },
    )
    assert response.status_code == 400
    assert "site" in response.json()
    assert not Equipment.objects.filter(serial_number="S1").exists()


def test_customer_admin_cannot_put_a_user_into_another_organisation(world, api):
    response = api.as_user(world.customer_b).post(
        "/api/v1/users/",
        {"username": "intruder", "organization": world.org_a.pk, "role": "customer"},
    )
    assert response.status_code == 400
    assert "organization" in response.json()


def test_bad_input_is_400_with_field_errors_and_writes_nothing(world, api):
    before = Site.objects.count()
    response = api.as_user(world.dispatcher).post(
        "/api/v1/sites/",
        {"organization": world.org_a.pk, "name": "", "code": "bad code!", "latitude": 123},
    )
    assert response.status_code == 400
    assert {"name", "code", "service_center"} <= set(response.json())
    assert Site.objects.count() == before


def test_malformed_json_is_400_not_500(world, api):
    response = api.as_user(world.dispatcher).generic(
        "POST", "/api/v1/sites/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


def _site_body(world, code="idem"):
    return {
        "organization": world.org_a.pk,
        "name": f"Site {code}",
        "code": code,
        "service_center": world.local.pk,
    }


def test_idempotency_key_replay_returns_first_response_and_creates_one_object(world, api):
    client = api.as_token_user(world.dispatcher)
    first = client.post("/api/v1/sites/", _site_body(world), HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/sites/", _site_body(world), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Site.objects.filter(code="idem").count() == 1


def test_idempotency_key_with_another_body_is_422(world, api):
    client = api.as_token_user(world.dispatcher)
    client.post("/api/v1/sites/", _site_body(world), HTTP_IDEMPOTENCY_KEY="k-2")
    response = client.post("/api/v1/sites/", _site_body(world, "other"), HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Site.objects.filter(code="other").exists()


def test_idempotency_keys_are_per_user(world, api):
    api.as_token_user(world.dispatcher).post(
        "/api/v1/sites/", _site_body(world, "one"), HTTP_IDEMPOTENCY_KEY="shared"
    )
    response = api.as_token_user(world.manager).post(
        "/api/v1/sites/", _site_body(world, "two"), HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert response.status_code == 201
    assert Site.objects.filter(code__in=["one", "two"]).count() == 2


def test_etag_and_if_match(world, api):
    client = api.as_user(world.dispatcher)
    url = f"/api/v1/sites/{world.site_a.pk}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    ok = client.patch(url, {"name": "First edit"}, HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    assert ok["ETag"] != etag
    stale = client.patch(url, {"name": "Second edit"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    world.site_a.refresh_from_db()
    assert world.site_a.name == "First edit"


def test_body_over_the_upload_limit_is_413(world, api, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    payload = json.dumps({"name": "x" * 400_000})
    response = api.as_user(world.dispatcher).generic(
        "POST", "/api/v1/sites/", payload, content_type="application/json"
    )
    assert response.status_code == 413


def test_updated_after_filters_and_rejects_garbage(world, api):
    client = api.as_user(world.dispatcher)
    stamp = world.site_b.updated_at.isoformat()
    rows = client.get("/api/v1/sites/", {"updated_after": stamp}).json()["results"]
    assert world.site_b.pk not in [row["id"] for row in rows]
    assert client.get("/api/v1/sites/", {"updated_after": "yesterday"}).status_code == 400


def test_page_size_is_capped_at_200(world, api):
    SiteFactory.create_batch(205, organization=world.org_a, service_center=world.local)
    body = api.as_user(world.dispatcher).get("/api/v1/sites/", {"page_size": 500}).json()
    assert len(body["results"]) == 200
    assert body["next"]


@pytest.mark.parametrize("collection", ["sites", "equipment", "contracts", "users"])
def test_list_query_count_does_not_grow_with_rows(
    world, api, django_assert_max_num_queries, collection
):
    """Queries: session/auth-free (force_authenticate), centre ids, COUNT, page,
    and at most one prefetch per many-to-many."""
    client = api.as_user(world.manager)
    with django_assert_max_num_queries(6) as few:
        client.get(f"/api/v1/{collection}/")
    for _ in range(12):
        site = SiteFactory(organization=world.org_a, service_center=world.local)
        from tests.factories import EquipmentFactory, ServiceContractFactory, UserFactory

        EquipmentFactory(site=site)
        ServiceContractFactory(organization=world.org_a, sites=[site])
        UserFactory(role="engineer", service_centers=[world.local])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/api/v1/{collection}/")
    assert len(response.json()["results"]) > 12


def test_openapi_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert "/api/v1/sites/" in (tmp_path / "schema.yml").read_text()


def test_docs_are_served_without_a_cdn(world, client):
    client.force_login(world.manager)
    html = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
