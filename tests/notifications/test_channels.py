"""Webhooks, WeCom and DingTalk robots and SMS, delivered through the outbox to a real
HTTP receiver on 127.0.0.1: the payload, the signatures (checked the way the receiving
side checks them), a retry after the receiver answered 500, per-centre routing, the
users' channel choices, and nothing at all for a rolled-back change."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import outbox, services
from notifications.channels import endpoints, senders, sms
from notifications.models import ChannelEndpoint, OutboxMessage
from tests.factories import ServiceCenterFactory, SiteFactory
from tests.factories.tickets import TicketFactory
from tests.tickets.conftest import Builder

from .receiver import Receiver

pytestmark = pytest.mark.django_db
SECRET = "whsec-0123456789"


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def _endpoint(world, receiver, **values):
    values = {
        "kind": "webhook",
        "url": f"{receiver.url}/hook",
        "secret": SECRET,
        "events": ["ticket_resolved"],
        **values,
    }
    return endpoints.endpoint_save(actor=world.admin, **values)


def _deliver_now():
    """What the periodic delivery does; earlier retries made due at once first."""
    OutboxMessage.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    return outbox.deliver_due()


def _verify(received) -> bool:
    """The receiving side's check of X-Servicedesk-Signature."""
    expected = "sha256=" + hmac.new(SECRET.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["X-Servicedesk-Signature"])


def test_admin_subscribes_a_webhook_and_a_resolution_is_posted_signed(
    api, world, receiver, ticket_a
):
    response = api.as_user(world.admin).post(
        "/api/v1/webhooks/",
        {
            "url": f"{receiver.url}/hook",
            "events": ["ticket_resolved"],
            "secret": SECRET,
            "name": "ERP",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert "secret" not in response.json()
    with transaction.atomic():
        services.notify(recipients=[world.customer_a], event="ticket_resolved", target=ticket_a)
        services.notify(
            recipients=[world.customer_a], event="ticket_triaged", target=ticket_a
        )  # not subscribed
    assert _deliver_now()["sent"] >= 1
    (received,) = receiver.requests
    assert received.method == "POST" and received.path == "/hook" and _verify(received)
    body = received.json()
    assert (
        body["event"] == "ticket_resolved"
        and received.headers["X-Servicedesk-Event"] == "ticket_resolved"
    )
    assert body["target"] == {
        "type": "tickets.ticket",
        "id": ticket_a.pk,
        "label": str(ticket_a),
        "url": f"http://127.0.0.1:8000/tickets/{ticket_a.pk}/",
    }
    tampered = json.dumps({**body, "event": "ticket_cancelled"}).encode()
    assert not _verify(type(received)(**{**vars(received), "body": tampered}))
    log = (
        api.as_user(world.admin).get(f"/api/v1/webhooks/{response.json()['id']}/deliveries/").json()
    )
    assert [(row["event"], row["status"], row["attempts"]) for row in log["results"]] == [
        ("ticket_resolved", "sent", 1)
    ]


def test_a_delivery_the_receiver_answered_500_is_retried_with_backoff(
    world, receiver, ticket_a, settings
):
    _endpoint(world, receiver)
    receiver.script = [(500, b"boom")]
    with transaction.atomic():
        services.notify(recipients=[], event="ticket_resolved", target=ticket_a)
    assert outbox.deliver_due()["retry"] == 1
    row = OutboxMessage.objects.get(channel="webhook")
    assert row.status == "pending" and row.attempts == 1 and "500" in row.last_error
    assert row.next_attempt_at >= timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_BASE - 5)
    assert outbox.deliver_due()["sent"] == 0  # not due yet: backoff
    assert _deliver_now()["sent"] == 1
    first, second = receiver.requests
    assert first.body == second.body and _verify(second)  # the same event, the same id
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_nothing_is_sent_for_a_rolled_back_change(world, receiver, ticket_a):
    _endpoint(world, receiver, events=["ticket_resolved", "ticket_triaged"])
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipients=[world.customer_a], event="ticket_resolved", target=ticket_a)
        raise RuntimeError("the change failed after its notification")
    assert not OutboxMessage.objects.exists()
    assert not _deliver_now() and receiver.requests == []


