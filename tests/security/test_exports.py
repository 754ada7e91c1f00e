"""Spreadsheet formula injection: exported text that a spreadsheet would run is defused."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from amity.core.export import csv_response, escape_cell


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_every_dangerous_first_character_is_defused(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", [-5, 3.5, Decimal("-12.50"), "Stratus", "a=b", ""])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert escape_cell(value) == value


def test_a_csv_export_defuses_cells_but_not_numbers():
    response = csv_response(
        "x.csv", ["name", "amount"], [["=cmd|' /C calc'!A0", Decimal("-3")], ["Kestrel", 10]]
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "amount"], ["'=cmd|' /C calc'!A0", "-3"], ["Kestrel", "10"]]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
