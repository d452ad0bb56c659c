"""Factories for spare parts, plus minimal tickets and visits to use parts on (built
directly on the models so these tests do not depend on the ticket services)."""

import itertools

import factory
from django.utils import timezone

from spareparts.models import Part, Stock, Stockroom
from tickets.models import Ticket, Visit

from .accounts import ServiceCenterFactory

_numbers = itertools.count(1)


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"Part {n}")
    unit = "pcs"
    vendor = "ACME Parts"
    unit_cost = "12.50"

    @factory.post_generation
    def compatible_models(self, create, extracted, **kwargs):
        if create and extracted:
            self.compatible_models.set(extracted)


class StockroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stockroom
        django_get_or_create = ["service_center"]

    service_center = factory.SubFactory(ServiceCenterFactory)
    name = factory.LazyAttribute(lambda r: f"{r.service_center.name} stockroom")


class StockFactory(factory.django.DjangoModelFactory):
    """A level row with zero stock; put stock in with services.stock_receive so the
    ledger stays equal to the level."""

    class Meta:
        model = Stock

    part = factory.SubFactory(PartFactory)
    stockroom = factory.SubFactory(StockroomFactory)


def make_ticket(*, site, severity="urgent", status=Ticket.Status.ONSITE, **fields) -> Ticket:
    n = next(_numbers)
    return Ticket.objects.create(
        number=f"FR-T-{n:06d}",
        title=f"Fault {n}",
        description="Broken",
        organization=site.organization,
        site=site,
        severity=severity,
        status=status,
        reported_at=timezone.now(),
        **fields,
    )


def make_visit(*, ticket, engineer, status=Visit.Status.ON_SITE) -> Visit:
    n = next(_numbers)
    return Visit.objects.create(
        ticket=ticket,
        number=f"WO-T-{n:06d}",
        engineer=engineer,
        status=status,
        dispatched_at=timezone.now(),
    )
