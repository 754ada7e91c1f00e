"""The CRM import engine reads real Salesforce / HubSpot / CSV exports and reports every bad row."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from amity.pipeline.importing import (
    BatchResult,
    ImportFileError,
    MemorySink,
    RowError,
    open_table,
    plan_mapping,
    run_import,
)
from amity.pipeline.importing.formats import load_mapping
from amity.pipeline.importing.reader import detect_encoding, sniff_delimiter
from amity.pipeline.importing.validate import SeenIds

DATA = Path(__file__).parent / "data"
SF_OPP_HEADER = (
    "Id,AccountId,Name,StageName,Amount,Probability,CloseDate,IsClosed,IsWon,CurrencyIsoCode,"
    "OwnerId,Type,LeadSource,CreatedDate,LastModifiedDate"
)


def sf_row(
    id="0065e00000Z9aAaAAJ",
    name="Deal",
    stage="Prospecting",
    amount="1000",
    probability="10",
    close="2026-06-30",
):
    return (
        f"{id},0015e00000Xy1AbAAJ,{name},{stage},{amount},{probability},{close},false,false,EUR,005A,"
        "New Customer,Web,2026-01-01T00:00:00.000Z,2026-01-01T00:00:00.000Z"
    )


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def import_file(name, kind="opportunities", **kwargs):
    sink = kwargs.pop("sink", None) or MemorySink()
    return run_import(DATA / name, kind, sink=sink, **kwargs), sink


# --- detection and mapping --------------------------------------------------------------


def test_a_salesforce_opportunity_export_is_detected_and_every_column_maps():
    result, sink = import_file("salesforce_opportunities.csv")

    assert (result.format, result.detected, result.encoding, result.delimiter) == (
        "salesforce",
        True,
        "UTF-8",
        "comma",
    )
    assert result.mapping.missing == () and result.mapping.ignored == ()
    assert (result.rows_read, result.accepted, result.rejected, result.created) == (5, 5, 0, 5)
    renewal = sink.records("opportunities", "salesforce")["0065e00000A1bCeAAJ"]
    assert renewal == {
        "account_external_id": "0015e00000Xy1AcAAJ",
        "name": "Contoso, Ltd. - Analytics Renewal",
        "stage": "negotiation",
        "amount": Decimal("125000.00"),
        "probability": Decimal("90"),
        "close_date": date(2026, 3, 31),
        "is_closed": False,
        "is_won": False,
        "currency": "USD",
        "owner": "0055e000003Q1aBAAS",
        "type": "Existing Customer - Upgrade",
        "lead_source": "Web",
        "created_date": date(2025, 11, 3),
        "modified_date": date(2026, 3, 1),
    }


def test_salesforce_stage_names_translate_to_amity_stages():
    _, sink = import_file("salesforce_opportunities.csv")

    stages = {k: v["stage"] for k, v in sink.records("opportunities", "salesforce").items()}
    assert stages == {
        "0065e00000A1bCdAAJ": "prospecting",
        "0065e00000A1bCeAAJ": "negotiation",
        "0065e00000A1bCfAAJ": "closed_won",
        "0065e00000A1bCgAAJ": "closed_lost",
        "0065e00000A1bChAAJ": "proposal",  # Value Proposition
    }


def test_an_empty_amount_is_none_and_the_currency_column_still_applies():
    _, sink = import_file("salesforce_opportunities.csv")

    add_on = sink.records("opportunities", "salesforce")["0065e00000A1bChAAJ"]
    assert add_on["amount"] is None and add_on["currency"] == "EUR" and add_on["lead_source"] is None


def test_a_hubspot_deal_export_with_a_bom_is_detected_with_internal_and_label_stage_names():
    result, sink = import_file("hubspot_deals_bom.csv")

    assert (result.format, result.encoding) == ("hubspot", "UTF-8 with BOM")
    deals = sink.records("opportunities", "hubspot")
    assert {k: v["stage"] for k, v in deals.items()} == {
        "9876543210": "prospecting",
        "9876543211": "qualification",
        "9876543212": "negotiation",  # "Contract Sent"
        "9876543213": "closed_won",
        "9876543214": "proposal",
    }
    assert deals["9876543210"]["name"] == "Globex – Cloud Data Warehouse"
    assert deals["9876543210"]["close_date"] == date(2026, 7, 15)
    assert deals["9876543212"]["close_date"] == date(2026, 4, 30)  # HubSpot writes DD/MM/YYYY
    assert deals["9876543211"]["amount"] == Decimal("18500.50")


def test_a_deal_without_a_currency_gets_the_reporting_currency(settings):
    settings.AMITY_REPORTING_CURRENCY = "CHF"

    _, sink = import_file("hubspot_deals_bom.csv")

    assert sink.records("opportunities", "hubspot")["9876543214"]["currency"] == "CHF"


def test_a_latin1_hubspot_company_export_keeps_its_accents_and_maps_lifecycle_stages():
    result, sink = import_file("hubspot_companies_latin1.csv", kind="accounts")

    assert (result.format, result.encoding) == ("hubspot", "Windows-1252 (Latin-1)")
    companies = sink.records("accounts", "hubspot")
    assert companies["5550001"]["name"] == "Société Générale Informatique"
    assert companies["5550002"]["name"] == "Müller & Söhne AG"
    assert companies["5550003"]["domain"] == "zuercher-datenwerk.ch"
    assert {k: v["status"] for k, v in companies.items()} == {
        "5550001": "customer",
        "5550002": "prospect",
        "5550003": "prospect",
        "5550004": "customer",
    }


def test_a_salesforce_account_export_normalizes_websites_and_types():
    _, sink = import_file("salesforce_accounts.csv", kind="accounts")

    accounts = sink.records("accounts", "salesforce")
    assert {k: (v["domain"], v["status"]) for k, v in accounts.items()} == {
        "0015e00000Xy1AbAAJ": ("northwindtraders.com", "customer"),
        "0015e00000Xy1AcAAJ": ("contoso.com", "prospect"),
        "0015e00000Xy1AdAAJ": ("fabrikam.de", "customer"),
        "0015e00000Xy1AeAAJ": (None, "other"),  # a technology partner is neither
    }


def test_a_semicolon_file_with_decimal_commas_and_us_dates_reads_right():
    result, sink = import_file("salesforce_opportunities_semicolon.csv")

    assert result.delimiter == "semicolon" and result.accepted == 3
    rollout = sink.records("opportunities", "salesforce")["0065e00000B2aAaAAJ"]
    assert rollout["amount"] == Decimal("12500.50")
    assert rollout["close_date"] == date(2026, 3, 31)
    assert rollout["is_closed"] is False


def test_a_quoted_newline_stays_inside_the_name_and_line_numbers_follow_the_file():
    result, sink = import_file("salesforce_opportunities_quoted_newline.csv")

    deals = sink.records("opportunities", "salesforce")
    assert deals["0065e00000C3aAaAAJ"]["name"] == "Northwind Traders\nPhase 2 (data mesh)"
    assert result.rows_read == 2
    with open_table(DATA / "salesforce_opportunities_quoted_newline.csv") as table:
        assert [line for line, _ in table] == [2, 4]


def test_the_format_can_be_forced_and_a_mismatch_refuses_the_file():
    with pytest.raises(
        ImportFileError, match="missing the required columns Record ID, Deal Name, Deal Stage"
    ):
        import_file("salesforce_opportunities.csv", format="hubspot")


def test_a_missing_required_column_refuses_the_whole_file_naming_the_column():
    sink = MemorySink()
    with pytest.raises(ImportFileError) as exc:
        run_import(DATA / "hubspot_deals_missing_stage.csv", "opportunities", sink=sink)

    assert "missing the required column Deal Stage" in exc.value.message
    assert sink.store == {}


def test_a_renamed_column_is_refused_until_a_user_mapping_names_it():
    with pytest.raises(ImportFileError, match="required column Deal Name"):
        import_file("hubspot_deals_renamed.csv")

    result, sink = import_file("hubspot_deals_renamed.csv", mapping=DATA / "renamed_mapping.json")

    assert result.created == 2
    assert result.mapping.column_for("name") == "Deal Title"
    assert "Deal owner" in result.mapping.ignored  # mapped to null
    assert sink.records("opportunities", "hubspot")["9876543210"]["name"] == "Globex DW"
    assert "owner" not in sink.records("opportunities", "hubspot")["9876543210"]


def test_detection_reports_mapped_missing_and_ignored_columns():
    header = ["Record ID", "Deal Name", "Deal Stage", "Amount", "Hubspot Team", "Last Activity Date"]

    plan = plan_mapping(header, "opportunities")

    assert plan.format == "hubspot"
    assert dict(plan.columns) == {
        "Record ID": "external_id",
        "Deal Name": "name",
        "Deal Stage": "stage",
        "Amount": "amount",
    }
    assert plan.ignored == ("Hubspot Team", "Last Activity Date")
    assert plan.missing == (
        "Close Date",
        "Pipeline",
        "Associated Company",
        "Deal owner",
        "Create Date",
        "Currency",
    )


def test_salesforce_report_labels_are_recognised_as_salesforce():
    header = ["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Close Date", "Account ID"]

    plan = plan_mapping(header, "opportunities")

    assert plan.format == "salesforce"
    assert plan.column_for("stage") == "Stage"


def test_amitys_own_column_names_are_the_csv_format():
    plan = plan_mapping(["external_id", "name", "stage", "amount", "currency"], "opportunities")

    assert plan.format == "csv"


def test_an_unrecognised_header_is_refused_with_the_columns_shown():
    with pytest.raises(ImportFileError, match="do not look like a Salesforce, HubSpot or Amity CSV export"):
        plan_mapping(["foo", "bar"], "opportunities")


def test_a_mapping_to_an_unknown_field_or_column_is_refused_naming_it():
    with pytest.raises(ImportFileError, match="'Deal Title' to 'title', which is not an Amity field"):
        plan_mapping(
            ["Record ID", "Deal Title", "Deal Stage"], "opportunities", mapping={"Deal Title": "title"}
        )
    with pytest.raises(ImportFileError, match="names the column 'Nope'"):
        plan_mapping(["Record ID", "Deal Name", "Deal Stage"], "opportunities", mapping={"Nope": "name"})


def test_a_mapping_file_that_is_not_json_is_refused(tmp_path):
    path = write(tmp_path, "map.json", "{not json")

    with pytest.raises(ImportFileError, match="is not valid JSON"):
        load_mapping(path)
    with pytest.raises(ImportFileError, match="JSON object of column names"):
        load_mapping(write(tmp_path, "list.json", json.dumps(["Deal Name"])))


def test_an_unknown_kind_or_format_is_refused():
    with pytest.raises(ImportFileError, match="Unknown kind 'leads'"):
        plan_mapping(["Id"], "leads")
    with pytest.raises(ImportFileError, match="Unknown format 'pipedrive'"):
        plan_mapping(["Id"], "opportunities", format="pipedrive")


# --- reader ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (b"a,b\n1,2\n", "utf-8"),
        (b"\xef\xbb\xbfa,b\n", "utf-8-sig"),
        ("Müller,Zürich\n".encode("cp1252"), "cp1252"),
        ("name\n€ 5 – “quoted”\n".encode("cp1252"), "cp1252"),
        (b"\x81\x8d\x8f\x90\x9d\xe9\n", "latin-1"),
        ("Zürich,Łódź,São Paulo\n".encode() + b"bad \xff byte\n", "utf-8"),
    ],
)
def test_the_encoding_is_detected_from_a_sample(sample, expected):
    assert detect_encoding(sample, complete=True) == expected


def test_a_utf8_character_cut_by_the_sample_boundary_is_still_utf8():
    assert detect_encoding("abcé".encode()[:-1], complete=False) == "utf-8"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ('name;amount\n"Smith, Jones";1,5\n', ";"),
        ("single\nvalue\n", ","),
    ],
)
def test_the_delimiter_is_sniffed(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_a_binary_stream_without_a_name_is_read_too():
    stream = io.BytesIO((DATA / "salesforce_accounts.csv").read_bytes())
    sink = MemorySink()

    result = run_import(stream, "accounts", sink=sink)

    assert result.created == 4


def test_the_table_yields_line_numbers_and_rows_keyed_by_header():
    with open_table(io.BytesIO(b"Id,Name\r\n1,Acme\r\n\r\n2,Globex\r\n")) as table:
        assert table.header == ["Id", "Name"]
        assert list(table) == [(2, {"Id": "1", "Name": "Acme"}), (4, {"Id": "2", "Name": "Globex"})]


def test_an_excel_unicode_text_export_utf16_with_tabs_is_read():
    data = "Id\tName\tWebsite\r\n1\tMüller AG\tmueller.de\r\n".encode("utf-16")
    sink = MemorySink()

    result = run_import(io.BytesIO(data), "accounts", sink=sink)

    assert (result.encoding, result.delimiter) == ("UTF-16", "tab")
    assert sink.records("accounts", "salesforce")["1"] == {"name": "Müller AG", "domain": "mueller.de"}


def test_a_row_the_csv_parser_cannot_read_is_rejected_and_reading_goes_on():
    data = ("Id,Name\n1,a\n2," + "x" * 200_000 + "\n3,c\n").encode()
    sink = MemorySink()

    result = run_import(io.BytesIO(data), "accounts", sink=sink)

    assert list(result.errors) == [
        RowError(3, "", "", "the row cannot be read as CSV: field larger than field limit (131072)")
    ]
    assert sorted(sink.records("accounts", "salesforce")) == ["1", "3"]


def test_a_text_stream_is_refused_with_a_hint():
    with pytest.raises(TypeError, match="binary mode"):
        run_import(io.StringIO("Id,Name\n1,a\n"), "accounts", sink=MemorySink())


def test_a_missing_file_is_a_clear_message(tmp_path):
    with pytest.raises(ImportFileError, match="Cannot open"):
        run_import(tmp_path / "nope.csv", "accounts", sink=MemorySink())


def test_an_empty_file_and_a_header_only_file_are_clear_messages():
    with pytest.raises(ImportFileError, match="The file is empty"):
        import_file("empty.csv")
    with pytest.raises(ImportFileError, match="header row but no data rows"):
        import_file("header_only.csv")


def test_a_file_of_blank_lines_is_empty(tmp_path):
    with pytest.raises(ImportFileError, match="The file is empty"):
        run_import(write(tmp_path, "blank.csv", "\r\n\r\n  \n"), "accounts", sink=MemorySink())


def test_a_header_naming_a_column_twice_is_refused(tmp_path):
    path = write(tmp_path, "twice.csv", "Id,Name,name\n1,a,b\n")

    with pytest.raises(ImportFileError, match="'name' appears twice in the header \\(columns 2 and 3\\)"):
        run_import(path, "accounts", sink=MemorySink())


def test_short_rows_are_padded_and_blank_lines_skipped(tmp_path):
    path = write(tmp_path, "short.csv", "Id,Name,Website\n1,Acme\n\n2,Globex,globex.com\n")
    sink = MemorySink()

    result = run_import(path, "accounts", sink=sink)

    assert (result.rows_read, result.created) == (2, 2)
    assert sink.records("accounts", "salesforce")["1"] == {"name": "Acme", "domain": None}


def test_progress_reports_bytes_and_rows_until_the_whole_file(tmp_path):
    rows = [sf_row(id=f"006{i:015d}") for i in range(50)]
    path = write(tmp_path, "p.csv", SF_OPP_HEADER + "\n" + "\n".join(rows) + "\n")
    seen = []

    run_import(path, "opportunities", sink=MemorySink(), batch_size=10, progress=seen.append)

    assert [p.rows_read for p in seen] == [10, 20, 30, 40, 50, 50]
    assert seen[-1].bytes_read == path.stat().st_size == seen[-1].total_bytes
    assert seen[-1].fraction == 1.0


def test_a_dry_run_reports_progress_too(tmp_path):
    rows = [sf_row(id=f"006{i:015d}") for i in range(30)]
    path = write(tmp_path, "p.csv", SF_OPP_HEADER + "\n" + "\n".join(rows) + "\n")
    seen = []

    run_import(path, "opportunities", sink=None, dry_run=True, batch_size=10, progress=seen.append)

    assert [p.rows_read for p in seen] == [10, 20, 30, 30]


# --- validation: exact errors ----------------------------------------------------------


def test_bad_values_are_reported_with_line_column_value_and_reason():
    result, sink = import_file("salesforce_opportunities_bad_values.csv")

    assert list(result.errors) == [
        RowError(3, "CloseDate", "2026-02-30", "is not a date (expected YYYY-MM-DD or MM/DD/YYYY)"),
        RowError(4, "Amount", "12k", "is not a number"),
        RowError(5, "Probability", "120", "probability must be between 0 and 100"),
        RowError(6, "StageName", "Signed Off", "unknown stage"),
        RowError(7, "CurrencyIsoCode", "EURO", "is not an ISO 4217 currency code (e.g. EUR, USD)"),
        RowError(8, "Id", "0065e00000D4aAaAAJ", "duplicated external id (first on line 2)"),
        RowError(9, "Id", "", "missing required value (external id)"),
        RowError(10, "Amount", "-5", "must not be negative"),
        RowError(10, "CloseDate", "31.06.2026", "is not a date (expected YYYY-MM-DD or MM/DD/YYYY)"),
        RowError(10, "IsClosed", "maybe", "is not true/false (or 1/0)"),
        RowError(11, "", "extra", "the row has 16 values but the header has 15 columns"),
    ]
    assert (result.rows_read, result.accepted, result.rejected) == (10, 1, 9)
    assert list(sink.records("opportunities", "salesforce")) == ["0065e00000D4aAaAAJ"]
    assert sink.records("opportunities", "salesforce")["0065e00000D4aAaAAJ"]["name"] == "Good Deal"


def test_the_first_of_two_rows_with_one_external_id_wins():
    result, sink = import_file("salesforce_opportunities_bad_values.csv")

    assert sink.records("opportunities", "salesforce")["0065e00000D4aAaAAJ"]["amount"] == Decimal("1000.00")


def test_a_corrupt_byte_in_a_utf8_file_rejects_only_that_row():
    result, sink = import_file("hubspot_companies_bad_bytes.csv", kind="accounts")

    assert result.encoding == "UTF-8"
    assert list(result.errors) == [
        RowError(
            3,
            "Company name",
            "Bad \ufffd Bytes GmbH",
            "contains bytes that are not valid in the file's encoding",
        )
    ]
    assert sorted(sink.records("accounts", "hubspot")) == ["7770001", "7770003"]
    assert sink.records("accounts", "hubspot")["7770003"]["name"] == "Łódź Data sp. z o.o."


def test_too_long_text_is_rejected_with_the_limit(tmp_path):
    path = write(tmp_path, "long.csv", SF_OPP_HEADER + "\n" + sf_row(name="x" * 300) + "\n")

    result = run_import(path, "opportunities", sink=MemorySink())

    assert list(result.errors) == [
        RowError(2, "Name", "x" * 199 + "…", "is longer than 255 characters (300)")
    ]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("1000", "1000.00"), ("1,250,000.50", "1250000.50"), ("12500,5", "12500.50"), (" 7 000 ", "7000.00")],
)
def test_amounts_in_the_usual_spellings_are_accepted(tmp_path, amount, expected):
    path = write(tmp_path, "a.csv", SF_OPP_HEADER + "\n" + sf_row(amount=f'"{amount}"') + "\n")
    sink = MemorySink()

    run_import(path, "opportunities", sink=sink)

    assert sink.records("opportunities", "salesforce")["0065e00000Z9aAaAAJ"]["amount"] == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("1.005", "has more than 2 decimal places"),
        ("1e3x", "is not a number"),
        ("NaN", "is not a number"),
        ("1,2,3", "is not a number"),
        ("1000000000000", "is larger than 999,999,999,999.99"),
    ],
)
def test_amounts_that_are_not_money_are_rejected(tmp_path, amount, reason):
    path = write(tmp_path, "a.csv", SF_OPP_HEADER + "\n" + sf_row(amount=f'"{amount}"') + "\n")

    result = run_import(path, "opportunities", sink=MemorySink())

    assert [(e.column, e.value, e.reason) for e in result.errors] == [("Amount", amount, reason)]


@pytest.mark.parametrize(
    ("close", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("2026-03-31T12:00:00.000Z", date(2026, 3, 31)),
        ("03/31/2026", date(2026, 3, 31)),
    ],
)
def test_salesforce_dates_in_export_formats(tmp_path, close, expected):
    path = write(tmp_path, "d.csv", SF_OPP_HEADER + "\n" + sf_row(close=close) + "\n")
    sink = MemorySink()

    run_import(path, "opportunities", sink=sink)

    assert sink.records("opportunities", "salesforce")["0065e00000Z9aAaAAJ"]["close_date"] == expected


def test_a_day_first_date_in_a_salesforce_file_is_rejected_not_guessed(tmp_path):
    path = write(tmp_path, "d.csv", SF_OPP_HEADER + "\n" + sf_row(close="31/03/2026") + "\n")

    result = run_import(path, "opportunities", sink=MemorySink())

    assert [(e.column, e.reason) for e in result.errors] == [
        ("CloseDate", "is not a date (expected YYYY-MM-DD or MM/DD/YYYY)")
    ]


def test_probability_accepts_a_percent_sign(tmp_path):
    path = write(tmp_path, "p.csv", SF_OPP_HEADER + "\n" + sf_row(probability="75%") + "\n")
    sink = MemorySink()

    run_import(path, "opportunities", sink=sink)

    assert sink.records("opportunities", "salesforce")["0065e00000Z9aAaAAJ"]["probability"] == Decimal("75")


def test_a_missing_required_value_names_the_field(tmp_path):
    path = write(tmp_path, "m.csv", SF_OPP_HEADER + "\n" + sf_row(stage="  ") + "\n")

    result = run_import(path, "opportunities", sink=MemorySink())

    assert list(result.errors) == [RowError(2, "StageName", "  ", "missing required value (stage)")]


def test_the_seen_id_table_grows_and_remembers_first_lines():
    seen = SeenIds(capacity=4)

    firsts = [seen.add(f"id-{i}", i + 2) for i in range(1000)]

    assert firsts == [0] * 1000 and len(seen) == 1000
    assert seen.add("id-0", 5000) == 2 and seen.add("id-999", 5001) == 1001


# --- engine: upsert, idempotence, dry run, batches -------------------------------------


def test_reimporting_the_same_file_changes_nothing():
    sink = MemorySink()
    first, _ = import_file("salesforce_opportunities.csv", sink=sink)

    second, _ = import_file("salesforce_opportunities.csv", sink=sink)

    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 5)
    assert len(sink.records("opportunities", "salesforce")) == 5


def test_a_changed_file_updates_only_the_changed_records(tmp_path):
    sink = MemorySink()
    import_file("salesforce_opportunities.csv", sink=sink)
    text = (DATA / "salesforce_opportunities.csv").read_text()
    changed = text.replace("Negotiation/Review,125000.00,90", "Closed Won,130000.00,100")
    changed += sf_row(id="0065e00000A1bCiAAJ", name="Brand New") + "\r\n"

    result = run_import(write(tmp_path, "changed.csv", changed), "opportunities", sink=sink)

    assert (result.created, result.updated, result.unchanged) == (1, 1, 4)
    renewal = sink.records("opportunities", "salesforce")["0065e00000A1bCeAAJ"]
    assert (renewal["stage"], renewal["amount"]) == ("closed_won", Decimal("130000.00"))


def test_the_same_ids_from_two_crms_are_different_records():
    sink = MemorySink()
    import_file("salesforce_opportunities.csv", sink=sink)
    import_file("hubspot_deals_bom.csv", sink=sink)

    assert len(sink.records("opportunities", "salesforce")) == 5
    assert len(sink.records("opportunities", "hubspot")) == 5


def test_a_dry_run_validates_everything_and_writes_nothing():
    class Refusing:
        def upsert(self, kind, batch):  # pragma: no cover - must not be called
            raise AssertionError("a dry run wrote")

    result = run_import(
        DATA / "salesforce_opportunities_bad_values.csv", "opportunities", sink=Refusing(), dry_run=True
    )

    assert (result.dry_run, result.rows_read, result.accepted, result.rejected, len(result.errors)) == (
        True,
        10,
        1,
        9,
        11,
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)


def test_a_dry_run_needs_no_sink_but_a_real_run_does():
    run_import(DATA / "salesforce_accounts.csv", "accounts", sink=None, dry_run=True)
    with pytest.raises(ValueError, match="a sink is needed"):
        run_import(DATA / "salesforce_accounts.csv", "accounts", sink=None)


def test_rows_go_to_the_sink_in_batches_and_every_row_is_accounted_for(tmp_path):
    rows = [sf_row(id=f"006{i:015d}", stage="Nope" if i % 7 == 0 else "Prospecting") for i in range(100)]
    path = write(tmp_path, "b.csv", SF_OPP_HEADER + "\n" + "\n".join(rows) + "\n")
    batches = []

    class Recording(MemorySink):
        def upsert(self, kind, batch):
            batches.append(len(batch))
            return super().upsert(kind, batch)

    result = run_import(path, "opportunities", sink=Recording(), batch_size=25)

    assert batches == [25, 25, 25, 10]
    assert result.rows_read == result.accepted + result.rejected == 100
    assert result.rejected == len(result.errors) == 15


def test_rows_the_sink_refuses_land_in_the_error_report():
    class Picky(MemorySink):
        def upsert(self, kind, batch):
            bad = [r for r in batch if r.fields["stage"] == "closed_lost"]
            good = [r for r in batch if r not in bad]
            result = super().upsert(kind, good)
            errors = tuple(RowError(r.line, "AccountId", "x", "account not found") for r in bad)
            return BatchResult(result.created, result.updated, result.unchanged, errors)

    result = run_import(DATA / "salesforce_opportunities.csv", "opportunities", sink=Picky())

    assert (result.accepted, result.rejected, result.created) == (4, 1, 4)
    assert list(result.errors) == [RowError(5, "AccountId", "x", "account not found")]


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(ValueError, match="batch_size"):
        run_import(DATA / "salesforce_accounts.csv", "accounts", sink=MemorySink(), batch_size=0)


def test_the_result_summarises_as_a_dict():
    result, _ = import_file("hubspot_deals_renamed.csv", mapping={"Deal Title": "name"})

    summary = result.as_dict()

    assert summary["format"] == "hubspot" and summary["created"] == 2 and summary["errors"] == 0
    assert summary["mapping"]["columns"]["Deal Title"] == "name"
    assert result.format_label == "HubSpot"


# --- error report ----------------------------------------------------------------------


def test_the_error_report_is_csv_with_formulas_defused(tmp_path):
    body = sf_row(id="=1+1", amount='=HYPERLINK(""x"")') + "\n"
    path = write(
        tmp_path, "f.csv", SF_OPP_HEADER + "\n" + body.replace('=HYPERLINK(""x"")', '"=HYPERLINK(""x"")"')
    )
    result = run_import(path, "opportunities", sink=MemorySink())
    out = io.StringIO()

    result.errors.write_csv(out)

    text = out.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [
        ["line", "column", "value", "reason"],
        ["2", "Amount", '\'=HYPERLINK("x")', "is not a number"],
    ]


def test_the_error_report_streams_in_chunks_and_can_be_read_twice():
    result, _ = import_file("salesforce_opportunities_bad_values.csv")

    chunks = list(result.errors.csv_lines())

    assert len(chunks) == 1 + 1 + 11  # BOM, header, one per error
    assert list(result.errors) == list(result.errors)
    assert result.errors.reasons["is not a date"] == 2


def test_the_error_log_keeps_only_the_first_errors_in_memory_but_reports_all(tmp_path):
    rows = [sf_row(id=f"006{i:015d}", close="never") for i in range(50)]
    path = write(tmp_path, "e.csv", SF_OPP_HEADER + "\n" + "\n".join(rows) + "\n")

    result = run_import(path, "opportunities", sink=MemorySink(), keep_errors=5)

    assert len(result.errors.first) == 5
    assert len(result.errors) == 50 and len(list(result.errors)) == 50
