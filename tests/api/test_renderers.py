"""The API's JSON renderer (servicedesk.api.renderers, orjson) writes the bytes DRF's
JSONRenderer writes, and falls back to it where orjson would differ or refuse."""

import uuid
from collections import OrderedDict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from servicedesk.api.renderers import JSONRenderer

PAYLOAD = {
    "text": '冷水机组漏水 · Compressor “alarm” \\ "quoted" \n\t\u2028\u2029 end',
    "int": 42,
    "big": 2**62,
    "negative": -7,
    "float": 0.1,
    "whole float": 3.0,
    "bool": True,
    "none": None,
    "list": [1, "two", None, [3]],
    "tuple": (1, 2),
    "nested": OrderedDict([("b", 1), ("a", {"z": []})]),
    "utc": datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
    "shanghai": datetime(2026, 12, 2, 18, 0, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai")),
    "naive": datetime(2026, 1, 1, 8, 30),
    "date": date(2026, 2, 28),
    "time": time(8, 15, 30),
    "duration": timedelta(hours=4, minutes=30),
    "decimal": Decimal("12.50"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("This field is required."),
    "bytes": b"raw",
    "set": {5},
    "return dict": ReturnDict({"x": 1}, serializer=None),
    "return list": ReturnList([{"y": 2}], serializer=None),
    7: "an integer key",
}


def test_same_bytes_as_drf():
    assert JSONRenderer().render(PAYLOAD) == renderers.JSONRenderer().render(PAYLOAD)


def test_line_separators_are_escaped_as_drf_does():
    out = JSONRenderer().render({"t": "a\u2028b\u2029c"})
    assert out == b'{"t":"a\\u2028b\\u2029c"}'


def test_indent_and_what_orjson_refuses_fall_back_to_drf():
    drf, ours = renderers.JSONRenderer(), JSONRenderer()
    indented = "application/json; indent=4"
    assert ours.render(PAYLOAD, indented) == drf.render(PAYLOAD, indented)
    huge = {"n": 2**70}  # past 64 bits: orjson refuses, DRF writes it
    assert ours.render(huge) == drf.render(huge) == b'{"n":1180591620717411303424}'
    assert ours.render(None) == b""


def test_the_api_answers_with_it(world, api):
    response = api.as_user(world.dispatcher).get("/api/v1/tickets/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, JSONRenderer)
