import datetime

import factory

from assets.models import Equipment, EquipmentModel, ServiceContract, Site

from .accounts import OrganizationFactory, ServiceCenterFactory


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"site-{n}")
    service_center = factory.SubFactory(ServiceCenterFactory)


class EquipmentModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentModel

    manufacturer = "ACME"
    model_number = factory.Sequence(lambda n: f"M-{n}")
    category = "PLC"


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    site = factory.SubFactory(SiteFactory)
    equipment_model = factory.SubFactory(EquipmentModelFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")
    serial_number = factory.Sequence(lambda n: f"SN-{n:06d}")


class ServiceContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceContract
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"SC-{n:05d}")
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2028, 12, 31)

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.set(extracted)
