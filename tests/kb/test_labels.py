"""QR labels: the PDF of a site holds one code per unit, and each decodes (rendered
by PDFium, read by zxing-cpp) back to the report form URL of exactly that unit."""

import io

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse

from tests.factories import EquipmentFactory

pytestmark = pytest.mark.django_db


def _decoded(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    texts = []
    for page in document:
        image = page.render(scale=3).to_pil()
        texts += [
            code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.QRCode
        ]
    return texts


def test_label_pdf_codes_decode_to_each_units_report_url(api, world, settings):
    settings.SITE_URL = "https://service.example.cn"
    units = [world.equipment_a, *(EquipmentFactory(site=world.site_a) for _ in range(11))]
    EquipmentFactory(site=world.site_b)  # another site: not on the sheet
    response = api.as_user(world.dispatcher).get(f"/api/v1/sites/{world.site_a.pk}/labels/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="labels-{world.site_a.code}.pdf"' in response["Content-Disposition"]
    expected = {f"https://service.example.cn/tickets/new/?equipment={unit.pk}" for unit in units}
    decoded = _decoded(response.content)
    assert len(decoded) == len(units) and set(decoded) == expected


def test_labels_are_scoped_like_sites(api, world):
    assert (
        api.as_user(world.customer_b).get(f"/api/v1/sites/{world.site_a.pk}/labels/").status_code
        == 404
    )
    response = api.as_user(world.customer_a).get(f"/api/v1/sites/{world.site_a.pk}/labels/")
    assert response.status_code == 200 and len(_decoded(response.content)) == 1


def test_site_page_links_the_labels_and_a_scanned_url_asks_for_login_first(client, world):
    client.force_login(world.dispatcher)
    page = client.get(reverse("assets:site_detail", args=[world.site_a.pk])).content.decode()
    assert f'href="/api/v1/sites/{world.site_a.pk}/labels/"' in page
    client.logout()
    scanned = f"/tickets/new/?equipment={world.equipment_a.pk}"
    response = client.get(scanned)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(world.customer_a)
    form = client.get(scanned).context["form"]
    assert form.initial["equipment"] == world.equipment_a.pk
