"""Property tests: whatever a row holds, the validator accepts it or rejects it with reasons."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.pipeline.importing import ImportFileError, MemorySink, RowError, plan_mapping, run_import
from amity.pipeline.importing.formats import FIELDS, LAYOUTS, STAGES
from amity.pipeline.importing.validate import Record, Validator

LAYOUT_KEYS = sorted(LAYOUTS)
cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "100",
        "101",
        "1e400",
        "NaN",
        "2026-02-29",
        "02/30/2026",
        "true",
        "€",
        "\ufffd",
        "=1+1",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), key=st.sampled_from(LAYOUT_KEYS))
def test_any_row_is_accepted_as_a_well_typed_record_or_rejected_with_reasons(data, key):
    layout = LAYOUTS[key]
    header = [c.source for c in layout.columns]
    plan = plan_mapping(header, layout.kind, layout.format)
    validator = Validator(plan, default_currency="EUR")
    row = {name: data.draw(cell, label=name) for name in header}

    record, errors = validator.validate(7, row)

    assert (record is None) != (not errors)
    if record is None:
        assert all(isinstance(e, RowError) and e.line == 7 and e.reason for e in errors)
        assert {e.column for e in errors} <= set(header)
        return
    assert isinstance(record, Record) and record.external_id == row[layout.external_id_column].strip()
    specs = FIELDS[layout.kind]
    for name, value in record.fields.items():
        kind = specs[name].type
        if value is None:
            assert not specs[name].required
        elif kind in ("decimal", "percent"):
            assert isinstance(value, Decimal) and value.is_finite() and value >= 0
        elif kind == "date":
            assert isinstance(value, date)
        elif kind == "bool":
            assert isinstance(value, bool)
        elif kind == "stage":
            assert value in STAGES
        else:
            assert isinstance(value, str) and len(value) <= specs[name].max_length


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=2000))
def test_any_bytes_after_a_valid_header_never_crash_the_engine(body):
    """Either every row is accounted for, or the whole file is refused with a message."""
    data = b"Id,Name,Website,BillingCountry\r\n" + body

    try:
        result = run_import(io.BytesIO(data), "accounts", sink=MemorySink())
    except ImportFileError as exc:
        assert exc.message
        return

    assert result.rows_read == result.accepted + result.rejected
    assert len({e.line for e in result.errors}) == result.rejected