def test_a_resolution_through_the_ticket_services_reaches_the_webhook(world, receiver):
    from tickets import services as tickets

    _endpoint(world, receiver)
    ticket = Builder(world).ticket("in_progress")
    tickets.ticket_resolve(
        ticket=ticket,
        actor=world.engineer1,
        resolution="remote",
        cause="Loose cable",
        solution="Re-seated",
        prevention="Ties",
    )
    _deliver_now()
    (received,) = receiver.requests
    assert received.json()["target"]["id"] == ticket.pk and "survey_url" in received.json()["data"]


def test_breaches_of_a_centre_go_to_that_centres_wecom_group_in_its_language(
    world, receiver, ticket_a
):
    north = ServiceCenterFactory(name="North", code="north")
    ours = _endpoint(
        world,
        receiver,
        kind="wecom",
        url=f"{receiver.url}/wecom?key=local",
        secret="",
        events=["ticket_escalated"],
        service_center_id=world.local.pk,
        language="zh-hans",
    )
    _endpoint(
        world,
        receiver,
        kind="wecom",
        url=f"{receiver.url}/wecom?key=north",
        secret="",
        events=["ticket_escalated"],
        service_center_id=north.pk,
    )
    elsewhere = TicketFactory(site=SiteFactory(service_center=north), title="Elsewhere")
    with transaction.atomic():
        services.notify(recipients=[], event="ticket_escalated", target=ticket_a)
    receiver.script = [(200, b'{"errcode": 93000, "errmsg": "invalid webhook url"}')]
    assert _deliver_now()["retry"] == 1  # an API error code is a failure too
    assert _deliver_now()["sent"] == 1
    assert [r.query["key"] for r in receiver.requests] == ["local", "local"]
    message = receiver.requests[-1].json()
    assert message["msgtype"] == "markdown"
    assert f"故障报告 {ticket_a} 已升级给您" in message["markdown"]["content"]
    assert f"http://127.0.0.1:8000/tickets/{ticket_a.pk}/" in message["markdown"]["content"]
    with transaction.atomic():
        services.notify(recipients=[], event="ticket_escalated", target=elsewhere)
    _deliver_now()
    assert receiver.requests[-1].query["key"] == "north"
    assert ours.pk  # the local group got nothing about the other centre
    assert [r.query["key"] for r in receiver.requests].count("local") == 2


