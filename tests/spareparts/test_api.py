"""The spare-parts API: roles, scope (customers never see stock), the read-only
ledger, refusals that write nothing, CSV export and fixed query counts."""

import pytest

from spareparts import services
from spareparts.models import Movement, ProcurementRequest, Reservation, Stock, Transfer
from tests.factories.accounts import ServiceCenterFactory, UserFactory
from tests.factories.spareparts import PartFactory, StockroomFactory

from .conftest import receive

pytestmark = pytest.mark.django_db
STAFF_ONLY = [
    "stockrooms",
    "stock",
    "movements",
    "reservations",
    "transfers",
    "procurement-requests",
]


def _stock(parts, quantity=5):
    receive(parts.part, parts.local_room, quantity)
    return Stock.objects.get(part=parts.part, stockroom=parts.local_room)


@pytest.mark.parametrize("collection", STAFF_ONLY)
def test_customers_cannot_list_stock_data(world, api, parts, collection):
    _stock(parts)
    assert api.as_user(world.customer_a).get(f"/api/v1/{collection}/").status_code == 403


def test_customers_get_404_on_stockrooms_stock_and_procurement(world, api, parts):
    stock = _stock(parts)
    request = services.procurement_create(
        actor=world.manager, part=parts.part, quantity=1, stockroom=parts.local_room
    )
    client = api.as_user(world.customer_a)
    for url in (
        f"/api/v1/stockrooms/{parts.local_room.pk}/",
        f"/api/v1/stock/{stock.pk}/",
        f"/api/v1/procurement-requests/{request.pk}/",
        f"/api/v1/movements/{Movement.objects.get().pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/api/v1/stock/{stock.pk}/receive/", {"quantity": 5}).status_code == 404
    assert Movement.objects.count() == 1


def test_customers_read_the_catalogue_without_costs(world, api, parts):
    body = api.as_user(world.customer_a).get(f"/api/v1/parts/{parts.part.pk}/").json()
    assert body["sku"] == "PSU-24"
    assert "unit_cost" not in body
    assert (
        api.as_user(world.dispatcher).get(f"/api/v1/parts/{parts.part.pk}/").json()["unit_cost"]
        == "12.50"
    )


def test_staff_see_only_their_centres_stockrooms(world, api, parts):
    other_room = StockroomFactory(service_center=ServiceCenterFactory())
    receive(parts.part, other_room, 3)
    _stock(parts)
    local_ids = {
        row["stockroom"]
        for row in api.as_user(world.dispatcher).get("/api/v1/stock/").json()["results"]
    }
    assert local_ids == {parts.local_room.pk}
    assert (
        api.as_user(world.dispatcher).get(f"/api/v1/stockrooms/{other_room.pk}/").status_code == 404
    )
    # the regional manager sees the region (regional + its local child), not the other centre
    rooms = {
        row["id"] for row in api.as_user(world.manager).get("/api/v1/stockrooms/").json()["results"]
    }
    assert rooms == {parts.local_room.pk, parts.regional_room.pk}
    assert len(api.as_user(world.admin).get("/api/v1/stockrooms/").json()["results"]) == 3


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_ledger_api_is_read_only(world, api, parts, method):
    movement = receive(parts.part, parts.local_room, 5)
    client = api.as_user(world.admin)
    url = "/api/v1/movements/" if method == "post" else f"/api/v1/movements/{movement.pk}/"
    response = getattr(client, method)(
        url,
        {
            "quantity": 99,
            "kind": "receipt",
            "part": parts.part.pk,
            "stockroom": parts.local_room.pk,
        },
    )
    assert response.status_code == 405
    assert list(Movement.objects.values_list("quantity", flat=True)) == [5]


def test_movements_list_is_cursor_paginated_and_filterable(world, api, parts):
    for _ in range(3):
        receive(parts.part, parts.local_room, 1)
    body = api.as_user(world.dispatcher).get("/api/v1/movements/?page_size=2&kind=receipt").json()
    assert len(body["results"]) == 2 and body["next"] and "count" not in body
    assert body["results"][0]["id"] > body["results"][1]["id"]
    assert (
        api.as_user(world.dispatcher).get("/api/v1/movements/?updated_after=nonsense").status_code
        == 400
    )


