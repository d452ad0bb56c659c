"""Issue 16: who cannot draw on the signature pad signs with the typed name; with
neither a drawing nor the box ticked the visit stays unsigned, with a clear message."""

import pytest
from django.urls import reverse
from PIL import Image

from tests.factories.spareparts import make_ticket, make_visit

pytestmark = pytest.mark.django_db


def test_typed_name_signs_the_visit(world, client):
    visit = make_visit(ticket=make_ticket(site=world.site_a), engineer=world.engineer1)
    client.force_login(world.engineer1)
    url = reverse("tickets:visit_action", args=[visit.pk, "sign"])
    response = client.post(url, {"sign-signer_name": "王工", "sign-signature": ""}, follow=True)
    visit.refresh_from_db()
    assert visit.signed_at is None
    assert "Draw the signature first." in response.content.decode()
    client.post(url, {"sign-signer_name": "王工", "sign-signature": "", "sign-typed": "on"})
    visit.refresh_from_db()
    assert visit.signed_at is not None and visit.signer_name == "王工"
    with visit.signature.open("rb") as handle:
        image = Image.open(handle)
        assert image.size == (600, 160)
        assert image.convert("L").getextrema()[0] < 50  # the name is drawn in black
