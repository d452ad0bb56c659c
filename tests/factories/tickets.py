"""Tickets built directly in a given state (for the tests that need many of them);
tests of the flow itself go through tickets.services."""

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tickets import search
from tickets.models import InboundEmail, Ticket, TicketEvent, Visit

from .assets import SiteFactory


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"FR-2000-{n:06d}")
    title = factory.Sequence(lambda n: f"Fault {n}")
    description = "The PLC does not answer."
    site = factory.SubFactory(SiteFactory)
    organization = factory.SelfAttribute("site.organization")
    channel = Ticket.Channel.PORTAL
    reported_at = factory.LazyFunction(timezone.now)
    search_document = factory.LazyAttribute(lambda o: search.document(o.title, o.description))


class TicketEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketEvent

    ticket = factory.SubFactory(TicketFactory)
    kind = "comment"
    created_at = factory.LazyFunction(timezone.now)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    ticket = factory.SubFactory(
        TicketFactory, status=Ticket.Status.ONSITE, severity=Ticket.Severity.GENERAL
    )
    number = factory.Sequence(lambda n: f"WO-2000-{n:06d}")
    dispatched_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


def png_bytes(size=(60, 20), color=(0, 0, 0)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(buffer, format="PNG")
    image = Image.open(io.BytesIO(buffer.getvalue()))
    image.putpixel((1, 1), color)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def png_upload(name="signature.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


class InboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboundEmail

    message_id = factory.Sequence(lambda n: f"<message-{n}@example.test>")
    sender = factory.Sequence(lambda n: f"stranger{n}@elsewhere.test")
    sender_name = "Stranger"
    subject = "Pump alarm"
    body = "The pump alarm rings since this morning."
    received_at = factory.LazyFunction(timezone.now)
