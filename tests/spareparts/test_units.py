"""Units of measure in the reader's language (issue 16: "pcs" was left in English)."""

import pytest
from django.urls import reverse
from django.utils import translation

from spareparts.units import unit_label

from .conftest import receive

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "english", "chinese"),
    [("pcs", "pcs", "件"), ("PCS", "pcs", "件"), ("set", "set", "套"), ("kg", "kg", "千克")],
)
def test_common_units_are_shown_in_the_readers_language(code, english, chinese):
    with translation.override("en"):
        assert unit_label(code) == english
    with translation.override("zh-hans"):
        assert unit_label(code) == chinese


def test_a_unit_nobody_translated_is_shown_as_entered():
    with translation.override("zh-hans"):
        assert unit_label("drum") == "drum"
        assert unit_label("") == ""


def test_the_stock_page_in_chinese_names_the_unit_in_chinese(world, client, parts):
    parts.part.unit = "pcs"
    parts.part.save(update_fields=["unit"])
    receive(parts.part, parts.local_room, 3)
    world.dispatcher.language = "zh-hans"
    world.dispatcher.save(update_fields=["language"])
    client.force_login(world.dispatcher)
    page = client.get(reverse("spareparts:stock"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "3 件" in text and "3 pcs" not in text
