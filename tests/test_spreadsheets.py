"""The one CSV / XLSX writer (servicedesk.spreadsheets): text a spreadsheet would run
as a formula stays text, in every export (the SLA dashboard's as well as the stock's)."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from servicedesk.spreadsheets import csv_response, safe_cell, xlsx_response

HOSTILE = '=HYPERLINK("http://evil.test","click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),
        ("-1.5", "-1.5"),
        (-3, -3),
        (Decimal("0.5"), Decimal("0.5")),
        (True, True),
        (None, ""),
        ("Pump 2", "Pump 2"),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_csv_has_a_bom_and_neutralised_formulas():
    response = csv_response([["name", "count"], [HOSTILE, 3]], filename="x.csv")
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body[1:]))) == [["name", "count"], ["'" + HOSTILE, "3"]]


def test_xlsx_cells_are_never_formulas():
    response = xlsx_response({"Sheet": [["name", "count"], [HOSTILE, 3]]}, filename="x.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Sheet"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "'" + HOSTILE
    assert sheet["B2"].value == 3


@pytest.mark.django_db
def test_the_sla_export_guards_organisation_names(client, world):
    world.org_a.name = HOSTILE
    world.org_a.save()
    client.force_login(world.manager)
    exported = client.get("/sla/export/kpis.csv").content.decode("utf-8-sig")
    assert "'" + HOSTILE.replace('"', '""') in exported  # quoted, as text
    assert HOSTILE.replace('"', '""') not in exported.replace("'=", "")
