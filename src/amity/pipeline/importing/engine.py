"""Run an import: file → mapping plan → validated records in batches → a sink; rejects → report.

``run_import`` never stops half-way on bad data: every data row is either handed to the sink
(inside a batch) or lands in the error report, so ``rows_read == accepted + rejected``. A file
that cannot be imported at all (empty, unrecognised, required columns missing) raises
:class:`~amity.pipeline.importing.formats.ImportFileError` before anything is written. A dry run
validates every row and hands nothing to the sink.

The engine knows nothing of the database: a *sink* (``upsert(kind, batch) -> BatchResult``)
stores records. ``MemorySink`` is the reference implementation (a dict keyed by external id)
whose upsert semantics the model-backed sink must match: an unknown external id is created, a
known one with different fields is updated, a known one with the same fields is unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from .formats import FORMAT_LABELS, ImportFileError, MappingPlan, load_mapping, plan_mapping
from .reader import Table
from .report import ErrorLog
from .validate import Record, RowError, Validator

ProgressCallback = Callable[["Progress"], None]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a sink did with one batch. ``errors`` are rows the sink itself refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()


class Sink(Protocol):
    """Where validated records go. Each call should be atomic: all of the batch or none."""

    def upsert(self, kind: str, batch: list[Record]) -> BatchResult: ...


class MemorySink:
    """The reference sink: records in dicts keyed by (kind, system) then external id."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        self.batches = 0

    def upsert(self, kind: str, batch: list[Record]) -> BatchResult:
        created = updated = unchanged = 0
        self.batches += 1
        for record in batch:
            table = self.store.setdefault((kind, record.system), {})
            current = table.get(record.external_id)
            if current is None:
                table[record.external_id] = dict(record.fields)
                created += 1
            else:
                merged = current | record.fields
                if merged == current:
                    unchanged += 1
                else:
                    table[record.external_id] = merged
                    updated += 1
        return BatchResult(created, updated, unchanged)

    def records(self, kind: str, system: str) -> dict[str, dict[str, Any]]:
        return self.store.get((kind, system), {})


@dataclass(frozen=True, slots=True)
class Progress:
    bytes_read: int
    total_bytes: int | None
    rows_read: int

    @property
    def fraction(self) -> float | None:
        if not self.total_bytes:
            return None
        return min(1.0, self.bytes_read / self.total_bytes)


@dataclass
class ImportResult:
    """The outcome of one import run; every number here adds up (see ``check``)."""

    kind: str
    format: str
    detected: bool
    encoding: str
    delimiter: str
    mapping: MappingPlan
    dry_run: bool
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: ErrorLog = field(default_factory=ErrorLog)

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS[self.format]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "format": self.format,
            "detected": self.detected,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": len(self.errors),
            "mapping": self.mapping.as_dict(),
        }


def run_import(
    source: str | os.PathLike | BinaryIO,
    kind: str,
    format: str | None = None,
    mapping: Mapping[str, str | None] | str | os.PathLike | None = None,
    *,
    sink: Sink | None,
    dry_run: bool = False,
    batch_size: int = 2000,
    progress: ProgressCallback | None = None,
    default_currency: str | None = None,
    keep_errors: int = 1000,
) -> ImportResult:
    """Import ``source`` (a path or binary stream) of ``kind`` into ``sink``; see the module docs."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if sink is None and not dry_run:
        raise ValueError("a sink is needed unless dry_run=True")
    if isinstance(mapping, (str, Path, os.PathLike)):
        mapping = load_mapping(mapping)
    if default_currency is None:
        default_currency = _reporting_currency()

    with Table(source) as table:
        plan = plan_mapping(table.header, kind, format, mapping)
        validator = Validator(plan, default_currency=default_currency)
        result = ImportResult(
            kind=kind,
            format=plan.format,
            detected=plan.detected,
            encoding=table.encoding_label,
            delimiter=table.delimiter_label,
            mapping=plan,
            dry_run=dry_run,
            errors=ErrorLog(keep=keep_errors),
        )
        errors = result.errors
        batch: list[Record] = []
        validate = validator.validate
        rows = 0
        for line, row in table:
            rows += 1
            record, row_errors = validate(line, row)
            if record is None:
                result.rejected += 1
                errors.extend(row_errors)
            else:
                result.accepted += 1
                if not dry_run:
                    batch.append(record)
                    if len(batch) >= batch_size:
                        _flush(sink, kind, batch, result)
                        batch = []
            if progress is not None and rows % batch_size == 0:
                progress(Progress(table.bytes_read, table.total_bytes, rows))
        result.rows_read = rows
        if batch:
            _flush(sink, kind, batch, result)
        if rows == 0:
            raise ImportFileError("The file has a header row but no data rows.")
        if progress is not None:
            progress(Progress(table.bytes_read, table.total_bytes, rows))
    return result


def _flush(sink: Sink, kind: str, batch: list[Record], result: ImportResult) -> None:
    outcome = sink.upsert(kind, batch)
    result.created += outcome.created
    result.updated += outcome.updated
    result.unchanged += outcome.unchanged
    if outcome.errors:
        refused = {e.line for e in outcome.errors}
        result.accepted -= len(refused)
        result.rejected += len(refused)
        result.errors.extend(outcome.errors)


def _reporting_currency() -> str:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return settings.AMITY_REPORTING_CURRENCY
    except ImproperlyConfigured:  # settings not configured (a standalone script)
        return "EUR"
