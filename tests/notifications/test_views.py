"""The notifications page, the bell partial, marking read with htmx, and the
dispatchers' registration queue of inbound e-mail."""

import pytest
from django.urls import reverse

from notifications.models import InboundEmail, Notification
from tests.factories.accounts import PASSWORD
from tests.factories.notifications import InboundEmailFactory, NotificationFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.login(username=user.username, password=PASSWORD)
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


def test_the_list_shows_only_own_and_its_queries_do_not_grow(world, as_user, django_assert_max_num_queries):
    NotificationFactory.create_batch(3, recipient=world.customer_a, actor=world.dispatcher, verb="Mine")
    NotificationFactory(recipient=world.customer_b, verb="Not yours")
    client = as_user(world.customer_a)
    with django_assert_max_num_queries(6) as few:
        page = client.get(reverse("notifications:list")).content.decode()
    assert page.count('data-testid="notification"') == 3 and "Not yours" not in page
    NotificationFactory.create_batch(20, recipient=world.customer_a, actor=world.engineer1, verb="Mine")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("notifications:list")).content.decode()
    assert page.count('data-testid="notification"') == 23


def test_mark_read_with_htmx_returns_the_row_and_refreshes_the_bell(world, as_user):
    notification = NotificationFactory(recipient=world.customer_a)
    response = as_user(world.customer_a).post(reverse("notifications:read", args=[notification.pk]),
                                              HTTP_HX_REQUEST="true")
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
    assert not Notification.objects.filter(recipient=world.customer_a, read_at__isnull=True).exists()


@pytest.mark.parametrize("username", ["customer_a", "engineer1", "expert"])
def test_the_inbound_queue_is_for_dispatch_roles_only(world, as_user, username):
    inbound = InboundEmailFactory()
    client = as_user(getattr(world, username))
    assert client.get(reverse("notifications:inbound")).status_code == 403
    assert client.post(reverse("notifications:inbound_discard", args=[inbound.pk])).status_code == 403
    inbound.refresh_from_db()
    assert inbound.status == InboundEmail.Status.PENDING


def test_a_dispatcher_registers_a_queued_email_as_a_ticket(world, as_user, django_capture_on_commit_callbacks):
    inbound = InboundEmailFactory(subject="Pump alarm", body="The pump alarm rings.")
    client = as_user(world.dispatcher)
    page = client.get(reverse("notifications:inbound")).content.decode()
    assert "Pump alarm" in page and 'data-testid="register"' in page
    prefix = f"m{inbound.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:inbound_register", args=[inbound.pk]), {
            f"{prefix}-organization": world.org_a.pk, f"{prefix}-site": world.site_a.pk,
            f"{prefix}-title": "Pump alarm at Site A", f"{prefix}-kind": "fault", f"{prefix}-urgency": "high",
        })
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == InboundEmail.Status.REGISTERED and inbound.handled_by == world.dispatcher
    ticket = inbound.ticket
    assert (ticket.channel, ticket.title, ticket.site, ticket.urgency) == ("email", "Pump alarm at Site A",
                                                                          world.site_a, "high")
    assert ticket.contact_email == inbound.sender
    # a second registration of the same e-mail is refused
    client.post(reverse("notifications:inbound_register", args=[inbound.pk]), {
        f"{prefix}-organization": world.org_a.pk, f"{prefix}-site": world.site_a.pk, f"{prefix}-title": "Again",
        f"{prefix}-kind": "fault", f"{prefix}-urgency": "high"})
    assert Ticket.objects.filter(title="Again").count() == 0


def test_registering_with_a_site_of_another_organisation_writes_nothing(world, as_user):
    inbound = InboundEmailFactory()
    prefix = f"m{inbound.pk}"
    response = as_user(world.dispatcher).post(reverse("notifications:inbound_register", args=[inbound.pk]), {
        f"{prefix}-organization": world.org_a.pk, f"{prefix}-site": world.site_b.pk, f"{prefix}-title": "X",
        f"{prefix}-kind": "fault", f"{prefix}-urgency": "high"})
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == InboundEmail.Status.PENDING and inbound.ticket is None
    assert not Ticket.objects.exists()


def test_a_dispatcher_discards_a_queued_email(world, as_user):
    inbound = InboundEmailFactory()
    response = as_user(world.dispatcher).post(reverse("notifications:inbound_discard", args=[inbound.pk]))
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == InboundEmail.Status.DISCARDED
