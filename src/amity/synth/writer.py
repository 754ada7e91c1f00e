"""Bulk writing for the generator: rows in, tables out, fast.

* **PostgreSQL**: ``COPY table (columns) FROM STDIN`` with psycopg 3's ``write_row`` (C-accelerated).
* **SQLite**: ``executemany`` of one prepared ``INSERT`` on the raw connection.

Rows are plain tuples of values the database takes as they are: ``str`` for text, dates
(``YYYY-MM-DD``), timestamps (:meth:`Sink.ts`), decimals (``"1234.50"``) and JSON (``json.dumps``);
``int``, ``bool`` and ``None`` otherwise. A generator names the columns it fills; every other column
gets its model field's default (``auto_now`` fields the run's "now"), and a column that is NOT NULL
without a default is refused when the table is opened - so a new required field fails loudly here
instead of in the middle of a load.

Primary keys are assigned by the generator from :meth:`Table.take` (after the largest existing id),
so children reference parents without reading anything back; :meth:`Sink.finish` moves the
PostgreSQL sequences past them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, connections, models, transaction
from django.utils import timezone


@dataclass
class TableStats:
    """What has been written to one table so far."""

    table: str
    rows: int = 0
    seconds: float = 0.0  # time spent writing rows (the database's side and the driver's)
    index_seconds: float = 0.0  # time spent building the indexes dropped for the load

    @property
    def rate(self) -> float:
        """Rows written per second of writing (index builds apart)."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0


ProgressCallback = Callable[[TableStats], None]


