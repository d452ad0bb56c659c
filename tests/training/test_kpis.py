"""training_within_month: (fulfilled in time, due) over obligations due in a period,
filtered by organisation, site and centre, in one query."""

import datetime

import pytest

from tests.factories import (
    OrganizationFactory,
    ServiceCenterFactory,
    ServiceContractFactory,
    SiteFactory,
)
from training.kpis import training_within_month
from training.models import TrainingObligation

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
DEC = (datetime.datetime(2026, 12, 1, tzinfo=TZ), datetime.datetime(2027, 1, 1, tzinfo=TZ))


def _obligation(site, due, status="open", fulfilled_on=None):
    contract = ServiceContractFactory(
        organization=site.organization,
        sites=[site],
        delivery_date=due - datetime.timedelta(days=30),
    )
    return TrainingObligation.objects.create(
        organization=site.organization,
        contract=contract,
        delivery_date=contract.delivery_date,
        due_on=due,
        status=status,
        fulfilled_on=fulfilled_on,
        fulfilled_at=datetime.datetime(2026, 12, 1, tzinfo=TZ) if status == "fulfilled" else None,
    )


@pytest.fixture
def spread(world):
    other_centre = ServiceCenterFactory()
    org_c = OrganizationFactory()
    site_c = SiteFactory(organization=org_c, service_center=other_centre)
    day = datetime.date(2026, 12, 10)
    _obligation(world.site_a, day, "fulfilled", day)  # in time (on the due date)
    _obligation(world.site_a, day, "fulfilled", day + datetime.timedelta(days=1))  # late
    _obligation(world.site_a, day, "lapsed")
    _obligation(world.site_b, datetime.date(2026, 12, 31), "fulfilled", datetime.date(2026, 12, 2))
    _obligation(site_c, day, "open")
    _obligation(site_c, day, "cancelled")  # not counted
    _obligation(world.site_a, datetime.date(2027, 1, 1), "fulfilled", day)  # outside the period
    return site_c, other_centre, org_c


def test_counts_in_time_and_due_over_the_period(world, spread, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert training_within_month(*DEC) == (2, 5)


def test_filters_by_organisation_site_and_centre(world, spread):
    site_c, other_centre, org_c = spread
    assert training_within_month(*DEC, organization=world.org_a) == (1, 3)
    assert training_within_month(*DEC, organization=world.org_b.pk) == (1, 1)
    assert training_within_month(*DEC, site=world.site_a) == (1, 3)
    assert training_within_month(*DEC, service_center=world.local) == (2, 4)
    assert training_within_month(*DEC, service_center=world.regional) == (2, 4)  # its local child
    assert training_within_month(*DEC, service_center=other_centre, organization=org_c) == (0, 1)


def test_a_contract_covering_two_sites_counts_once(world):
    site_a2 = SiteFactory(organization=world.org_a, service_center=world.local)
    contract = ServiceContractFactory(organization=world.org_a, sites=[world.site_a, site_a2])
    TrainingObligation.objects.create(
        organization=world.org_a,
        contract=contract,
        delivery_date=datetime.date(2026, 11, 1),
        due_on=datetime.date(2026, 12, 1),
    )
    assert training_within_month(*DEC, service_center=world.local) == (0, 1)
    assert training_within_month(datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)) == (0, 1)
