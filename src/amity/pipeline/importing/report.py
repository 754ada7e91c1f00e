"""The error report: every rejected row as ``line, column, value, reason``, in bounded memory.

``ErrorLog`` keeps the first ``keep`` errors in memory (for a preview or a summary) and spools
all of them to a temporary file (in memory until 1 MiB, then on disk), so a file with a million
bad rows is still reported in full. ``csv_lines()`` streams the report as CSV with spreadsheet
formula escaping (``amity.core.export.escape_cell``); ``write_csv(fileobj)`` writes it.
"""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TextIO

from amity.core.export import csv_rows

from .validate import RowError

HEADER = ["line", "column", "value", "reason"]
MAX_VALUE = 200  # characters of a rejected value kept in the report


def _clip(value: str) -> str:
    return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1] + "…"


class ErrorLog:
    """All errors of one import: a count, the first few in memory, every one in a spool file."""

    def __init__(self, keep: int = 1000):
        self.keep = keep
        self.first: list[RowError] = []
        self.count = 0
        self.reasons: Counter[str] = Counter()
        self._spool = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8", newline="")  # noqa: SIM115 - lives as long as the log
        self._writer = csv.writer(self._spool)

    def add(self, error: RowError) -> None:
        error = error._replace(value=_clip(error.value))
        self.count += 1
        self.reasons[error.reason.split(" (", 1)[0]] += 1
        if len(self.first) < self.keep:
            self.first.append(error)
        self._writer.writerow(error)

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.add(error)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[RowError]:
        """Every error, in the order found (re-readable)."""
        self._spool.flush()
        self._spool.seek(0)
        for line, column, value, reason in csv.reader(self._spool):
            yield RowError(int(line), column, value, reason)
        self._spool.seek(0, 2)

    def csv_lines(self) -> Iterator[str]:
        """The report as CSV text chunks (UTF-8 BOM first so spreadsheets read it right)."""
        return csv_rows(HEADER, iter(self))

    def write_csv(self, out: TextIO) -> None:
        for chunk in self.csv_lines():
            out.write(chunk)

    def close(self) -> None:
        self._spool.close()
