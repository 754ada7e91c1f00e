"""The CRM CSV importer on the database: generated Salesforce and HubSpot exports with random
cells (unicode, quotes, delimiters, line breaks, NUL, huge values, bad numbers, dates and
currencies) in random encodings (UTF-8, with BOM, UTF-16, Windows-1252, Latin-1).

Properties: the engine never raises anything but ``ImportFileError``; every data row is
either stored or reported with its line and column; what is stored is exactly what the file
said (Decimal to the cent); importing the same file again creates nothing; and an upload that
is refused leaves no job and no file behind."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from amity.pipeline.importing import ImportFileError, run_import
from amity.pipeline.importing.sink import DatabaseSink
from amity.pipeline.models import Account, ImportJob, Opportunity
from amity.pipeline.services_imports import import_upload

from .conftest import rolled_back

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]
DELIMITERS = [",", ";", "\t"]
ODD = [
    "",
    " ",
    '"',
    '""',
    "a,b",
    "a;b",
    "x\ny",
    "x\r\ny",
    "\x00",
    "=1+1",
    "é",
    "€",
    "😀",
    "\u00a0",
    "x" * 300,
]


def cell(codec: str | None = None):
    chars = st.characters(blacklist_categories=("Cs",), codec=codec)
    return st.text(alphabet=chars, max_size=30) | st.sampled_from(ODD)


def amount_cell():
    return st.sampled_from(
        ["", "0", "1", "12500", "12,500.00", "12500,5", "-5", "1e3", "1e400", "NaN", "9" * 20, "0.001", "abc"]
    ) | st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False).map(str)


def date_cell():
    return st.sampled_from(
        ["", "2026-02-29", "2026-13-01", "02/30/2026", "12/31/2026", "31/12/2026", "x"]
    ) | st.dates().map(str)


def encode(rows: list[list[str]], encoding: str, delimiter: str, quoting: int) -> bytes | None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)
    try:
        return out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return None  # not representable in that encoding: a real export could not hold it either


def one_of(*values: str):
    return st.sampled_from(values)


@st.composite
def export(draw, columns: dict):
    """A header and 1-8 data rows; each column's strategy is a function of the row number."""
    n = draw(st.integers(1, 8))
    return [list(columns)] + [[draw(column(i)) for column in columns.values()] for i in range(n)]


def account_exports():
    return export(
        {
            "Id": lambda i: one_of(f"001A{i:05d}", "", "001A00000", " ", "x" * 70),
            "Name": lambda i: cell(),
            "Website": lambda i: cell(),
            "BillingCountry": lambda i: cell(),
            "Industry": lambda i: cell(),
            "Type": lambda i: one_of("Customer", "Prospect", "?"),
        }
    )


def opportunity_exports():
    return export(
        {
            "Id": lambda i: st.just(f"006B{i:05d}"),
            "AccountId": lambda i: one_of("001KNOWN", "001UNKNOWN", ""),
            "Name": lambda i: cell(),
            "StageName": lambda i: one_of(
                "Prospecting", "Closed Won", "Closed Lost", "Negotiation/Review", "Nope", ""
            ),
            "Amount": lambda i: amount_cell(),
            "Probability": lambda i: one_of("", "0", "50", "100", "101", "-1", "33.5", "50%", "x"),
            "CloseDate": lambda i: date_cell(),
            "CurrencyIsoCode": lambda i: one_of("", "EUR", "usd", "XXX", "EURO", "€"),
        }
    )


def hubspot_company_exports():
    return export(
        {
            "Record ID": lambda i: one_of(f"{9000 + i}", "", " ", "9000", "x" * 70),
            "Company name": lambda i: cell(),
            "Company Domain Name": lambda i: cell(),
            "Country/Region": lambda i: one_of("Germany", "DE", "France", "", "Atlantis") | cell(),
            "Industry": lambda i: cell(),
            "Lifecycle Stage": lambda i: one_of(
                "customer", "lead", "opportunity", "evangelist", "", "other", "?"
            ),
        }
    )


def hubspot_deal_exports():
    return export(
        {
            "Record ID": lambda i: st.just(f"{7000 + i}"),
            "Deal Name": lambda i: cell(),
            "Deal Stage": lambda i: one_of(
                "appointmentscheduled",
                "closedwon",
                "closedlost",
                "contractsent",
                "Decision maker bought-in",
                "?",
                "",
            ),
            "Amount": lambda i: amount_cell(),
            "Close Date": lambda i: date_cell() | one_of("31/12/2026", "29/02/2028", "12/31/2026"),
            "Pipeline": lambda i: one_of("default", "Sales Pipeline", ""),
            "Associated Company": lambda i: (
                one_of("Known Company GmbH", "known company gmbh", "Brand New Co", "") | cell()
            ),
            "Currency": lambda i: one_of("", "EUR", "usd", "XXX"),
        }
    )


file_options = st.tuples(
    st.sampled_from(ENCODINGS),
    st.sampled_from(DELIMITERS),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)


def physical_lines(rows: list[list[str]]) -> list[int]:
    """The line each data row starts on: a quoted line break inside a cell spans lines."""
    starts, line = [], 1 + _breaks(rows[0])
    for row in rows[1:]:
        starts.append(line + 1)
        line += 1 + _breaks(row)
    return starts


def _breaks(row: list[str]) -> int:
    return sum(len(re.findall(r"\r\n|\r|\n", c)) for c in row)


def check_accounted_for(result, data_rows: int, header: list[str]) -> None:
    assert result.rows_read == result.accepted + result.rejected
    assert 1 <= result.rows_read <= data_rows
    for error in result.errors.first:
        assert error.line >= 2 and error.reason
        assert error.column == "" or error.column in header  # "" = the row itself (e.g. too many values)