def db_value(value: Any, ts: Callable[[datetime], str]) -> Any:
    """A Python default as the database takes it from a row tuple."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return ts(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, float):
        return value
    raise TypeError(f"Cannot write a default of type {type(value).__name__}")


class Table:
    """The rows of one table: ids, a buffer, and the write."""

    def __init__(self, sink: Sink, model: type[models.Model], columns: Iterable[str]) -> None:
        self.sink = sink
        self.model = model
        meta = model._meta
        self.name = meta.db_table
        fields = {f.attname: f for f in meta.concrete_fields}
        given = list(columns)
        unknown = [c for c in given if c not in fields]
        if unknown:
            raise ValueError(f"{self.name} has no column(s) {', '.join(unknown)}")
        tail: list[Any] = []
        tail_columns: list[str] = []
        for name, f in fields.items():
            if name in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = sink.now_ts
            elif f.default is timezone.now:
                value = sink.now_ts  # the run's "now", not the wall clock: runs are repeatable
            elif f.default is timezone.localdate:
                value = sink.today
            elif f.has_default() or (f.empty_strings_allowed and not f.null):
                value = db_value(f.get_default(), sink.ts)  # text without a default: ""
            elif f.null:
                value = None
            else:
                raise ValueError(
                    f"{self.name}.{f.column} is NOT NULL and has no default: the generator must fill it"
                )
            tail.append(value)
            tail_columns.append(f.column)
        self.columns = [fields[c].column for c in given] + tail_columns
        self.tail = tuple(tail)
        self.rows: list[tuple] = []
        self.add = self.rows.append  # the buffer is emptied in place, so this stays valid
        self.stats = TableStats(self.name)
        pk = meta.pk
        self.pk_column = pk.column if isinstance(pk, models.AutoField) else None
        self.next_id = sink.max_id(self.name, self.pk_column) + 1 if self.pk_column else 0
        quote = sink.connection.ops.quote_name
        cols = ", ".join(quote(c) for c in self.columns)
        if sink.vendor == "postgresql":
            self.sql = f"COPY {quote(self.name)} ({cols}) FROM STDIN"
        else:
            marks = ", ".join("?" * len(self.columns))
            self.sql = f"INSERT INTO {quote(self.name)} ({cols}) VALUES ({marks})"

    def take(self, n: int = 1) -> int:
        """Reserve ``n`` ids; returns the first."""
        first = self.next_id
        self.next_id += n
        return first

    def flush(self) -> None:
        if not self.rows:
            return
        rows = self.rows
        tail = self.tail
        started = time.perf_counter()
        raw = self.sink.raw_cursor()
        if self.sink.vendor == "postgresql":
            with raw.copy(self.sql) as copy:
                write = copy.write_row
                if tail:
                    for row in rows:
                        write(row + tail)
                else:
                    for row in rows:
                        write(row)
        else:
            raw.executemany(self.sql, [row + tail for row in rows] if tail else rows)
        self.stats.rows += len(rows)
        self.stats.seconds += time.perf_counter() - started
        rows.clear()


class Sink:
    """The tables of one run on one database connection."""

    def __init__(
        self, alias: str, now: datetime, progress: ProgressCallback | None = None, defer_at: int = 100_000
    ) -> None:
        self.alias = alias
        self.connection = connections[alias]
        self.vendor = self.connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise ValueError(f"amity generate supports PostgreSQL and SQLite, not {self.vendor}")
        self.now = now.astimezone(UTC)
        self.now_ts = self.ts(self.now)
        self.today = timezone.localtime(now).date().isoformat()
        self.progress = progress
        self.tables: dict[str, Table] = {}
        self._cursor: Any = None
        self.defer_at = defer_at
        self._deferred: list[tuple[str, list[tuple[str, str]]]] = []

    # --- values -----------------------------------------------------------------------------

    def ts(self, moment: datetime) -> str:
        """An aware datetime as a timestamp the database takes (UTC)."""
        utc = moment.astimezone(UTC).replace(tzinfo=None)
        text = utc.isoformat(" ", "seconds") if not utc.microsecond else utc.isoformat(" ")
        return text + "+00" if self.vendor == "postgresql" else text

    # --- tables -------------------------------------------------------------------------------

    def table(self, model: type[models.Model], columns: Iterable[str]) -> Table:
        table = Table(self, model, columns)
        if table.name in self.tables:
            raise ValueError(f"{table.name} is opened twice")
        self.tables[table.name] = table
        return table

    def defer_indexes(self, table: Table, expected_rows: int) -> None:
        """Drop the secondary indexes of ``table`` now and build them after the load (sorting once
        is much faster than updating every index per row) - when at least ``defer_at`` rows are
        coming and the table holds fewer. Primary keys and indexes behind constraints stay; the
        indexes are built again in :meth:`finish`, even when the load fails."""
        if expected_rows < self.defer_at:
            return
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {quote(table.name)} LIMIT %s) t", [expected_rows]
            )
            if cursor.fetchone()[0] >= expected_rows:
                return
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                    "WHERE t.relname = %s AND t.relkind = 'r' AND pg_table_is_visible(t.oid) "
                    "AND NOT x.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                    "ORDER BY i.relname",
                    [table.name],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL ORDER BY name",
                    [table.name],
                )
            indexes = [(name, sql) for name, sql in cursor.fetchall()]
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        if indexes:
            self._deferred.append((table.name, indexes))

    def _build_indexes(self) -> None:
        deferred, self._deferred = self._deferred, []
        with self.connection.cursor() as cursor:
            if deferred and self.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '256MB'")
            for name, indexes in deferred:
                started = time.perf_counter()
                for _, sql in indexes:
                    cursor.execute(sql)
                stats = self.tables[name].stats
                stats.index_seconds += time.perf_counter() - started
                if self.progress is not None:
                    self.progress(stats)
            if deferred and self.vendor == "postgresql":
                cursor.execute("RESET maintenance_work_mem")

    def max_id(self, table: str, column: str) -> int:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
            return int(cursor.fetchone()[0] or 0)

    def raw_cursor(self) -> Any:
        if self._cursor is None:
            self.connection.ensure_connection()
            self._cursor = self.connection.connection.cursor()
        return self._cursor

    def commit(self) -> None:
        """Write every buffered row, in one transaction (a savepoint inside an outer one)."""
        with transaction.atomic(using=self.alias):
            for table in self.tables.values():
                table.flush()
        if self.progress is not None:
            for table in self.tables.values():
                if table.stats.rows:
                    self.progress(table.stats)

    # --- around the load ------------------------------------------------------------------------

    def begin(self) -> None:
        """Settings for the load. Ids are assigned here, so foreign keys hold by construction and the
        per-row checks are skipped where the database lets us (``tests/synth`` checks every foreign
        key of the generated rows): SQLite ``foreign_keys=OFF`` (outside a transaction only - a
        test's outer transaction keeps the connection's settings); PostgreSQL
        ``session_replication_role=replica`` (superusers only; otherwise the deferred checks run
        at each chunk's commit). Commits do not wait for the disk (``synchronous=OFF``,
        ``synchronous_commit=off``): an interrupted load is started again on a fresh database."""
        self._restore: list[str] = []
        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                if not self.connection.in_atomic_block:
                    cursor.execute("PRAGMA foreign_keys=OFF")
                    cursor.execute("PRAGMA synchronous=OFF")
                    self._restore = ["PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"]
                return
            for setting, value in (("synchronous_commit", "off"), ("session_replication_role", "replica")):
                cursor.execute(f"SHOW {setting}")
                before = cursor.fetchone()[0]
                try:
                    with transaction.atomic(using=self.alias):
                        cursor.execute(f"SET {setting} = {value}")
                except DatabaseError:
                    continue  # not allowed for this role: keep the checks
                self._restore.append(f"SET {setting} = '{before}'")

    def finish(self) -> None:
        """Sequences past the ids we assigned (PostgreSQL), planner statistics, settings back."""
        quote = self.connection.ops.quote_name
        self._build_indexes()
        with self.connection.cursor() as cursor:
            for statement in getattr(self, "_restore", []):
                cursor.execute(statement)
            for table in self.tables.values():
                if not table.stats.rows:
                    continue
                if self.vendor == "postgresql":
                    if table.pk_column:
                        cursor.execute(
                            f"SELECT setval(pg_get_serial_sequence(%s, %s), MAX({quote(table.pk_column)})) "
                            f"FROM {quote(table.name)}",
                            [table.name, table.pk_column],
                        )
                    if not self.connection.in_atomic_block:
                        # Statistics, and the visibility map a live database's autovacuum keeps
                        # (index-only scans need it; a bulk load leaves it empty).
                        cursor.execute(f"VACUUM (ANALYZE) {quote(table.name)}")
            if self.vendor == "sqlite" and not self.connection.in_atomic_block:
                cursor.execute("PRAGMA optimize")
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None
