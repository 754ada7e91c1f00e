"""CRM export layouts as data, and detection of which layout a header row is.

A *layout* is one CRM's export of one kind of record (Salesforce opportunities, HubSpot
companies, Amity's own CSV …): which source column feeds which Amity field, how that CRM
writes dates, and how its stage names translate to Amity's stages. Amity fields, their types
and which of them are required are shared by every layout of a kind (``FIELDS``).

``plan_mapping(header, kind, format=None, mapping=None)`` picks the layout (scoring the header
against every layout of the kind unless a format is given), applies a user mapping
(``{"source column": "amity_field"}``; ``null`` ignores a column) and returns a
:class:`MappingPlan` naming the mapped, missing and ignored columns. A missing required
column refuses the whole file with a message naming the columns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

OPPORTUNITIES = "opportunities"
ACCOUNTS = "accounts"
KINDS = (OPPORTUNITIES, ACCOUNTS)

SALESFORCE = "salesforce"
HUBSPOT = "hubspot"
CSV = "csv"
FORMATS = (SALESFORCE, HUBSPOT, CSV)
FORMAT_LABELS = {SALESFORCE: "Salesforce", HUBSPOT: "HubSpot", CSV: "Amity CSV"}

# Amity's opportunity stages, in pipeline order.
STAGES = ("prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost")
ACCOUNT_STATUSES = ("customer", "prospect", "other")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (empty, unrecognised, required columns missing …)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One Amity field an import can fill: its type and limits."""

    name: str
    type: str  # text, decimal, percent, date, bool, stage, status, currency, domain
    required: bool = False
    max_length: int = 255
    label: str = ""


def _fields(*specs: FieldSpec) -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in specs}


FIELDS: dict[str, dict[str, FieldSpec]] = {
    OPPORTUNITIES: _fields(
        FieldSpec("external_id", "text", required=True, max_length=64, label="external id"),
        FieldSpec("name", "text", required=True, label="name"),
        FieldSpec("stage", "stage", required=True, label="stage"),
        FieldSpec("account_external_id", "text", max_length=64, label="account external id"),
        FieldSpec("account_name", "text", label="account name"),
        FieldSpec("amount", "decimal", label="amount"),
        FieldSpec("currency", "currency", label="currency"),
        FieldSpec("probability", "percent", label="probability"),
        FieldSpec("close_date", "date", label="close date"),
        FieldSpec("is_closed", "bool", label="closed"),
        FieldSpec("is_won", "bool", label="won"),
        FieldSpec("owner", "text", label="owner"),
        FieldSpec("type", "text", label="type"),
        FieldSpec("lead_source", "text", label="lead source"),
        FieldSpec("pipeline", "text", label="pipeline"),
        FieldSpec("created_date", "date", label="created"),
        FieldSpec("modified_date", "date", label="last modified"),
    ),
    ACCOUNTS: _fields(
        FieldSpec("external_id", "text", required=True, max_length=64, label="external id"),
        FieldSpec("name", "text", required=True, label="name"),
        FieldSpec("domain", "domain", label="domain"),
        FieldSpec("country", "text", max_length=100, label="country"),
        FieldSpec("industry", "text", max_length=100, label="industry"),
        FieldSpec("type", "text", max_length=100, label="type"),
        FieldSpec("status", "status", label="status"),
        FieldSpec("owner", "text", label="owner"),
    ),
}


def value_key(text: str) -> str:
    """How stage and status names are compared: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _value_map(pairs: Mapping[str, str]) -> dict[str, str]:
    return {value_key(k): v for k, v in pairs.items()}


# Amity's own names always work, whatever the layout.
AMITY_STAGES = _value_map({s: s for s in STAGES} | {"closed won": "closed_won", "closed lost": "closed_lost"})
AMITY_STATUSES = _value_map({s: s for s in ACCOUNT_STATUSES})

# Salesforce's default opportunity sales process (StageName picklist).
SALESFORCE_STAGES = AMITY_STAGES | _value_map(
    {
        "Prospecting": "prospecting",
        "Qualification": "qualification",
        "Needs Analysis": "qualification",
        "Value Proposition": "proposal",
        "Id. Decision Makers": "proposal",
        "Perception Analysis": "proposal",
        "Proposal/Price Quote": "proposal",
        "Negotiation/Review": "negotiation",
        "Closed Won": "closed_won",
        "Closed Lost": "closed_lost",
    }
)
# HubSpot's default sales pipeline: internal names (closedwon …) and their labels.
HUBSPOT_STAGES = AMITY_STAGES | _value_map(
    {
        "appointmentscheduled": "prospecting",
        "qualifiedtobuy": "qualification",
        "presentationscheduled": "proposal",
        "decisionmakerboughtin": "proposal",
        "Decision maker bought-in": "proposal",
        "contractsent": "negotiation",
        "closedwon": "closed_won",
        "closedlost": "closed_lost",
    }
)
# Salesforce Account.Type picklist → Amity account status.
SALESFORCE_STATUSES = AMITY_STATUSES | _value_map(
    {
        "Customer - Direct": "customer",
        "Customer - Channel": "customer",
        "Prospect": "prospect",
    }
)
# HubSpot lifecycle stages → Amity account status.
HUBSPOT_STATUSES = AMITY_STATUSES | _value_map(
    {
        "subscriber": "prospect",
        "lead": "prospect",
        "marketingqualifiedlead": "prospect",
        "salesqualifiedlead": "prospect",
        "opportunity": "prospect",
        "customer": "customer",
        "evangelist": "customer",
    }
)


@dataclass(frozen=True, slots=True)
class Column:
    """A source column of a layout: the CRM's name, the Amity field, other names seen in exports."""

    source: str
    field: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """One CRM's export of one kind: columns, date order and value maps."""

    format: str
    kind: str
    columns: tuple[Column, ...]
    slash_dates: str = "mdy"  # how dd/dd/dddd dates are read: "mdy", "dmy" or "" (not accepted)
    stages: Mapping[str, str] = field(default_factory=lambda: AMITY_STAGES)
    statuses: Mapping[str, str] = field(default_factory=lambda: AMITY_STATUSES)
    status_fallback: str = "other"  # account status when the CRM's value is not in the map

    @property
    def label(self) -> str:
        return f"{FORMAT_LABELS[self.format]} {self.kind}"

    @property
    def external_id_column(self) -> str:
        return next(c.source for c in self.columns if c.field == "external_id")

    def names(self) -> dict[str, Column]:
        """Every header name (case-insensitive) this layout recognises → its column."""
        names: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.source, *column.aliases):
                names.setdefault(header_key(name), column)
        return names


