import factory
from django.utils import timezone

from notifications.models import InboundEmail, Notification

from .accounts import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    event = "ticket_received"
    verb = factory.Sequence(lambda n: f"Notification {n}")
    target_label = factory.Sequence(lambda n: f"FR-2000-{n:06d}")


class InboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboundEmail

    message_id = factory.Sequence(lambda n: f"<message-{n}@example.test>")
    sender = factory.Sequence(lambda n: f"stranger{n}@elsewhere.test")
    sender_name = "Stranger"
    subject = "Pump alarm"
    body = "The pump alarm rings since this morning."
    received_at = factory.LazyFunction(timezone.now)