def test_dingtalk_robot_requests_carry_a_valid_signature(world, receiver, ticket_a):
    secret = "SEC0123456789abcdef"
    _endpoint(
        world,
        receiver,
        kind="dingtalk",
        url=f"{receiver.url}/robot/send?access_token=t0k",
        secret=secret,
        events=["ticket_resolved"],
    )
    with transaction.atomic():
        services.notify(recipients=[], event="ticket_resolved", target=ticket_a)
    _deliver_now()
    (received,) = receiver.requests
    query = received.query
    assert query["access_token"] == "t0k"
    string_to_sign = f"{query['timestamp']}\n{secret}".encode()
    expected = base64.b64encode(
        hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == expected  # parse_qsl decoded the URL-encoding
    assert abs(int(query["timestamp"]) / 1000 - timezone.now().timestamp()) < 60
    assert received.json()["markdown"]["title"] == f"Fault report {ticket_a} was resolved"


def test_users_who_chose_sms_get_it_through_the_aliyun_adapter_and_email_can_be_turned_off(
    world, receiver, ticket_a, settings
):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_ALIYUN_ENDPOINT = f"{receiver.url}/"
    settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = (
        "LTAIkey",
        "aliyun-secret",
    )
    settings.SMS_ALIYUN_SIGN_NAME, settings.SMS_ALIYUN_TEMPLATE_CODE = "服务台", "SMS_123"
    receiver.ok_body = b'{"Code": "OK", "Message": "OK"}'
    customer = world.customer_a
    customer.phone, customer.language = "13800000000", "zh-hans"
    customer.save()
    endpoints.preference_set(user=customer, channel="sms", enabled=True, events=["ticket_resolved"])
    endpoints.preference_set(user=customer, channel="email", enabled=False)
    with transaction.atomic():
        services.notify(recipients=[customer], event="ticket_resolved", target=ticket_a)
        services.notify(
            recipients=[customer], event="ticket_triaged", target=ticket_a
        )  # no SMS for this one
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["sms"]
    receiver.script = [(500, b"{}")]
    _deliver_now()
    _deliver_now()
    first, received = receiver.requests
    params = dict(received.query)
    signature = params.pop("Signature")
    assert signature == sms.aliyun_signature(params, "aliyun-secret")
    assert params["PhoneNumbers"] == "13800000000" and params["TemplateCode"] == "SMS_123"
    assert json.loads(params["TemplateParam"])["content"].startswith(f"故障报告 {ticket_a} 已解决")
    assert OutboxMessage.objects.get().status == "sent"


def test_console_sms_backend_and_preferences_api(api, world, ticket_a):
    world.customer_a.phone = "13900000000"
    world.customer_a.save()
    client = api.as_user(world.customer_a)
    assert (
        client.post(
            "/api/v1/notifications/channels/", {"channel": "sms", "enabled": True}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/notifications/channels/", {"channel": "fax", "enabled": True}, format="json"
        ).status_code
        == 400
    )
    listed = client.get("/api/v1/notifications/channels/").json()["results"]
    assert [p["channel"] for p in listed] == ["sms"]
    sms.ConsoleBackend.sent.clear()
    with transaction.atomic():
        services.notify(recipients=[world.customer_a], event="ticket_resolved", target=ticket_a)
    _deliver_now()
    assert sms.ConsoleBackend.sent[-1][0] == "13900000000"


def test_only_admins_manage_webhooks_and_bad_input_is_refused(api, world):
    body = {"url": "http://127.0.0.1:9/x", "events": ["ticket_resolved"], "secret": SECRET}
    assert (
        api.as_user(world.manager).post("/api/v1/webhooks/", body, format="json").status_code == 403
    )
    assert api.as_user(world.manager).get("/api/v1/webhooks/").status_code == 403
    client = api.as_user(world.admin)
    assert (
        client.post("/api/v1/webhooks/", {**body, "secret": ""}, format="json").status_code == 400
    )
    assert (
        client.post("/api/v1/webhooks/", {**body, "url": "ftp://x/"}, format="json").status_code
        == 400
    )
    assert (
        client.post("/api/v1/webhooks/", {**body, "events": "all"}, format="json").status_code
        == 400
    )
    assert not ChannelEndpoint.objects.exists()
    assert senders.webhook_signature("k", b"{}").startswith("sha256=")


def _resolve(world, ticket):
    from tickets import services as tickets

    return tickets.ticket_resolve(
        ticket=ticket,
        actor=world.engineer1,
        resolution="remote",
        cause="Loose cable",
        solution="Re-seated",
        prevention="Ties",
    )


def _answer_through(url: str, ticket, score: int):
    """The customer follows the link they received: the survey takes its token."""
    from urllib.parse import parse_qs, urlsplit

    from tickets.services import survey

    token = parse_qs(urlsplit(url).query)["token"][0]
    return survey.survey_answer(ticket=ticket, score=score, token=token)


def test_the_survey_link_reaches_a_chinese_customer_by_sms_and_answers_the_survey(
    world, receiver, settings
):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_ALIYUN_ENDPOINT = f"{receiver.url}/"
    settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "k", "s"
    settings.SMS_ALIYUN_SIGN_NAME, settings.SMS_ALIYUN_TEMPLATE_CODE = "服务台", "SMS_1"
    receiver.ok_body = b'{"Code": "OK"}'
    customer = world.customer_a
    customer.phone, customer.language = "13800000001", "zh-hans"
    customer.save()
    endpoints.preference_set(user=customer, channel="sms", enabled=True)
    ticket = Builder(world).ticket("in_progress")
    _resolve(world, ticket)
    _deliver_now()
    texts = [json.loads(r.query["TemplateParam"])["content"] for r in receiver.requests]
    (text,) = [t for t in texts if "已解决" in t]  # the earlier steps sent their own SMS
    assert text.startswith(f"故障报告 {ticket} 已解决 评价本次维修: http://127.0.0.1:8000/tickets/")
    link = text.split(": ", 1)[1]
    assert _answer_through(link, ticket, 5).source == "link"


def test_the_survey_link_goes_to_the_customers_own_robot_group_never_to_a_staff_group(
    world, receiver
):
    customers_group = _endpoint(
        world,
        receiver,
        kind="wecom",
        url=f"{receiver.url}/wecom?key=org-a",
        secret="",
        organization_id=world.org_a.pk,
        language="zh-hans",
    )
    _endpoint(
        world,
        receiver,
        kind="dingtalk",
        url=f"{receiver.url}/robot?key=staff",
        secret="",
        service_center_id=world.local.pk,
    )
    _endpoint(  # another customer's group hears nothing of Org A
        world,
        receiver,
        kind="wecom",
        url=f"{receiver.url}/wecom?key=org-b",
        secret="",
        organization_id=world.org_b.pk,
    )
    ticket = Builder(world).ticket("in_progress")
    _resolve(world, ticket)
    _deliver_now()
    by_key = {r.query["key"]: r.json() for r in receiver.requests}
    assert set(by_key) == {"org-a", "staff"}
    group = by_key["org-a"]["markdown"]["content"]
    assert f"故障报告 {ticket} 已解决" in group and "[评价本次维修](http://127.0.0.1:8000/" in group
    staff = by_key["staff"]["markdown"]["text"]
    assert "token=" not in staff and f"Fault report {ticket} was resolved" in staff
    link = group.split("[评价本次维修](", 1)[1].split(")", 1)[0]
    assert _answer_through(link, ticket, 4).score == 4
    assert customers_group.history.count() == 1  # created, by the admin
    assert customers_group.history.get().history_user == world.admin


def _every_channel(world, receiver, settings, kind):
    """One subscriber of `ticket_resolved` on the channel `kind`, all at the receiver."""
    if kind == "sms":
        settings.SMS_BACKEND = "aliyun"
        settings.SMS_ALIYUN_ENDPOINT = f"{receiver.url}/sms"
        settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "k", "s"
        settings.SMS_ALIYUN_SIGN_NAME, settings.SMS_ALIYUN_TEMPLATE_CODE = "服务台", "SMS_1"
        receiver.ok_body = b'{"Code": "OK", "errcode": 0}'
        world.customer_a.phone = "13800000003"
        world.customer_a.save()
        endpoints.preference_set(user=world.customer_a, channel="sms", enabled=True)
        return
    _endpoint(
        world,
        receiver,
        kind=kind,
        url=f"{receiver.url}/{kind}?access_token=t",
        secret=SECRET if kind != "wecom" else "",
    )


@pytest.mark.parametrize("kind", ["webhook", "wecom", "dingtalk", "sms"])
def test_every_channel_retries_after_a_500_and_sends_nothing_for_a_rollback(
    world, receiver, ticket_a, settings, kind
):
    _every_channel(world, receiver, settings, kind)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipients=[world.customer_a], event="ticket_resolved", target=ticket_a)
        raise RuntimeError("rolled back")
    assert not OutboxMessage.objects.exists() and not _deliver_now()
    assert receiver.requests == []
    receiver.script = [(500, b"busy")]
    with transaction.atomic():
        services.notify(recipients=[world.customer_a], event="ticket_resolved", target=ticket_a)
    first = _deliver_now()
    assert first["retry"] == 1, first
    row = OutboxMessage.objects.get(channel=kind)
    assert row.status == "pending" and "500" in row.last_error
    assert _deliver_now()["sent"] >= 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(receiver.requests) == 2 and receiver.requests[0].path == receiver.requests[1].path