def import_or_refused(raw: bytes, kind: str, admin):
    """Import ``raw``; a file refused as a whole must say why and leave nothing behind (None)."""
    counts = (Account.objects.count(), Opportunity.objects.count())
    try:
        return run_import(io.BytesIO(raw), kind, sink=DatabaseSink(user=admin))
    except ImportFileError as exc:
        assert exc.message and (Account.objects.count(), Opportunity.objects.count()) == counts
        return None


@st.composite
def encoded(draw, exports: dict):
    """(system, rows, file bytes) of one CRM's export; bytes None when the encoding cannot hold it."""
    system = draw(st.sampled_from(sorted(exports)))
    rows = draw(exports[system])
    return system, rows, encode(rows, *draw(file_options))


ACCOUNT_EXPORTS = {"salesforce": account_exports(), "hubspot": hubspot_company_exports()}
DEAL_EXPORTS = {"salesforce": opportunity_exports(), "hubspot": hubspot_deal_exports()}


@given(export=encoded(ACCOUNT_EXPORTS))
def test_a_generated_account_export_is_stored_exactly_or_rejected_row_by_row(export, admin, home):
    system, rows, raw = export
    if raw is None:
        return
    with rolled_back():
        before = Account.objects.count()
        result = import_or_refused(raw, "accounts", admin)
        if result is None:
            return
        check_accounted_for(result, len(rows) - 1, rows[0])
        assert Account.objects.count() == before + result.created
        for account in Account.objects.filter(external_ids__has_key=system):
            assert "\x00" not in account.name and account.name == account.name.strip()
            assert account.status in ("customer", "prospect")  # a CRM status Amity lacks: prospect
            assert len(account.country) in (0, 2)  # ISO codes only; a name it cannot place is left blank
        # The same file again: nothing new.
        again = run_import(io.BytesIO(raw), "accounts", sink=DatabaseSink(user=admin))
        assert again.created == 0 and Account.objects.count() == before + result.created


@given(export=encoded(DEAL_EXPORTS))
def test_a_generated_deal_export_stores_amounts_exactly_or_names_row_and_column(export, admin, home):
    system, rows, raw = export
    if raw is None:
        return
    col = {name: i for i, name in enumerate(rows[0])}
    with rolled_back():
        from tests.pipeline.factories import AccountFactory

        # Salesforce deals name it by id, HubSpot deals by name (and create a company it lacks).
        known = AccountFactory(name="Known Company GmbH", external_ids={"salesforce": "001KNOWN"})
        result = import_or_refused(raw, "opportunities", admin)
        if result is None:
            return
        check_accounted_for(result, len(rows) - 1, rows[0])
        refused = {e.line for e in result.errors.first}
        stored = {o.external_ids[system]: o for o in Opportunity.objects.filter(external_ids__has_key=system)}
        assert len(stored) == result.created
        for line_no, line in zip(physical_lines(rows), rows[1:], strict=True):
            opp = stored.get(line[0])
            if line_no in refused:
                assert opp is None  # a refused row writes nothing
                continue
            assert opp is not None, (line_no, line, list(result.errors.first))
            company = line[col["AccountId"]] if system == "salesforce" else line[col["Associated Company"]]
            if company.strip().lower() in ("001known", "known company gmbh"):
                assert opp.account_id == known.pk  # found, not duplicated
            assert isinstance(opp.amount, Decimal) and opp.amount == opp.amount.quantize(Decimal("0.01"))
            amount = line[col["Amount"]]
            if amount.strip():
                assert opp.amount == Decimal(
                    amount.replace(",", "") if "." in amount else amount.replace(",", ".")
                )
            assert 0 <= opp.probability <= 100
        # The same file again: no new deal and no new company.
        accounts, deals = Account.objects.count(), Opportunity.objects.count()
        again = run_import(io.BytesIO(raw), "opportunities", sink=DatabaseSink(user=admin))
        assert again.created == 0 and (Account.objects.count(), Opportunity.objects.count()) == (
            accounts,
            deals,
        )


upload_bytes = st.one_of(
    st.binary(max_size=600),
    st.builds(lambda body: b"Id,Name\r\n" + body, st.binary(max_size=300)),
    st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf",
            b"Id,Name\r\n",
            b"PK\x03\x04rest",
            b"%PDF-1.7",
            b"Id,Id\r\n1,2\r\n",
            b"a\x00b\r\n1\r\n",
        ]
    ),
)


@given(data=upload_bytes, kind=st.sampled_from(["accounts", "opportunities"]))
def test_an_upload_becomes_a_job_in_preview_or_is_refused_naming_the_file_with_nothing_stored(
    data, kind, admin, home, settings
):
    media = Path(settings.MEDIA_ROOT)
    with rolled_back():
        files_before = sorted(p for p in media.rglob("*") if p.is_file())
        jobs = ImportJob.objects.count()
        try:
            job = import_upload(
                user=admin, file=SimpleUploadedFile("export.csv", data, "text/csv"), kind=kind, format=""
            )
        except ValidationError as exc:
            assert set(exc.message_dict) == {"file"} and all(exc.message_dict["file"])
            assert ImportJob.objects.count() == jobs
            assert sorted(p for p in media.rglob("*") if p.is_file()) == files_before
            return
        assert job.status == "preview" and job.preview["header"]
        job.file.delete(save=False)


def test_an_upload_over_the_configured_limit_is_refused_with_the_limit(admin, home, settings):
    settings.AMITY_IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.csv", b"Id,Name\r\n" + b"1,Acme\r\n" * 200, "text/csv")
    with pytest.raises(ValidationError) as caught:
        import_upload(user=admin, file=upload, kind="accounts", format="")
    assert "at most" in caught.value.message_dict["file"][0]
    assert not ImportJob.objects.exists()
