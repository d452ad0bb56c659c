import datetime

import pytest
from django.utils import timezone

from spareparts import services
from spareparts.kpis import parts_fill_rate
from tests.factories.spareparts import make_ticket

from .conftest import receive

pytestmark = pytest.mark.django_db


def test_fill_rate_counts_reservations_served_from_the_sites_own_centre(
    world, parts, django_assert_num_queries
):
    receive(parts.part, parts.local_room, 1)
    receive(parts.part, parts.regional_room, 5)
    ticket_b = make_ticket(site=world.site_b)
    services.parts_reserve(
        ticket=parts.ticket, part=parts.part, quantity=1, actor=world.manager
    )  # own centre
    services.parts_reserve(
        ticket=parts.ticket, part=parts.part, quantity=1, actor=world.manager
    )  # regional
    services.parts_reserve(
        ticket=ticket_b, part=parts.part, quantity=1, actor=world.manager
    )  # regional
    now = timezone.now()
    start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    with django_assert_num_queries(1):
        assert parts_fill_rate(start, end) == (1, 3)
    assert parts_fill_rate(start, end, organization=world.org_a) == (1, 2)
    assert parts_fill_rate(start, end, organization=world.org_b.pk, site=world.site_b) == (0, 1)
    assert parts_fill_rate(start, end, service_center=world.regional) == (
        1,
        3,
    )  # includes its local child
    assert parts_fill_rate(end, end + datetime.timedelta(days=1)) == (0, 0)
