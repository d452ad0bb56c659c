"""GET /api/v1/notifications/ (own only, unread filter, cursor pages, updated_after),
POST {id}/read/ and read-all/."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"


def test_anonymous_is_401(world, client):
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}read-all/").status_code == 401


def test_the_list_holds_only_the_callers_own(world, api):
    mine = NotificationFactory.create_batch(2, recipient=world.customer_a)
    NotificationFactory(recipient=world.customer_b)
    NotificationFactory(recipient=world.dispatcher)
    response = api.as_user(world.customer_a).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert sorted(row["id"] for row in body["results"]) == sorted(n.pk for n in mine)
    assert {"next", "previous", "results"} <= set(body)
    row = body["results"][0]
    assert {
        "id",
        "event",
        "verb",
        "target_type",
        "target_id",
        "url",
        "read",
        "read_at",
        "created_at",
        "updated_at",
    } <= set(row)


def test_unread_filter(world, api):
    unread = NotificationFactory(recipient=world.engineer1)
    NotificationFactory(recipient=world.engineer1, read_at=timezone.now())
    client = api.as_user(world.engineer1)
    assert [r["id"] for r in client.get(URL, {"unread": "true"}).json()["results"]] == [unread.pk]
    assert len(client.get(URL, {"unread": "false"}).json()["results"]) == 1
    assert len(client.get(URL).json()["results"]) == 2


def test_cursor_pages_walk_every_row_once(world, api):
    rows = NotificationFactory.create_batch(5, recipient=world.engineer1)
    client = api.as_user(world.engineer1)
    seen, url = [], URL + "?page_size=2"
    while url:
        body = client.get(url).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(n.pk for n in rows) and len(seen) == 5


def test_updated_after_returns_what_changed_and_a_bad_value_is_400(world, api):
    old = NotificationFactory(recipient=world.engineer1)
    Notification.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=2)
    )
    fresh = NotificationFactory(recipient=world.engineer1)
    client = api.as_user(world.engineer1)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert [r["id"] for r in client.get(URL, {"updated_after": since}).json()["results"]] == [
        fresh.pk
    ]
    response = client.get(URL, {"updated_after": "yesterday"})
    assert response.status_code == 400
    assert "updated_after" in response.json()


def test_the_list_costs_the_same_queries_for_more_rows(world, api, django_assert_num_queries):
    NotificationFactory.create_batch(
        3, recipient=world.engineer1, actor=world.dispatcher, target_type=None
    )
    client = api.as_user(world.engineer1)
    with django_assert_num_queries(1):
        assert len(client.get(URL).json()["results"]) == 3
    from django.contrib.contenttypes.models import ContentType

    NotificationFactory.create_batch(
        12,
        recipient=world.engineer1,
        actor=world.manager,
        target_type=ContentType.objects.get_for_model(world.site_a),
        target_id=world.site_a.pk,
    )
    with django_assert_num_queries(1):
        assert len(client.get(URL).json()["results"]) == 15


def test_mark_one_read(world, api):
    notification = NotificationFactory(recipient=world.customer_a)
    response = api.as_user(world.customer_a).post(f"{URL}{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_notification_is_404_and_stays_unread(world, api):
    notification = NotificationFactory(recipient=world.customer_a)
    client = api.as_user(world.customer_b)
    assert client.get(f"{URL}{notification.pk}/").status_code == 404
    assert client.post(f"{URL}{notification.pk}/read/").status_code == 404
    # not even another user of the same organisation
    assert api.as_user(world.customer_a2).post(f"{URL}{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_read_all_marks_only_the_callers_own(world, api):
    NotificationFactory.create_batch(3, recipient=world.engineer1)
    NotificationFactory(recipient=world.engineer1, read_at=timezone.now())
    other = NotificationFactory(recipient=world.engineer2)
    response = api.as_user(world.engineer1).post(f"{URL}read-all/")
    assert response.status_code == 200
    assert response.json() == {"marked": 3}
    assert not Notification.objects.filter(recipient=world.engineer1, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_there_is_no_create_update_or_delete(world, api):
    notification = NotificationFactory(recipient=world.admin)
    client = api.as_user(world.admin)
    assert client.post(URL, {"verb": "x"}).status_code == 405
    assert client.patch(f"{URL}{notification.pk}/", {"verb": "x"}).status_code == 405
    assert client.delete(f"{URL}{notification.pk}/").status_code == 405
    assert Notification.objects.get(pk=notification.pk).verb == notification.verb