def test_reserve_through_the_api_says_where_it_comes_from(world, api, parts):
    receive(parts.part, parts.regional_room, 5)
    response = api.as_user(world.engineer1).post(
        "/api/v1/reservations/", {"part": parts.part.pk, "quantity": 2, "visit": parts.visit.pk}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["stockroom"], body["stockroom_name"], body["served_from_own_centre"]) == (
        parts.regional_room.pk,
        "Regional stockroom",
        False,
    )
    use = api.as_user(world.engineer1).post(
        f"/api/v1/reservations/{body['id']}/use/", {"quantity": 1}
    )
    assert use.status_code == 200 and use.json()["used"] == 1
    release = api.as_user(world.engineer1).post(f"/api/v1/reservations/{body['id']}/release/", {})
    assert release.json()["status"] == "used" and release.json()["released"] == 1


def test_over_reservation_is_409_and_writes_nothing(world, api, parts):
    _stock(parts, 2)
    before = Movement.objects.count()
    response = api.as_user(world.engineer1).post(
        "/api/v1/reservations/", {"part": parts.part.pk, "quantity": 3, "visit": parts.visit.pk}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert Movement.objects.count() == before
    assert not Reservation.objects.exists()
    assert Stock.objects.get().reserved == 0


@pytest.mark.parametrize(
    "body", [{}, {"quantity": 0}, {"part": 999999, "quantity": 1}, {"quantity": "x"}]
)
def test_bad_reservation_input_is_400_with_field_errors(world, api, parts, body):
    _stock(parts)
    response = api.as_user(world.engineer1).post(
        "/api/v1/reservations/", {"visit": parts.visit.pk, **body}
    )
    assert response.status_code == 400
    assert set(response.json()) & {"part", "quantity"}
    assert Movement.objects.count() == 1


def test_another_centres_ticket_is_a_400_not_a_leak(world, api, parts):
    from tests.factories import SiteFactory
    from tests.factories.spareparts import make_ticket

    _stock(parts)
    foreign = make_ticket(site=SiteFactory())
    response = api.as_user(world.engineer1).post(
        "/api/v1/reservations/", {"part": parts.part.pk, "quantity": 1, "ticket": foreign.pk}
    )
    assert response.status_code == 400 and "ticket" in response.json()


def test_roles_without_the_right_get_403(world, api, parts):
    stock = _stock(parts)
    assert (
        api.as_user(world.engineer1)
        .post(f"/api/v1/stock/{stock.pk}/adjust/", {"delta": -1, "reason": "x"})
        .status_code
        == 403
    )
    assert (
        api.as_user(world.engineer1).post("/api/v1/parts/", {"sku": "X", "name": "X"}).status_code
        == 403
    )
    assert (
        api.as_user(world.customer_a)
        .post(
            "/api/v1/reservations/", {"part": parts.part.pk, "quantity": 1, "visit": parts.visit.pk}
        )
        .status_code
        == 403
    )
    request = services.procurement_create(
        actor=world.manager, part=parts.part, quantity=1, stockroom=parts.local_room
    )
    assert (
        api.as_user(world.dispatcher)
        .post(f"/api/v1/procurement-requests/{request.pk}/order/", {})
        .status_code
        == 403
    )
    assert Stock.objects.get().on_hand == 5


def test_adjust_to_negative_is_409_and_bad_delta_400(world, api, parts):
    stock = _stock(parts, 2)
    client = api.as_user(world.manager)
    assert (
        client.post(
            f"/api/v1/stock/{stock.pk}/adjust/", {"delta": -3, "reason": "count"}
        ).status_code
        == 409
    )
    response = client.post(f"/api/v1/stock/{stock.pk}/adjust/", {"delta": 0, "reason": ""})
    assert response.status_code == 400 and {"delta", "reason"} <= set(response.json())
    assert (
        client.post(
            f"/api/v1/stock/{stock.pk}/adjust/", {"delta": -2, "reason": "count"}
        ).status_code
        == 201
    )
    assert Stock.objects.get().on_hand == 0


def test_stock_thresholds_are_patched_but_levels_are_not(world, api, parts):
    stock = _stock(parts)
    response = api.as_user(world.manager).patch(
        f"/api/v1/stock/{stock.pk}/", {"reorder_point": 8, "on_hand": 99}
    )
    assert response.status_code == 200
    stock.refresh_from_db()
    assert (stock.reorder_point, stock.on_hand) == (8, 5)
    assert response.json()["low"] is True


def test_transfer_ship_and_receive_through_the_api(world, api, parts):
    receive(parts.part, parts.regional_room, 5)
    client = api.as_user(world.manager)
    response = client.post(
        "/api/v1/transfers/",
        {
            "part": parts.part.pk,
            "from_stockroom": parts.regional_room.pk,
            "to_stockroom": parts.local_room.pk,
            "quantity": 3,
        },
    )
    assert response.status_code == 201 and response.json()["status"] == "shipped"
    transfer_id = response.json()["id"]
    assert api.as_user(world.engineer1).post(f"/api/v1/transfers/{transfer_id}/receive/").json()[
        "status"
    ] == ("received")
    assert (
        api.as_user(world.manager).post(f"/api/v1/transfers/{transfer_id}/cancel/", {}).status_code
        == 409
    )
    assert Stock.objects.get(stockroom=parts.local_room).on_hand == 3


def test_transfer_from_a_stockroom_outside_scope_is_400(world, api, parts):
    receive(parts.part, parts.regional_room, 5)
    response = api.as_user(world.dispatcher).post(
        "/api/v1/transfers/",
        {
            "part": parts.part.pk,
            "from_stockroom": parts.regional_room.pk,
            "to_stockroom": parts.local_room.pk,
            "quantity": 3,
        },
    )
    assert response.status_code == 400 and "from_stockroom" in response.json()
    assert not Transfer.objects.exists()


def test_procurement_lifecycle_through_the_api(world, api, parts):
    client = api.as_user(world.manager)
    response = client.post(
        "/api/v1/procurement-requests/",
        {"part": parts.part.pk, "quantity": 4, "priority": "high", "ticket": parts.ticket.pk},
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    assert (
        client.post(
            f"/api/v1/procurement-requests/{pk}/order/", {"expected_on": "2030-01-01"}
        ).json()["status"]
        == "ordered"
    )
    missing = client.post(f"/api/v1/procurement-requests/{pk}/receive/", {})
    assert missing.status_code == 400 and "stockroom" in missing.json()
    done = client.post(
        f"/api/v1/procurement-requests/{pk}/receive/", {"stockroom": parts.local_room.pk}
    )
    assert done.json()["status"] == "received"
    assert Stock.objects.get(stockroom=parts.local_room).on_hand == 4
    assert (
        client.post(f"/api/v1/procurement-requests/{pk}/cancel/", {"reason": "x"}).status_code
        == 409
    )
    assert ProcurementRequest.objects.get().status == "received"


def test_stock_and_movements_export_as_csv(world, api, parts):
    _stock(parts)
    stock_csv = api.as_user(world.dispatcher).get("/api/v1/stock/?format=csv")
    assert stock_csv.status_code == 200 and stock_csv["Content-Type"].startswith("text/csv")
    lines = stock_csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("stockroom,sku,part") and "PSU-24" in lines[1]
    movements_csv = (
        api.as_user(world.dispatcher)
        .get("/api/v1/movements/?format=csv")
        .content.decode("utf-8-sig")
    )
    assert "receipt" in movements_csv
    assert api.as_user(world.customer_a).get("/api/v1/stock/?format=csv").status_code == 403


def _fill(parts, n):
    for _ in range(n):
        StockroomFactory(
            service_center=ServiceCenterFactory(parent=parts.regional_room.service_center)
        )
        part = PartFactory()
        receive(part, parts.local_room, 3)
        services.procurement_create(actor=None, part=part, quantity=1, stockroom=parts.local_room)
        services.parts_reserve(ticket=parts.ticket, part=part, quantity=1, actor=None)
        services.transfer_ship(
            part=part,
            from_stockroom=parts.local_room,
            to_stockroom=parts.regional_room,
            quantity=1,
            actor=None,
        )


@pytest.mark.parametrize("collection", ["parts", *STAFF_ONLY])
def test_list_endpoints_run_a_fixed_number_of_queries(
    world, api, parts, collection, django_assert_num_queries
):
    client = api.as_user(UserFactory(role="manager"))  # no centre: sees all, the rows grow
    url = f"/api/v1/{collection}/?page_size=200"
    _fill(parts, 2)
    client.get(url)  # warm the user's centre cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).json()["results"]) >= 2
    few = len(few)
    _fill(parts, 5)
    # the same number of queries for 2 and for 7 rows: the page, a COUNT for page-number
    # lists, and one prefetch for the parts' compatible models
    with django_assert_num_queries(few):
        assert len(client.get(url).json()["results"]) >= 7
