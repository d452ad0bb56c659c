"""Issue 13: engineers see only the reservations of the tickets and visits they work on."""

import pytest

from spareparts import services
from tests.factories.spareparts import make_ticket, make_visit
from tests.spareparts.conftest import receive

pytestmark = pytest.mark.django_db


def test_engineers_see_only_reservations_of_their_own_work(world, api, parts):
    receive(parts.part, parts.local_room, 10)
    other_ticket = make_ticket(site=world.site_b, severity="major")
    other_visit = make_visit(ticket=other_ticket, engineer=world.engineer2)
    mine = services.parts_reserve(
        part=parts.part, quantity=1, visit=parts.visit, actor=world.dispatcher
    )
    theirs = services.parts_reserve(
        part=parts.part, quantity=1, visit=other_visit, actor=world.dispatcher
    )

    def ids(user):
        return {
            row["id"] for row in api.as_user(user).get("/api/v1/reservations/").json()["results"]
        }

    assert ids(world.engineer1) == {mine.pk}
    assert ids(world.engineer2) == {theirs.pk}
    assert ids(world.dispatcher) == {mine.pk, theirs.pk}
    assert api.as_user(world.engineer1).get(f"/api/v1/reservations/{theirs.pk}/").status_code == 404
