"""The one writer of CSV and XLSX downloads. Every cell goes through `safe_cell`: text
a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
return) is prefixed with an apostrophe, so an exported name like
`=HYPERLINK("http://evil", "x")` stays text; numbers stay numbers. CSV files start with
a byte order mark so that Excel reads UTF-8 (Chinese names) correctly."""

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_VALUES = (bool, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, PLAIN_VALUES):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    """`rows` (the header row first) as a CSV download."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_response(sheets: dict[str, Iterable[Iterable]], *, filename: str) -> HttpResponse:
    """One worksheet per entry of `sheets` (title → rows) as an XLSX download."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=safe_cell(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), filename)
