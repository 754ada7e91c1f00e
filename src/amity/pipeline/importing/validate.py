"""Turn one CSV row into a normalized :class:`Record`, or into the reasons it is rejected.

``Validator(plan)`` compiles the mapping plan into one converter per mapped column (types and
limits from ``formats.FIELDS``, date order and value maps from the layout). ``validate(line,
row)`` returns ``(record, errors)``: exactly one of them is set. Every error names the line,
the source column as written in the file, the value and the reason. A second row with an
external id already seen in the file is rejected and names the line of the first.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from .formats import FIELDS, OPPORTUNITIES, FieldSpec, Layout, MappingPlan, value_key
from .reader import RowProblem

MAX_AMOUNT = Decimal("999999999999.99")  # what a 14-digit, 2-decimal money column holds
CENT = Decimal("0.01")

# ISO 4217 active codes (fund and precious-metal X-codes are not money here: left out).
_CURRENCY_CODES = """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
    GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
    KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
    NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK
    SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU
    UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL"""
CURRENCIES = frozenset(_CURRENCY_CODES.split())


class RowError(NamedTuple):
    """Why (part of) a row was rejected."""

    line: int
    column: str
    value: str
    reason: str


@dataclass(slots=True)
class Record:
    """A validated, normalized row: what a sink upserts by (kind, system, external id)."""

    kind: str
    system: str
    external_id: str
    fields: dict[str, Any]
    line: int = 0


class Invalid(Exception):
    def __init__(self, reason: str):
        self.reason = reason


# --- converters: str (stripped, non-empty) → value, or raise Invalid(reason) ---------------


def text_converter(spec: FieldSpec) -> Callable[[str], str]:
    limit = spec.max_length

    def convert(value: str) -> str:
        if len(value) > limit:
            raise Invalid(f"is longer than {limit} characters ({len(value)})")
        return value

    return convert


_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")


def parse_decimal(value: str) -> Decimal:
    """A plain number: ``12500``, ``12500.5``, ``12,500.00`` or ``12500,50`` (decimal comma)."""
    text = value.replace(" ", "").replace("\u00a0", "")
    if "," in text:
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        elif _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        else:
            raise Invalid("is not a number")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid("is not a number") from None
    if not number.is_finite():
        raise Invalid("is not a number")
    return number


def amount(value: str) -> Decimal:
    number = parse_decimal(value)
    if number < 0:
        raise Invalid("must not be negative")
    if number > MAX_AMOUNT:
        raise Invalid(f"is larger than {MAX_AMOUNT:,}")
    rounded = number.quantize(CENT)
    if rounded != number:
        raise Invalid("has more than 2 decimal places")
    return rounded


def percent(value: str) -> Decimal:
    number = parse_decimal(value[:-1].rstrip() if value.endswith("%") else value)
    if not 0 <= number <= 100:
        raise Invalid("probability must be between 0 and 100")
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def date_converter(order: str) -> Callable[[str], date]:
    expected = {"mdy": "YYYY-MM-DD or MM/DD/YYYY", "dmy": "YYYY-MM-DD or DD/MM/YYYY"}.get(order, "YYYY-MM-DD")
    reason = f"is not a date (expected {expected})"

    def convert(value: str) -> date:
        n = len(value)
        try:
            if n >= 10 and value[4] == "-":
                if n > 10 and value[10] not in "T ":
                    raise Invalid(reason)
                return date.fromisoformat(value[:10])
            if order and "/" in value:
                head = value.split(" ", 1)[0]
                a, b, c = head.split("/")
                if len(c) != 4:
                    raise Invalid(reason)
                month, day = (int(a), int(b)) if order == "mdy" else (int(b), int(a))
                return date(int(c), month, day)
        except ValueError:
            pass
        raise Invalid(reason)

    return convert


_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})


def boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise Invalid("is not true/false (or 1/0)")


def currency(value: str) -> str:
    code = value.upper()
    if code not in CURRENCIES:
        raise Invalid("is not an ISO 4217 currency code (e.g. EUR, USD)")
    return code


def stage_converter(stages: Mapping[str, str]) -> Callable[[str], str]:
    def convert(value: str) -> str:
        try:
            return stages[value_key(value)]
        except KeyError:
            raise Invalid("unknown stage") from None

    return convert


def status_converter(statuses: Mapping[str, str], fallback: str) -> Callable[[str], str]:
    def convert(value: str) -> str:
        return statuses.get(value_key(value), fallback)

    return convert


_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def domain(value: str) -> str:
    """A website or domain as the bare host name: ``https://www.Acme.com/about`` → ``acme.com``."""
    host = value.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise Invalid("is not a domain name") from None
    if len(host) > 253 or not _DOMAIN.match(host):
        raise Invalid("is not a domain name")
    return host


