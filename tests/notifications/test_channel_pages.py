"""The channel pages: a user's own e-mail and SMS choices; admins' webhooks and group
robots (events, routing to a centre or an organisation, secret), their deliveries with a
retry of a failed one against a real local HTTP receiver, and their history."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import outbox, services
from notifications.channels import endpoints
from notifications.models import ChannelEndpoint, ChannelPreference, OutboxMessage

from .receiver import Receiver

pytestmark = pytest.mark.django_db
SECRET = "whsec-pages-0123"


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _deliver_now():
    OutboxMessage.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    return outbox.deliver_due()


def test_a_customer_turns_sms_on_for_resolutions_and_email_off(world, as_user):
    world.customer_a.phone = ""
    world.customer_a.save()
    client = as_user(world.customer_a)
    page = client.get(reverse("notifications:channels")).content.decode()
    assert 'data-testid="no-phone"' in page and 'id="id_email_enabled" checked' in page
    assert 'value="ticket_resolved"' in page and 'value="sla_breach"' not in page  # staff's
    response = client.post(
        reverse("notifications:channels"),
        {"sms_enabled": "on", "sms_events": ["ticket_resolved"], "email_events": []},
    )
    assert response.status_code == 302
    chosen = {p.channel: p for p in ChannelPreference.objects.filter(user=world.customer_a)}
    assert (chosen["sms"].enabled, chosen["sms"].events) == (True, ["ticket_resolved"])
    assert (chosen["email"].enabled, chosen["email"].events) == (False, [])
    assert chosen["sms"].history.get().history_user == world.customer_a
    client.post(
        reverse("notifications:channels"),
        {"sms_enabled": "on", "sms_events": ["ticket_resolved"]},
    )
    assert chosen["sms"].history.count() == 1  # saving it unchanged writes no history
    refused = client.post(reverse("notifications:channels"), {"sms_events": ["no such event"]})
    assert refused.status_code == 200 and ChannelPreference.objects.get(
        user=world.customer_a, channel="sms"
    ).events == ["ticket_resolved"]


def test_the_channel_page_in_chinese(world, as_user):
    world.customer_a.language = "zh-hans"
    world.customer_a.save()
    client = as_user(world.customer_a)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("notifications:channels"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert "通知渠道" in body and "短信" in body and "故障报告已解决" in body


def test_only_admins_reach_the_webhook_pages(world, as_user):
    endpoint = endpoints.endpoint_save(
        actor=world.admin, url="http://127.0.0.1:9/x", secret=SECRET, events=["sla_breach"]
    )
    for user in (world.manager, world.dispatcher, world.customer_a):
        client = as_user(user)
        assert client.get(reverse("notifications:endpoint_list")).status_code == 403
        assert client.get(reverse("notifications:endpoint_create")).status_code == 403
        detail = reverse("notifications:endpoint_detail", args=[endpoint.pk])
        assert client.post(detail, {"url": "http://evil.test/"}).status_code == 403
        assert (
            client.post(reverse("notifications:endpoint_delete", args=[endpoint.pk])).status_code
            == 403
        )
    endpoint.refresh_from_db()
    assert endpoint.url == "http://127.0.0.1:9/x"


def test_admin_routes_breaches_of_a_centre_to_its_wecom_group_from_the_page(world, as_user):
    client = as_user(world.admin)
    response = client.post(
        reverse("notifications:endpoint_create"),
        {
            "name": "Local WeCom group",
            "kind": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            "events": ["sla_breach", "sla_warning"],
            "service_center_id": str(world.local.pk),
            "organization_id": "",
            "language": "zh-hans",
            "active": "on",
        },
    )
    endpoint = ChannelEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "notifications:endpoint_detail", args=[endpoint.pk]
    )
    assert (endpoint.kind, endpoint.service_center_id, endpoint.organization_id) == (
        "wecom",
        world.local.pk,
        None,
    )
    listing = client.get(reverse("notifications:endpoint_list")).content.decode()
    assert "Local WeCom group" in listing and "service centre Local" in listing


def test_editing_without_a_secret_keeps_it_and_history_names_the_admin(world, as_user):
    endpoint = endpoints.endpoint_save(  # an event name only the API knows stays offered
        actor=world.admin,
        url="http://127.0.0.1:9/x",
        secret=SECRET,
        events=["ticket_resolved", "ticket_closed_by_erp"],
    )
    client = as_user(world.admin)
    detail = reverse("notifications:endpoint_detail", args=[endpoint.pk])
    form = {
        "name": "ERP",
        "kind": "webhook",
        "url": "http://127.0.0.1:9/y",
        "secret": "",
        "events": ["ticket_resolved", "ticket_closed_by_erp"],
        "language": "en",
    }
    assert client.post(detail, form).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret == SECRET and endpoint.url == "http://127.0.0.1:9/y"
    assert endpoint.active is False  # unticked
    page = client.get(detail).content.decode()
    assert SECRET not in page and "ticket_closed_by_erp" in page
    history = page.split('data-testid="endpoint-history"')[1]
    assert history.count(f"{world.admin} · changed") == 1
    assert history.count(f"{world.admin} · created") == 1
    bad = client.post(detail, {**form, "url": "ftp://127.0.0.1/x"})
    assert bad.status_code == 200
    endpoint.refresh_from_db()
    assert endpoint.url == "http://127.0.0.1:9/y"


def test_a_failed_delivery_is_listed_and_sent_again_from_the_page(
    world, as_user, receiver, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    from tests.factories.tickets import TicketFactory

    ticket = TicketFactory(site=world.site_a, title="Pump stopped")
    endpoint = endpoints.endpoint_save(
        actor=world.admin, url=f"{receiver.url}/hook", secret=SECRET, events=["ticket_resolved"]
    )
    receiver.script = [(500, b"down")]
    with transaction.atomic():
        services.notify(recipients=[], event="ticket_resolved", target=ticket)
    _deliver_now()
    row = OutboxMessage.objects.get(channel="webhook")
    assert row.status == "failed"
    client = as_user(world.admin)
    assert (
        'data-testid="failed-count">1<'
        in client.get(reverse("notifications:endpoint_list")).content.decode()
    )
    detail = client.get(reverse("notifications:endpoint_detail", args=[endpoint.pk]))
    assert f'data-testid="retry-{row.pk}"' in detail.content.decode()
    retry = reverse("notifications:delivery_retry", args=[endpoint.pk, row.pk])
    assert client.post(retry).status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert _deliver_now()["sent"] == 1
    assert len(receiver.requests) == 2 and receiver.requests[0].body == receiver.requests[1].body
    row.refresh_from_db()
    assert row.status == "sent"
    client.post(retry)  # sent already: refused with a message, nothing changes
    row.refresh_from_db()
    assert row.status == "sent"
    other = endpoints.endpoint_save(
        actor=world.admin, url=f"{receiver.url}/b", secret=SECRET, events=["x"]
    )
    wrong = reverse("notifications:delivery_retry", args=[other.pk, row.pk])
    assert client.post(wrong).status_code == 404


def test_the_retry_api_is_409_unless_the_delivery_failed(api, world, settings, receiver):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    from tests.factories.tickets import TicketFactory

    ticket = TicketFactory(site=world.site_a)
    endpoint = endpoints.endpoint_save(
        actor=world.admin, url=f"{receiver.url}/hook", secret=SECRET, events=["ticket_resolved"]
    )
    with transaction.atomic():
        services.notify(recipients=[], event="ticket_resolved", target=ticket)
    row = OutboxMessage.objects.get(channel="webhook")
    url = f"/api/v1/webhooks/{endpoint.pk}/deliveries/{row.pk}/retry/"
    assert api.as_user(world.admin).post(url).status_code == 409
    assert api.as_user(world.manager).post(url).status_code == 403
    OutboxMessage.objects.filter(pk=row.pk).update(status="failed", attempts=1)
    response = api.as_user(world.admin).post(url)
    assert response.status_code == 200 and response.json()["status"] == "pending"
    assert (
        api.as_user(world.admin)
        .post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/999999/retry/")
        .status_code
        == 404
    )


def test_the_endpoint_list_reads_a_fixed_number_of_queries(
    world, as_user, django_assert_max_num_queries
):
    client = as_user(world.admin)
    endpoints.endpoint_save(
        actor=world.admin, url="http://127.0.0.1:9/a", secret=SECRET, events=["x"]
    )
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("notifications:endpoint_list"))
    for n in range(5):
        endpoints.endpoint_save(
            actor=world.admin,
            url=f"http://127.0.0.1:9/{n}",
            secret=SECRET,
            events=["x"],
            service_center_id=world.local.pk,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("notifications:endpoint_list")).content.decode()
    assert page.count('data-testid="endpoint-row"') == 6
