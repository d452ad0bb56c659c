"""The spare-parts pages: staff only (customers 404), scope, low-stock highlighting,
CSV, and the visit page's parts block posting to our views."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from spareparts import services
from spareparts.models import Movement, ProcurementRequest, Reservation, Stock, Transfer

from .conftest import receive

pytestmark = pytest.mark.django_db
PAGES = [
    "spareparts:stock",
    "spareparts:transfers",
    "spareparts:procurement",
    "spareparts:stock_csv",
    "spareparts:movements_csv",
]


@pytest.mark.parametrize("name", PAGES)
def test_customers_get_404_on_stock_pages(world, client, parts, name):
    client.force_login(world.customer_a)
    assert client.get(reverse(name)).status_code == 404


def test_stock_page_highlights_low_stock_and_searches(
    world, client, parts, django_assert_max_num_queries
):
    receive(parts.part, parts.local_room, 2)
    Stock.objects.filter(part=parts.part).update(reorder_point=5)
    client.force_login(world.dispatcher)
    page = client.get(reverse("spareparts:stock")).content.decode()
    assert "PSU-24" in page and 'data-testid="low-stock"' in page
    assert (
        "PSU-24"
        not in client.get(reverse("spareparts:stock"), {"q": "nothing-like-it"}).content.decode()
    )
    assert (
        "PSU-24"
        in client.get(reverse("spareparts:stock"), {"low": "1", "q": "psu"}).content.decode()
    )


def test_stock_page_is_scoped_to_the_users_centres(world, client, parts):
    receive(parts.part, parts.regional_room, 2)
    client.force_login(world.dispatcher)  # local centre only
    assert "Regional stockroom" not in client.get(reverse("spareparts:stock")).content.decode()
    client.force_login(world.manager)  # regional: sees the region
    assert "Regional stockroom" in client.get(reverse("spareparts:stock")).content.decode()


def test_stock_csv_download(world, client, parts):
    receive(parts.part, parts.local_room, 2)
    client.force_login(world.dispatcher)
    response = client.get(reverse("spareparts:stock_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "PSU-24" in response.content.decode("utf-8-sig")


def test_part_history_page_lists_movements(world, client, parts):
    receive(parts.part, parts.local_room, 2)
    client.force_login(world.dispatcher)
    page = client.get(reverse("spareparts:part_detail", args=[parts.part.pk])).content.decode()
    assert "receipt" in page and "+2" in page


def test_transfer_page_ships_and_receives(world, client, parts):
    receive(parts.part, parts.regional_room, 5)
    client.force_login(world.manager)
    response = client.post(
        reverse("spareparts:transfers"),
        {
            "part": parts.part.pk,
            "from_stockroom": parts.regional_room.pk,
            "to_stockroom": parts.local_room.pk,
            "quantity": 2,
        },
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    client.force_login(world.engineer1)
    client.post(reverse("spareparts:transfer_action", args=[transfer.pk, "receive"]))
    assert Stock.objects.get(stockroom=parts.local_room).on_hand == 2


def test_procurement_page_is_for_dispatch_and_managers(world, client, parts):
    client.force_login(world.engineer1)
    assert client.get(reverse("spareparts:procurement")).status_code == 404
    client.force_login(world.manager)
    client.post(
        reverse("spareparts:procurement"),
        {
            "part": parts.part.pk,
            "quantity": 3,
            "stockroom": parts.local_room.pk,
            "priority": "high",
        },
    )
    request = ProcurementRequest.objects.get()
    client.post(reverse("spareparts:procurement_action", args=[request.pk, "order"]))
    client.post(
        reverse("spareparts:procurement_action", args=[request.pk, "receive"]),
        {"stockroom": parts.local_room.pk},
    )
    request.refresh_from_db()
    assert request.status == "received"
    assert Stock.objects.get(stockroom=parts.local_room).on_hand == 3
    assert (
        "PR-" in client.get(reverse("spareparts:procurement"), {"status": "all"}).content.decode()
    )


def _render_block(visit, user):
    request = RequestFactory().get(f"/tickets/visits/{visit.pk}/")
    request.user = user
    return render_to_string(
        "tickets/includes/visit_parts.html", {"visit": visit, "request": request}, request=request
    )


def test_visit_block_reserve_use_and_return_redirect_back(world, client, parts):
    receive(parts.part, parts.regional_room, 5)
    client.force_login(world.engineer1)
    back = "/tickets/visits/1/"
    data = {"part": parts.part.pk, "quantity": 2, "next": back}
    response = client.post(reverse("spareparts:visit_reserve", args=[parts.visit.pk]), data)
    assert response.status_code == 302 and response["Location"] == back
    html = _render_block(parts.visit, world.engineer1)
    assert "Regional stockroom" in html and "other centre" in html  # where it comes from
    client.post(reverse("spareparts:visit_use", args=[parts.visit.pk]), {**data, "quantity": 1})
    assert Reservation.objects.get().used == 1
    client.post(reverse("spareparts:visit_return", args=[parts.visit.pk]), {**data, "quantity": 1})
    assert Movement.objects.filter(kind="return").count() == 1
    off_site = client.post(
        reverse("spareparts:visit_use", args=[parts.visit.pk]),
        {**data, "next": "https://evil.example/"},
    )
    assert off_site["Location"] != "https://evil.example/"


def test_customer_sees_parts_used_but_no_stock_or_forms(world, parts):
    receive(parts.part, parts.local_room, 5)
    services.parts_reserve(visit=parts.visit, part=parts.part, quantity=1, actor=world.engineer1)
    services.parts_use_on_visit(
        visit=parts.visit, actor=world.engineer1, items=[{"part": parts.part, "quantity": 1}]
    )
    html = _render_block(parts.visit, world.customer_a)
    assert "PSU-24" in html
    assert "Local stockroom" not in html and "parts-form" not in html and "12.50" not in html


def test_customer_b_cannot_post_parts_on_organisation_a_visits(world, client, parts):
    receive(parts.part, parts.local_room, 5)
    client.force_login(world.customer_b)
    response = client.post(
        reverse("spareparts:visit_use", args=[parts.visit.pk]),
        {"part": parts.part.pk, "quantity": 1},
    )
    assert response.status_code == 404
    assert Movement.objects.count() == 1


def test_refusal_on_the_visit_page_is_a_message_not_an_error(world, client, parts):
    client.force_login(world.engineer1)
    response = client.post(
        reverse("spareparts:visit_use", args=[parts.visit.pk]),
        {"part": parts.part.pk, "quantity": 1, "next": "/x/", "confirm_procurement": "on"},
        follow=False,
    )
    assert response.status_code == 302
    assert not Movement.objects.exists()
    assert ProcurementRequest.objects.filter(source="shortage", ticket=parts.ticket).exists()


@pytest.mark.parametrize("name", ["spareparts:visit_use", "spareparts:visit_reserve"])
def test_a_quantity_no_stockroom_has_asks_before_it_opens_procurement(world, client, parts, name):
    client.force_login(world.engineer1)
    response = client.post(
        reverse(name, args=[parts.visit.pk]),
        {"part": parts.part.pk, "quantity": 9999},
        follow=True,
    )
    text = response.content.decode()
    assert "Nothing was booked" in text
    assert not ProcurementRequest.objects.filter(ticket=parts.ticket).exists()
    assert not Movement.objects.exists()


def test_parts_used_through_the_api_write_the_timeline_and_a_refusal_keeps_its_shortage_request(
    world, api, parts
):
    url = f"/api/v1/visits/{parts.visit.pk}/parts/"
    refused = api.as_user(world.engineer1).post(
        url, {"items": [{"part": parts.part.pk, "quantity": 1}]}, format="json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "out_of_stock"
    assert (
        not Movement.objects.exists() and not parts.ticket.events.filter(kind="parts_used").exists()
    )
    assert ProcurementRequest.objects.filter(source="shortage", ticket=parts.ticket).count() == 1

    receive(parts.part, parts.local_room, 3)
    used = api.as_user(world.engineer1).post(
        url, {"items": [{"part": parts.part.pk, "quantity": 2}]}, format="json"
    )
    assert used.status_code in (200, 201), used.content
    assert parts.ticket.events.filter(kind="parts_used").count() == 1
    assert Movement.objects.filter(kind="issue", visit=parts.visit).count() == 1


def test_admin_shows_the_ledger_read_only(world, client, parts):
    movement = receive(parts.part, parts.local_room, 2)
    client.force_login(world.admin)
    assert client.get(reverse("admin:spareparts_movement_changelist")).status_code == 200
    assert client.get(reverse("admin:spareparts_movement_add")).status_code == 403
    response = client.post(
        reverse("admin:spareparts_movement_delete", args=[movement.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Movement.objects.filter(pk=movement.pk).exists()
