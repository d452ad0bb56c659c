"""Spare-parts fixtures on top of the shared `world`: a stockroom per centre, a part
compatible with equipment A, stock put in through the services (so the ledger
holds), an open ticket of organisation A with engineer1's visit."""

from types import SimpleNamespace

import pytest

from spareparts import services
from tests.factories.spareparts import PartFactory, StockroomFactory, make_ticket, make_visit


@pytest.fixture
def parts(world):
    local_room = StockroomFactory(service_center=world.local, name="Local stockroom")
    regional_room = StockroomFactory(service_center=world.regional, name="Regional stockroom")
    part = PartFactory(
        sku="PSU-24",
        name="24 V power supply",
        compatible_models=[world.equipment_a.equipment_model],
    )
    ticket = make_ticket(site=world.site_a, severity="major")
    visit = make_visit(ticket=ticket, engineer=world.engineer1)
    return SimpleNamespace(
        local_room=local_room, regional_room=regional_room, part=part, ticket=ticket, visit=visit
    )


def receive(part, stockroom, quantity, actor=None):
    return services.stock_receive(
        part=part, stockroom=stockroom, quantity=quantity, actor=actor, reason="test"
    )
