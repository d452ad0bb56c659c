import factory

from notifications.models import Notification

from .accounts import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    event = "ticket_received"
    verb = factory.Sequence(lambda n: f"Notification {n}")
    target_label = factory.Sequence(lambda n: f"FR-2000-{n:06d}")
