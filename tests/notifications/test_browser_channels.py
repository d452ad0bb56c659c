"""In Chromium, at 390 px and 1280 px: a customer turns SMS on from the user menu's
"Notification channels" page (in Chinese), and an admin subscribes a WeCom group robot
to a centre's breaches, sees its failed delivery and sends it again. No page is wider
than the window."""

import pytest
from django.db import transaction

from notifications import outbox, services
from notifications.channels import endpoints
from notifications.models import ChannelEndpoint, ChannelPreference, OutboxMessage

from .receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = [390, 1280]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_customer_turns_sms_on_in_chinese(world, page, login, live_server, width):
    world.customer_a.language = "zh-hans"
    world.customer_a.phone = "13800000002"
    world.customer_a.save()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "customer_a")
    page.goto(f"{live_server.url}/notifications/channels/")
    if page.locator("[data-testid=lang-zh-hans]").count():
        page.click("[data-testid=lang-zh-hans]")
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "通知渠道"
    assert _fits(page)
    page.locator("#id_sms_enabled").check()
    page.locator("[data-testid=channel-sms] summary").click()
    page.get_by_label("故障报告已解决（附满意度调查链接）").last.check()
    page.get_by_test_id("save-channels").click()
    page.wait_for_load_state()
    assert "通知渠道已保存" in page.content()
    sms = ChannelPreference.objects.get(user=world.customer_a, channel="sms")
    assert sms.enabled and sms.events == ["ticket_resolved"]
    page.locator("details.user-menu summary").click()
    assert page.get_by_test_id("menu-channels").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_subscribes_a_robot_and_sends_a_failed_delivery_again(
    world, page, login, live_server, settings, width
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "admin")
    page.goto(f"{live_server.url}/")
    if width > 1000:
        page.get_by_role("link", name="Webhooks and robots").click()
    else:
        page.goto(f"{live_server.url}/notifications/webhooks/")
    page.get_by_test_id("new-endpoint").click()
    with Receiver() as receiver:
        page.fill("#id_name", "Local breaches")
        page.select_option("#id_kind", "wecom")
        page.fill("#id_url", f"{receiver.url}/wecom?key=local")
        page.get_by_label("SLA target breached").check()
        page.get_by_label("Fault report escalated").check()
        page.select_option("#id_service_center_id", str(world.local.pk))
        assert _fits(page)
        page.get_by_test_id("save-endpoint").first.click()
        page.wait_for_load_state()
        endpoint = ChannelEndpoint.objects.get()
        assert set(endpoint.events) == {"ticket_escalated", "sla_breach"}
        assert endpoint.service_center_id == world.local.pk
        from tests.factories.tickets import TicketFactory

        ticket = TicketFactory(site=world.site_a, title="Pump stopped")
        receiver.script = [(200, b'{"errcode": 93000}')]
        with transaction.atomic():
            services.notify(recipients=[], event="ticket_escalated", target=ticket)
        outbox.deliver_due()
        row = OutboxMessage.objects.get(channel="wecom")
        assert row.status == "failed"
        page.reload()
        assert page.get_by_test_id("delivery-status").first.inner_text() == "failed"
        assert _fits(page)
        page.get_by_test_id(f"retry-{row.pk}").click()
        page.wait_for_load_state()
        row.refresh_from_db()
        assert row.status in ("pending", "sending", "sent")
        outbox.deliver_due()
        row.refresh_from_db()
        assert row.status == "sent" and len(receiver.requests) == 2
    assert endpoints.deliveries_of(endpoint).count() == 1