def header_key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).lower()


LAYOUTS: dict[tuple[str, str], Layout] = {}


def _register(layout: Layout) -> None:
    fields = FIELDS[layout.kind]
    for column in layout.columns:
        assert column.field in fields, (layout.format, column.field)
    LAYOUTS[(layout.format, layout.kind)] = layout


_register(
    Layout(
        SALESFORCE,
        OPPORTUNITIES,
        (
            Column("Id", "external_id", ("Opportunity ID",)),
            Column("AccountId", "account_external_id", ("Account ID",)),
            Column("Name", "name", ("Opportunity Name",)),
            Column("StageName", "stage", ("Stage",)),
            Column("Amount", "amount"),
            Column("Probability", "probability", ("Probability (%)",)),
            Column("CloseDate", "close_date", ("Close Date",)),
            Column("IsClosed", "is_closed", ("Closed",)),
            Column("IsWon", "is_won", ("Won",)),
            Column("CurrencyIsoCode", "currency", ("Opportunity Currency", "Currency")),
            Column("OwnerId", "owner", ("Opportunity Owner", "Owner ID")),
            Column("Type", "type"),
            Column("LeadSource", "lead_source", ("Lead Source",)),
            Column("CreatedDate", "created_date", ("Created Date",)),
            Column("LastModifiedDate", "modified_date", ("Last Modified Date",)),
        ),
        slash_dates="mdy",
        stages=SALESFORCE_STAGES,
    )
)
_register(
    Layout(
        SALESFORCE,
        ACCOUNTS,
        (
            Column("Id", "external_id", ("Account ID",)),
            Column("Name", "name", ("Account Name",)),
            Column("Website", "domain"),
            Column("BillingCountry", "country", ("Billing Country",)),
            Column("Industry", "industry"),
            Column("Type", "status", ("Account Type",)),
            Column("OwnerId", "owner", ("Account Owner", "Owner ID")),
        ),
        slash_dates="mdy",
        statuses=SALESFORCE_STATUSES,
    )
)
_register(
    Layout(
        HUBSPOT,
        OPPORTUNITIES,
        (
            Column("Record ID", "external_id", ("Deal ID",)),
            Column("Deal Name", "name"),
            Column("Deal Stage", "stage"),
            Column("Amount", "amount"),
            Column("Close Date", "close_date"),
            Column("Pipeline", "pipeline"),
            Column("Associated Company", "account_name", ("Associated Company (Primary)",)),
            Column("Deal owner", "owner"),
            Column("Create Date", "created_date"),
            Column("Currency", "currency", ("Deal Currency",)),
        ),
        slash_dates="dmy",
        stages=HUBSPOT_STAGES,
    )
)
_register(
    Layout(
        HUBSPOT,
        ACCOUNTS,
        (
            Column("Record ID", "external_id", ("Company ID",)),
            Column("Company name", "name", ("Name",)),
            Column("Company Domain Name", "domain", ("Website URL",)),
            Column("Country/Region", "country", ("Country",)),
            Column("Industry", "industry"),
            Column("Lifecycle Stage", "status"),
        ),
        slash_dates="dmy",
        statuses=HUBSPOT_STATUSES,
        status_fallback="other",
    )
)
_register(
    Layout(
        CSV,
        OPPORTUNITIES,
        tuple(Column(name, name) for name in FIELDS[OPPORTUNITIES]),
        slash_dates="",
    )
)
_register(Layout(CSV, ACCOUNTS, tuple(Column(name, name) for name in FIELDS[ACCOUNTS]), slash_dates=""))