def converter_for(spec: FieldSpec, layout: Layout) -> Callable[[str], Any]:
    match spec.type:
        case "text":
            return text_converter(spec)
        case "decimal":
            return amount
        case "percent":
            return percent
        case "date":
            return date_converter(layout.slash_dates)
        case "bool":
            return boolean
        case "currency":
            return currency
        case "stage":
            return stage_converter(layout.stages)
        case "status":
            return status_converter(layout.statuses, layout.status_fallback)
        case "domain":
            return domain
    raise ValueError(f"no converter for type {spec.type!r}")  # pragma: no cover - FIELDS is fixed


class SeenIds:
    """External ids seen so far in a file, in compact memory (about 20 bytes an id, no Python objects).

    Laid out like CPython's compact dict: a sparse open-addressing index of 4-byte positions
    (at most half full) into dense arrays of 64-bit hashes and first-seen lines. The hash is
    ``hash()`` of the id (SipHash-1-3, 64 bits), so two different ids of one file colliding is a
    ~1-in-10^7 event even at a million rows.
    """

    def __init__(self, capacity: int = 1 << 12):
        self._hashes = array("q")
        self._lines = array("I")
        self._index = array("I", bytes(4 * capacity))  # 0 = empty, else position + 1
        self._mask = capacity - 1

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, key: str, line: int) -> int:
        """Record ``key`` as seen on ``line``; return 0, or the line it was first seen on."""
        h = hash(key)
        index, hashes, mask = self._index, self._hashes, self._mask
        i = h & mask
        while True:
            slot = index[i]
            if slot == 0:
                break
            if hashes[slot - 1] == h:
                return self._lines[slot - 1]
            i = (i + 1) & mask
        hashes.append(h)
        self._lines.append(line)
        index[i] = len(hashes)
        if len(hashes) * 2 > mask:
            self._grow()
        return 0

    def _grow(self) -> None:
        capacity = (self._mask + 1) * 2
        self._index = index = array("I", bytes(4 * capacity))
        self._mask = mask = capacity - 1
        for position, h in enumerate(self._hashes, start=1):
            i = h & mask
            while index[i]:
                i = (i + 1) & mask
            index[i] = position


# Types whose values repeat across rows (stages, dates, flags …): converted once per distinct
# value and remembered (results are immutable), up to MEMO_SIZE distinct values per column.
MEMOIZED = frozenset({"stage", "status", "bool", "currency", "percent", "date"})
MEMO_SIZE = 4096
_MISSING = object()


class Validator:
    """Validates the rows of one file against its mapping plan."""

    def __init__(self, plan: MappingPlan, default_currency: str = "EUR"):
        self.plan = plan
        self.kind = plan.kind
        self.system = plan.format
        fields = FIELDS[plan.kind]
        # (column, field, converter or None for plain text, text limit, memo or None, required, label)
        self.steps = []
        for column, name in plan.columns:
            spec = fields[name]
            plain = spec.type == "text"
            self.steps.append(
                (
                    column,
                    name,
                    None if plain else converter_for(spec, plan.layout),
                    spec.max_length,
                    {} if spec.type in MEMOIZED else None,
                    spec.required,
                    spec.label,
                )
            )
        self.id_column = plan.column_for("external_id")
        self.default_currency = default_currency if plan.kind == OPPORTUNITIES else None
        self.seen = SeenIds()

    def validate(self, line: int, row: dict[str, str] | RowProblem) -> tuple[Record | None, list[RowError]]:
        if isinstance(row, RowProblem):
            return None, [RowError(line, "", row.value, row.reason)]
        fields: dict[str, Any] = {}
        errors: list[RowError] = []
        for column, name, convert, limit, memo, required, label in self.steps:
            raw = row[column]
            value = raw.strip()
            if not value:
                if required:
                    errors.append(RowError(line, column, raw, f"missing required value ({label})"))
                fields[name] = None
                continue
            if "\ufffd" in value:
                errors.append(
                    RowError(line, column, raw, "contains bytes that are not valid in the file's encoding")
                )
                continue
            if "\x00" in value:  # PostgreSQL text cannot hold NUL: refuse the row, not the batch
                errors.append(RowError(line, column, raw.replace("\x00", ""), "contains a NUL character"))
                continue
            if convert is None:  # plain text, inlined: most columns are
                if len(value) > limit:
                    errors.append(
                        RowError(line, column, raw, f"is longer than {limit} characters ({len(value)})")
                    )
                else:
                    fields[name] = value
                continue
            if memo is not None:
                converted = memo.get(value, _MISSING)
                if converted is not _MISSING:
                    fields[name] = converted
                    continue
            try:
                converted = convert(value)
            except Invalid as exc:
                errors.append(RowError(line, column, raw, exc.reason))
                continue
            fields[name] = converted
            if memo is not None and len(memo) < MEMO_SIZE:
                memo[value] = converted
        if errors:
            return None, errors
        external_id = fields.pop("external_id")
        first = self.seen.add(external_id, line)
        if first:
            return None, [
                RowError(line, self.id_column, external_id, f"duplicated external id (first on line {first})")
            ]
        if self.default_currency and not fields.get("currency"):
            fields["currency"] = self.default_currency
        return Record(self.kind, self.system, external_id, fields, line), []
