"""The notifications page, the bell partial and marking read with htmx."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)  # signing in itself (django-axes) is tested in tests/accounts
        return client

    return login


def test_the_bell_is_on_every_page_and_loads_its_count_with_htmx(world, as_user):
    page = as_user(world.customer_a).get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("notifications:bell")}"' in page
    assert "every 60s" in page
    assert 'data-testid="bell"' in page


def test_the_bell_partial_shows_the_unread_count(world, as_user):
    NotificationFactory.create_batch(3, recipient=world.customer_a)
    NotificationFactory(recipient=world.customer_a, read_at="2026-01-01T00:00:00Z")
    NotificationFactory.create_batch(2, recipient=world.customer_b)
    body = as_user(world.customer_a).get(reverse("notifications:bell")).content.decode()
    assert 'data-testid="bell-count">3<' in body
    assert reverse("notifications:list") in body


def test_the_bell_shows_no_badge_without_unread(world, as_user):
    body = as_user(world.engineer1).get(reverse("notifications:bell")).content.decode()
    assert "bell-count" not in body and 'data-testid="bell"' in body


def test_the_list_shows_only_own_and_its_queries_do_not_grow(
    world, as_user, django_assert_max_num_queries
):
    NotificationFactory.create_batch(
        3, recipient=world.customer_a, actor=world.dispatcher, verb="Mine"
    )
    NotificationFactory(recipient=world.customer_b, verb="Not yours")
    client = as_user(world.customer_a)
    with django_assert_max_num_queries(6) as few:
        page = client.get(reverse("notifications:list")).content.decode()
    assert page.count('data-testid="notification"') == 3 and "Not yours" not in page
    NotificationFactory.create_batch(
        20, recipient=world.customer_a, actor=world.engineer1, verb="Mine"
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("notifications:list")).content.decode()
    assert page.count('data-testid="notification"') == 23


def test_mark_read_with_htmx_returns_the_row_and_refreshes_the_bell(world, as_user):
    notification = NotificationFactory(recipient=world.customer_a)
    response = as_user(world.customer_a).post(
        reverse("notifications:read", args=[notification.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert f'id="notification-{notification.pk}"' in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_notification_is_404_on_the_pages(world, as_user):
    notification = NotificationFactory(recipient=world.customer_a)
    client = as_user(world.customer_b)
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_open_marks_read_and_follows_the_link(world, as_user):
    notification = NotificationFactory(recipient=world.customer_a, url="/assets/sites/")
    response = as_user(world.customer_a).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/assets/sites/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    offsite = NotificationFactory(recipient=world.customer_a, url="https://evil.example/")
    response = as_user(world.customer_a).get(reverse("notifications:open", args=[offsite.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read_page(world, as_user):
    NotificationFactory.create_batch(2, recipient=world.customer_a)
    response = as_user(world.customer_a).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(
        recipient=world.customer_a, read_at__isnull=True
    ).exists()