@dataclass(frozen=True)
class MappingPlan:
    """Which header column feeds which Amity field, for one file."""

    layout: Layout
    columns: tuple[tuple[str, str], ...]  # (header column as written in the file, amity field)
    missing: tuple[str, ...]  # optional layout columns the file does not have
    ignored: tuple[str, ...]  # header columns nothing reads
    detected: bool  # True when the format was detected from the header
    score: int = 0

    @property
    def format(self) -> str:
        return self.layout.format

    @property
    def kind(self) -> str:
        return self.layout.kind

    def column_for(self, field_name: str) -> str | None:
        return next((src for src, f in self.columns if f == field_name), None)

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "kind": self.kind,
            "detected": self.detected,
            "columns": {src: f for src, f in self.columns},
            "missing": list(self.missing),
            "ignored": list(self.ignored),
        }


def score(layout: Layout, header: list[str]) -> int:
    """How many header columns this layout recognises."""
    names = layout.names()
    return len({names[header_key(h)].field for h in header if header_key(h) in names})


def detect_layout(header: list[str], kind: str) -> tuple[Layout | None, int]:
    """The layout of ``kind`` that recognises the most header columns (None if none does).

    Ties go to the layout whose own columns are the larger share matched, then to the order
    Salesforce, HubSpot, CSV.
    """
    best, best_key = None, (0, 0.0)
    for fmt in FORMATS:
        layout = LAYOUTS[(fmt, kind)]
        matched = score(layout, header)
        key = (matched, matched / len(layout.columns))
        if key > best_key:
            best, best_key = layout, key
    return best, best_key[0]


def load_mapping(path: str | Path) -> dict[str, str | None]:
    """Read a user mapping file: a JSON object ``{"source column": "amity_field" or null}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ImportFileError(f"Cannot read the mapping file {path}: {exc.strerror or exc}.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(f"The mapping file {path} is not valid JSON: {exc}.") from exc
    return check_mapping(data)


def check_mapping(data: object) -> dict[str, str | None]:
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()
    ):
        raise ImportFileError(
            'The mapping must be a JSON object of column names to Amity fields, e.g. {"Deal Title": "name"}.'
        )
    return {k: (v or None) for k, v in data.items()}


def plan_mapping(
    header: list[str],
    kind: str,
    format: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
) -> MappingPlan:
    """Decide how ``header`` maps to Amity fields, or refuse the file with a clear message."""
    if kind not in KINDS:
        raise ImportFileError(f"Unknown kind {kind!r}; use one of: {', '.join(KINDS)}.")
    if format is not None and format not in FORMATS:
        raise ImportFileError(f"Unknown format {format!r}; use one of: {', '.join(FORMATS)}.")
    mapping = check_mapping(dict(mapping)) if mapping else {}
    fields = FIELDS[kind]

    detected = format is None
    if format is None:
        layout, best = detect_layout(header, kind)
        if layout is None:
            if not mapping:
                raise ImportFileError(
                    f"The columns of this file do not look like a Salesforce, HubSpot or Amity CSV export of "
                    f"{kind} (header: {', '.join(header[:8])}{' …' if len(header) > 8 else ''}). "
                    "Choose the format, or give a mapping of columns to Amity fields."
                )
            layout = LAYOUTS[(CSV, kind)]
    else:
        layout = LAYOUTS[(format, kind)]
        best = score(layout, header)

    names = layout.names()
    by_field: dict[str, str] = {}
    for name in header:
        column = names.get(header_key(name))
        if column is not None and column.field not in by_field:
            by_field[column.field] = name

    # The user's mapping wins over the layout.
    header_by_key = {header_key(h): h for h in header}
    for source, target in mapping.items():
        actual = header_by_key.get(header_key(source))
        if actual is None:
            raise ImportFileError(
                f"The mapping names the column {source!r}, which is not in the file's header."
            )
        for f, src in list(by_field.items()):
            if src == actual:
                del by_field[f]
        if target is None:
            continue
        if target not in fields:
            raise ImportFileError(
                f"The mapping sends {source!r} to {target!r}, which is not an Amity field of {kind}; "
                f"use one of: {', '.join(fields)}."
            )
        by_field[target] = actual

    layout_column = {c.field: c.source for c in layout.columns}
    missing_required = [
        layout_column.get(name, name)
        for name, spec in fields.items()
        if spec.required and name not in by_field
    ]
    if missing_required:
        raise ImportFileError(
            f"This {layout.label} file is missing the required column"
            f"{'s' if len(missing_required) > 1 else ''} {', '.join(missing_required)}. "
            "Add the column to the export, or map an existing column to it with a mapping file."
        )
    mapped = set(by_field.values())
    return MappingPlan(
        layout=layout,
        columns=tuple((src, f) for src in header for f, s in by_field.items() if s == src),
        missing=tuple(c.source for c in layout.columns if c.field not in by_field),
        ignored=tuple(h for h in header if h and h not in mapped),
        detected=detected,
        score=best,
    )
