"""Open a CSV export in bounded memory: detect its encoding and delimiter, stream its rows.

``open_table(source)`` takes a file path or a binary stream (an upload, a pipe). It reads a
64 KiB sample, decides the encoding (a UTF-8/UTF-16 byte-order mark; else strict UTF-8 on the
sample; else UTF-8 if the sample has more valid multi-byte characters than broken bytes (a
UTF-8 file with a corrupt row); else Windows-1252; else Latin-1, which decodes anything), sniffs the delimiter among
``,`` ``;`` tab ``|`` (``csv.Sniffer`` on whole lines of the sample, checked against the header,
with a count of candidates in the header as the fallback), then reads the header. Iterating the
table yields ``(line, row)`` one record at a time, where ``line`` is the physical line the
record starts on (quoted newlines make records span lines) and ``row`` a dict keyed by header
column, or a :class:`RowProblem` for a record that cannot be split into the header's columns.
Bytes that are not valid in the detected encoding come through as U+FFFD so the validator can
reject just that row. ``bytes_read`` counts what has been consumed, for progress.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .formats import ImportFileError

SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252 (Latin-1)",
    "latin-1": "Latin-1",
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A record the CSV parser could not turn into the header's columns."""

    reason: str
    value: str = ""


class _CountingReader(io.RawIOBase):
    """A raw stream that first replays ``prefix`` then reads ``raw``, counting bytes handed out."""

    def __init__(self, prefix: bytes, raw: BinaryIO):
        self._prefix = memoryview(prefix)
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
        else:
            data = self._raw.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self.count += n
        return n


def detect_encoding(sample: bytes, complete: bool) -> str:
    """The Python codec for ``sample``: see the module docstring for the order tried."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Not strictly UTF-8. A UTF-8 file with a few corrupt bytes still has more valid multi-byte
    # characters than broken ones (its bad rows are then rejected); a Latin-1 file has none.
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=complete)
    broken = text.count("\ufffd")
    valid = sum(1 for ch in text if ch > "\x7f") - broken
    if valid > broken:
        return "utf-8"
    try:
        codecs.getincrementaldecoder("cp1252")("strict").decode(sample, final=True)
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter of ``text`` (a sample of the file's start, decoded)."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample cut the last line short
    whole = "".join(lines[:50])
    header = lines[0] if lines else ""
    counts = {d: header.count(d) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff(whole, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and counts.get(sniffed):
        return sniffed
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class Table:
    """A CSV file being read: encoding, delimiter, header; iterate for ``(line, row)``."""

    def __init__(self, source: str | os.PathLike | BinaryIO):
        self._own = None
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            try:
                raw = self._own = path.open("rb")
            except OSError as exc:
                raise ImportFileError(f"Cannot open {path}: {exc.strerror or exc}.") from exc
            self.total_bytes: int | None = path.stat().st_size
        else:
            raw = source
            self.total_bytes = None
            try:
                if raw.seekable():
                    here = raw.tell()
                    self.total_bytes = raw.seek(0, io.SEEK_END) - here
                    raw.seek(here)
            except (AttributeError, OSError):
                pass
        sample = raw.read(SAMPLE_BYTES)
        if isinstance(sample, str):
            raise TypeError("open the file in binary mode ('rb'); the importer detects the encoding itself")
        complete = len(sample) < SAMPLE_BYTES
        if not sample.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
            self.close()
            raise ImportFileError("The file is empty.")

        self.encoding = detect_encoding(sample, complete)
        self._counter = _CountingReader(sample, raw)
        text = io.TextIOWrapper(
            io.BufferedReader(self._counter, buffer_size=SAMPLE_BYTES),
            encoding=self.encoding,
            errors="replace",
            newline="",
        )
        decoded = sample.decode(self.encoding, errors="replace")
        self.delimiter = sniff_delimiter(decoded)
        self._reader = csv.reader(
            text, delimiter=self.delimiter, quotechar='"', doublequote=True, strict=False
        )
        self.header = self._read_header()

    def _read_header(self) -> list[str]:
        for cells in self._reader:
            if any(c.strip() for c in cells):
                header = [c.replace("\ufeff", "").strip() for c in cells]
                break
        else:
            self.close()
            raise ImportFileError("The file is empty.")
        seen: dict[str, int] = {}
        for i, name in enumerate(header, start=1):
            if not name:
                continue
            key = name.lower()
            if key in seen:
                self.close()
                raise ImportFileError(
                    f"The column {name!r} appears twice in the header (columns {seen[key]} and {i})."
                )
            seen[key] = i
        self.header_line = self._reader.line_num
        return header

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS.get(self.encoding, self.encoding)

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

    @property
    def bytes_read(self) -> int:
        return self._counter.count

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | RowProblem]]:
        header = self.header
        width = len(header)
        reader = self._reader
        last = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line, last = last + 1, reader.line_num
                yield line, RowProblem(f"the row cannot be read as CSV: {exc}")
                continue
            line, last = last + 1, reader.line_num
            n = len(cells)
            if n == width:
                yield line, dict(zip(header, cells, strict=True))
            elif n == 0 or not any(cells):
                continue  # blank line
            elif n < width:
                yield line, dict(zip(header, cells + [""] * (width - n), strict=True))
            elif any(c.strip() for c in cells[width:]):
                yield (
                    line,
                    RowProblem(
                        f"the row has {n} values but the header has {width} columns",
                        self.delimiter.join(cells[width:]),
                    ),
                )
            else:
                yield line, dict(zip(header, cells[:width], strict=True))

    def close(self) -> None:
        if self._own is not None:
            self._own.close()
            self._own = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_table(source: str | os.PathLike | BinaryIO) -> Table:
    return Table(source)
