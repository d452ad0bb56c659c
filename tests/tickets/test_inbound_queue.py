"""The dispatchers' registration queue of inbound e-mail (pages of the tickets app)."""

import pytest
from django.urls import reverse

from tests.factories.tickets import InboundEmailFactory
from tickets.models import InboundEmail, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)  # signing in itself (django-axes) is tested in tests/accounts
        return client

    return login


@pytest.mark.parametrize("username", ["customer_a", "engineer1", "expert"])
def test_the_inbound_queue_is_for_dispatch_roles_only(world, as_user, username):
    inbound = InboundEmailFactory()
    client = as_user(getattr(world, username))
    assert client.get(reverse("tickets:inbound")).status_code == 403
    assert client.post(reverse("tickets:inbound_discard", args=[inbound.pk])).status_code == 403
    inbound.refresh_from_db()
    assert inbound.status == InboundEmail.Status.PENDING


def test_a_dispatcher_registers_a_queued_email_as_a_ticket(
    world, as_user, django_capture_on_commit_callbacks
):
    inbound = InboundEmailFactory(subject="Pump alarm", body="The pump alarm rings.")
    client = as_user(world.dispatcher)
    page = client.get(reverse("tickets:inbound")).content.decode()
    assert "Pump alarm" in page and 'data-testid="register"' in page
    prefix = f"m{inbound.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tickets:inbound_register", args=[inbound.pk]),
            {
                f"{prefix}-organization": world.org_a.pk,
                f"{prefix}-site": world.site_a.pk,
                f"{prefix}-title": "Pump alarm at Site A",
                f"{prefix}-kind": "fault",
                f"{prefix}-urgency": "high",
            },
        )
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert (
        inbound.status == InboundEmail.Status.REGISTERED and inbound.handled_by == world.dispatcher
    )
    ticket = inbound.ticket
    assert (ticket.channel, ticket.title, ticket.site, ticket.urgency) == (
        "email",
        "Pump alarm at Site A",
        world.site_a,
        "high",
    )
    assert ticket.contact_email == inbound.sender
    # a second registration of the same e-mail is refused
    client.post(
        reverse("tickets:inbound_register", args=[inbound.pk]),
        {
            f"{prefix}-organization": world.org_a.pk,
            f"{prefix}-site": world.site_a.pk,
            f"{prefix}-title": "Again",
            f"{prefix}-kind": "fault",
            f"{prefix}-urgency": "high",
        },
    )
    assert Ticket.objects.filter(title="Again").count() == 0


def test_registering_with_a_site_of_another_organisation_writes_nothing(world, as_user):
    inbound = InboundEmailFactory()
    prefix = f"m{inbound.pk}"
    response = as_user(world.dispatcher).post(
        reverse("tickets:inbound_register", args=[inbound.pk]),
        {
            f"{prefix}-organization": world.org_a.pk,
            f"{prefix}-site": world.site_b.pk,
            f"{prefix}-title": "X",
            f"{prefix}-kind": "fault",
            f"{prefix}-urgency": "high",
        },
    )
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == InboundEmail.Status.PENDING and inbound.ticket is None
    assert not Ticket.objects.exists()


def test_a_dispatcher_discards_a_queued_email(world, as_user):
    inbound = InboundEmailFactory()
    response = as_user(world.dispatcher).post(reverse("tickets:inbound_discard", args=[inbound.pk]))
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == InboundEmail.Status.DISCARDED
