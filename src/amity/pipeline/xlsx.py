"""XLSX export of any list, with the same formula-injection escaping as the CSV export."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from amity.core.export import escape_cell

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, (date, int, float, Decimal)):
        return value
    return escape_cell(value)


def xlsx_bytes(header: list[str], rows: Iterable[Iterable[Any]], title: str = "Export") -> bytes:
    """A one-sheet workbook: a bold header row, then the rows; text that a spreadsheet would
    run as a formula (=, +, -, @ …) is prefixed with a quote and stored as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    from openpyxl.cell import WriteOnlyCell

    head = []
    for label in header:
        c = WriteOnlyCell(sheet, value=escape_cell(label))
        c.font = Font(bold=True)
        head.append(c)
    sheet.append(head)
    for row in rows:
        cells = []
        for value in row:
            value = _cell(value)
            c = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                c.data_type = "s"  # never a formula, whatever the text
            cells.append(c)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, header: list[str], rows: Iterable[Iterable[Any]], title: str = "Export"
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(header, rows, title), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
