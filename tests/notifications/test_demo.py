"""Every notification the demo leaves opens its target for its recipient: nobody is
told about something they cannot see."""

import pytest
from django.core.management import call_command

from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_each_demo_notification_opens_for_its_recipient(
    settings, client, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", password="demo-test-password")
    notifications = list(Notification.objects.select_related("recipient"))
    assert len(notifications) >= 10
    for notification in notifications:
        client.force_login(notification.recipient)
        response = client.get(f"/notifications/{notification.pk}/open/", follow=True)
        assert response.status_code == 200, (notification.recipient.username, notification.event)
