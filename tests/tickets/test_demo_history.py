"""The demo replays eight weeks of closed cases through the real services at past
instants (servicedesk.clock), so the manager's dashboard opens on real trends."""

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification
from servicedesk import clock
from sla import kpis
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_the_clock_replays_a_moment_and_refuses_naive_times():
    moment = timezone.now() - timedelta(days=30)
    assert not clock.replaying()
    with clock.at(moment):
        assert clock.now() == moment and clock.replaying()
    assert not clock.replaying() and abs(clock.now() - timezone.now()) < timedelta(seconds=5)
    with pytest.raises(ValueError), clock.at(datetime(2026, 1, 1)):
        pass


def test_nobody_is_notified_about_a_replayed_past(world, django_capture_on_commit_callbacks):
    from tickets import services

    with (
        django_capture_on_commit_callbacks(execute=True),
        clock.at(timezone.now() - timedelta(days=20)),
    ):
        ticket = services.ticket_create(
            actor=world.customer_a,
            organization=world.org_a,
            site=world.site_a,
            title="Old fault",
            description="Last month.",
            channel="portal",
        )
        services.ticket_triage(
            ticket=ticket, actor=world.dispatcher, severity="major", assignee=world.engineer1
        )
    assert not Notification.objects.exists()
    assert ticket.reported_at < timezone.now() - timedelta(days=19)


def test_the_demo_history_is_closed_in_the_past_and_fills_the_weekly_trend(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="demo-test-password")
    now = timezone.now()
    history = Ticket.objects.filter(title__endswith="(history)")
    assert history.count() >= 8 * 4
    assert set(history.values_list("status", flat=True)) == {"closed"}
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    assert not Notification.objects.filter(target_id__in=history.values("pk")).exists()
    assert (
        history.filter(resolution="remote").exists()
        and history.filter(resolution="onsite").exists()
    )

    manager = User.objects.get(username="manager")
    start = timezone.localdate() - timedelta(weeks=9)
    data = kpis.dashboard(
        manager, kpis.filters_for(start=start, end=timezone.localdate(), bucket="week")
    )
    weeks = [row for row in data["series"] if row["decided"]]
    assert len(weeks) >= 8
    assert data["mttr_hours"] > 0 and 0 < data["compliance"]["rate"] <= 1
