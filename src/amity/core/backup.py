"""Backups: a consistent, verified snapshot of the database and the uploaded files, and its restore.

``amity backup FILE`` and ``amity restore FILE`` are thin commands over :func:`backup` and
:func:`restore`; docs/backup.md is the operator's guide. The archive is one tar file
(gzip-compressed unless its name ends in ``.tar``)::

    manifest.json             Amity version, engine, created_at, applied migrations per app,
                              per-table columns, row counts and last issued id, and the
                              SHA-256 and size of every other member (plus its own checksum)
    db/<table>.jsonl          one JSON array per row, columns in the manifest's order
    media/<path>              the tree under MEDIA_ROOT

The database part is portable: rows are written from the models of the database's own
migration state (so a database not yet migrated to this code's state is backed up as it is)
and loaded through the same fields, so an archive of SQLite restores into PostgreSQL and back.

Consistency: SQLite is copied with the online backup API (one step, a read transaction, so
the application keeps writing) and read from the copy; PostgreSQL is read in one REPEATABLE
READ, READ ONLY transaction (the snapshot ``pg_dump`` takes). Restore is all-or-nothing: the
archive is verified before anything is written, the rows are replaced in one transaction, and
the files are staged inside MEDIA_ROOT and renamed into place just before the commit.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin
from django.utils.duration import duration_string

FORMAT = "amity-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: Restore stages the archive in a directory with this prefix inside MEDIA_ROOT (same file
#: system, so the final moves are renames); backups never include such directories.
STAGING_PREFIX = ".amity-restore-"
#: The tables whose rows make a database "not empty" for restore: what ``migrate`` installs
#: (rules, tiers, instruments, KPIs, content types, permissions) does not count.
OCCUPANCY_MODELS = (settings.AUTH_USER_MODEL, "partners.Organization")
CHUNK = 1 << 20
BATCH = 1000
SQLITE_CACHE_KIB = 131072
# Fields whose JSON value is already what the database driver takes (no to_python/prep).
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "EmailField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)

Log = Callable[[str], None]
State = dict[str, list[str]]


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def _quiet(message: str) -> None:
    pass


# --- Migration state and the models that go with it ----------------------------------------


def applied_migrations(connection: BaseDatabaseWrapper) -> State:
    """The migrations recorded in django_migrations, per app, sorted by name."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    state: dict[str, list[str]] = {}
    for app, name in recorder.applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _nodes(state: State) -> set[tuple[str, str]]:
    return {(app, name) for app, names in state.items() for name in names}


def _unknown_migrations(loader: MigrationLoader, state: State) -> list[str]:
    known = set(loader.disk_migrations) | set(loader.graph.nodes)
    return sorted(f"{app}.{name}" for app, name in _nodes(state) - known)


def models_at(connection: BaseDatabaseWrapper, state: State) -> dict[str, type[Model]]:
    """db_table → model, for every table the migrations of ``state`` create.

    The models come from the migration state (as a data migration sees them), not from the
    code, so a database at another state than the code is read and written as it is.
    """
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    unknown = _unknown_migrations(loader, state)
    if unknown:
        raise BackupError(
            "the database has migrations this version of Amity does not have "
            f"({', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}): use the version that applied them"
        )
    nodes = sorted(_nodes(state) & set(loader.graph.nodes))
    project_state = loader.graph.make_state(nodes=nodes, at_end=True, real_apps=loader.unmigrated_apps)
    models: dict[str, type[Model]] = {}
    for model in project_state.apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        models[meta.db_table] = model
    return dict(sorted(models.items()))


def _columns(model: type[Model]) -> list[Field]:
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _base_type(field: Field) -> str:
    while field.is_relation:  # a foreign key stores what its target stores
        field = field.target_field
    return field.get_internal_type()


def _encode_default(value: Any) -> Any:
    """json.dumps hook for what JSON has no type for; :func:`_decoder` turns it back."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.timedelta):  # before date: a timedelta is not a date
        return duration_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot write a {type(value).__name__} into a backup")


def _decoder(field: Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """A function from a value as read from the archive to the parameter the driver takes;
    None when the value read is that parameter already."""
    internal = field.get_internal_type()
    if internal == "JSONField":
        # JSON null and SQL NULL both read as None; a NOT NULL column can only have held JSON null.
        null_json = None if field.null else connection.ops.adapt_json_value(None, field.encoder)
        prep = field.get_db_prep_save
        return lambda v: null_json if v is None else prep(v, connection)
    if _base_type(field) in _PLAIN_TYPES:
        return None
    to_python, prep = field.to_python, field.get_db_prep_save

    def slow(v: Any) -> Any:
        return None if v is None else prep(to_python(v), connection)

    if internal == "DateTimeField":
        # What get_db_prep_save does for an aware datetime, without its regex parsing (dates
        # and times are most of the values of a large database).
        adapt_datetime = connection.ops.adapt_datetimefield_value
        # SQLite stores str() of the naive UTC time: the archive's "…T…+00:00" minus the offset.
        utc_text = connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone_name == "UTC"

        def datetime_value(v: Any) -> Any:
            if v is None:
                return None
            if utc_text and len(v) in (25, 32) and v[10] == "T" and v.endswith("+00:00"):
                return f"{v[:10]} {v[11:-6]}"
            value = dt.datetime.fromisoformat(v)
            return slow(v) if value.tzinfo is None else adapt_datetime(value)

        return datetime_value
    if internal == "DateField":
        adapt_date = connection.ops.adapt_datefield_value
        return lambda v: None if v is None else adapt_date(dt.date.fromisoformat(v))
    return slow


# --- Archive members -----------------------------------------------------------------------


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _manifest_checksum(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class _HashingReader:
    """Hashes what tarfile reads from a file, so the manifest's SHA-256 is of the bytes stored."""

    def __init__(self, fh: Any) -> None:
        self.fh, self.digest = fh, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def _media_files(root: Path) -> list[tuple[str, Path]]:
    """(archive name, path) of every regular file under MEDIA_ROOT, sorted; no symlinks."""
    if not root.is_dir():
        return []
    files: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        rel = here.relative_to(root)
        dirnames[:] = sorted(d for d in dirnames if not (rel == Path(".") and d.startswith(STAGING_PREFIX)))
        for name in sorted(filenames):
            path = here / name
            if path.is_symlink() or not path.is_file():
                continue
            files.append(((PurePosixPath("media") / rel.as_posix() / name).as_posix(), path))
    return files


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or not path.parts
        or path.parts[0] not in ("db", "media")
        or any(part in ("", ".", "..") for part in path.parts)
        or "\\" in name
    ):
        raise BackupError(f"the archive names a file outside its own tree ({name!r}): refusing it")
    return path


# --- Backup --------------------------------------------------------------------------------


@dataclass
class TableCount:
    """Rows of one table: in the archive, and after a restore in the database."""

    table: str
    model: str
    rows: int
    restored: int | None = None


@dataclass
class BackupSummary:
    """What :func:`backup` wrote."""

    path: Path
    size: int
    engine: str
    tables: list[TableCount]
    files: int
    media_bytes: int
    missing_files: list[str]
    seconds: float
    state_note: str = ""

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def amity_version() -> str:
    try:
        return metadata.version("amity")
    except metadata.PackageNotFoundError:  # running from a checkout that is not installed
        return "unknown"


@contextmanager
def _snapshot(using: str, workdir: Path) -> Iterator[str]:
    """A database alias that reads one point in time of ``using`` (SQLite: a copy in ``workdir``)."""
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("a backup cannot be taken inside a transaction")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with tempfile.TemporaryDirectory(prefix="snapshot-", dir=workdir) as tmp:
            copy = Path(tmp) / "snapshot.sqlite3"
            target = sqlite3.connect(copy)
            try:
                # One step: SQLite holds a read transaction for the whole copy; in WAL mode
                # writers go on meanwhile and their later commits are not in the copy.
                connection.connection.backup(target)
            finally:
                target.close()
            alias = f"amity_backup_{uuid.uuid4().hex}"
            connections.settings[alias] = {**connection.settings_dict, "NAME": str(copy), "OPTIONS": {}}
            try:
                yield alias
            finally:
                connections[alias].close()
                del connections[alias]
                del connections.settings[alias]
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                # The first statement of the transaction: every read below sees one snapshot.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield using
    else:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")


def _sequences(connection: BaseDatabaseWrapper, models: dict[str, type[Model]]) -> dict[str, int | None]:
    """table → the last id its auto-increment handed out (None: none yet), so a restore
    continues numbering where the original would have."""
    qn = connection.ops.quote_name
    result: dict[str, int | None] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
            if cursor.fetchone():
                cursor.execute("SELECT name, seq FROM sqlite_sequence")
                seqs = dict(cursor.fetchall())
                result = {t: seqs[t] for t in models if t in seqs}
            return result
        for table, model in models.items():
            pk = model._meta.pk
            if not isinstance(pk, AutoFieldMixin):
                continue
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [qn(table), pk.column])
            sequence = cursor.fetchone()[0]
            if not sequence:
                continue
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last, called = cursor.fetchone()
            issued = last if called else last - 1
            result[table] = issued if issued >= 1 else None
    return result


def _dump_table(
    connection: BaseDatabaseWrapper, model: type[Model], alias: str, out: Path, file_names: set[str]
) -> tuple[int, str, int]:
    """Write the rows of one table as JSON lines, by primary key; (rows, sha256, bytes)."""
    columns = _columns(model)
    file_columns = [i for i, f in enumerate(columns) if f.get_internal_type() == "FileField"]
    queryset = (
        model._base_manager.using(alias).order_by("pk").values_list(*[f.attname for f in columns])
    ).iterator(chunk_size=2000)
    digest, rows, size = hashlib.sha256(), 0, 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_encode_default).encode
    with out.open("wb") as fh:
        buffer: list[str] = []
        for row in queryset:
            buffer.append(dumps(row))
            for i in file_columns:
                if row[i]:
                    file_names.add(row[i])
            rows += 1
            if len(buffer) >= BATCH:
                data = ("\n".join(buffer) + "\n").encode()
                digest.update(data)
                size += len(data)
                fh.write(data)
                buffer = []
        if buffer:
            data = ("\n".join(buffer) + "\n").encode()
            digest.update(data)
            size += len(data)
            fh.write(data)
    return rows, digest.hexdigest(), size


def _open_for_writing(path: Path) -> tuple[Path, Any]:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return partial, os.fdopen(fd, "wb")


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


def backup(
    path: str | os.PathLike[str], *, using: str = DEFAULT_DB_ALIAS, overwrite: bool = False, log: Log = _quiet
) -> BackupSummary:
    """Write a backup of the database ``using`` and of MEDIA_ROOT to ``path``.

    The archive appears under its name only once it is complete (written beside it, synced,
    then renamed); it is readable by its owner only, since it holds password hashes and secrets.
    """
    started = time.monotonic()
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists: choose another name or pass --overwrite")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: no such directory")
    compressed = not path.name.endswith(".tar")
    created_at = dt.datetime.now(dt.UTC)
    media_root = Path(settings.MEDIA_ROOT)
    if path.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(f"{path} is inside MEDIA_ROOT ({media_root}): keep backups elsewhere")
    file_names: set[str] = set()
    # Work files (the SQLite copy, the rows before they go into the archive) beside the archive:
    # where the backups go is where there is room for them.
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.", suffix=".work", dir=path.parent) as tmp:
        staging = Path(tmp)
        with _snapshot(using, staging) as alias:
            snap = connections[alias]
            state = applied_migrations(snap)
            if not state:
                raise BackupError("the database has no migrations applied: there is nothing to back up")
            models = models_at(snap, state)
            existing = set(snap.introspection.table_names())
            missing_tables = [t for t in models if t not in existing]
            if missing_tables:
                raise BackupError(
                    "the database lacks tables its migration state should have "
                    f"({', '.join(missing_tables[:5])}): it does not match django_migrations"
                )
            log(f"Database snapshot taken ({snap.vendor}); writing {len(models)} tables …")
            tables: dict[str, dict[str, Any]] = {}
            members: dict[str, dict[str, Any]] = {}
            counts: list[TableCount] = []
            for table, model in models.items():
                member = f"db/{table}.jsonl"
                rows, sha, size = _dump_table(snap, model, alias, staging / f"{table}.jsonl", file_names)
                tables[table] = {
                    "model": model._meta.label,
                    "rows": rows,
                    "columns": [[f.column, f.get_internal_type()] for f in _columns(model)],
                    "member": member,
                }
                members[member] = {"sha256": sha, "size": size}
                counts.append(TableCount(table, model._meta.label, rows))
            for table, last in _sequences(snap, models).items():
                tables[table]["sequence"] = last
            vendor = snap.vendor
            server = snap.Database.sqlite_version if vendor == "sqlite" else str(snap.pg_version)
        # Files are read after the snapshot. Uploads are never rewritten or deleted (stored
        # under their SHA-256 and archived with their rows), so every file the snapshot names
        # is still there; one uploaded meanwhile is carried along unreferenced.
        log("Reading uploaded files …")
        media: list[tuple[str, Path, int, float]] = []
        for name, file in _media_files(media_root):
            try:
                sha, size = _sha256_file(file)
            except FileNotFoundError:  # removed since the listing: not in the snapshot's files
                continue
            members[name] = {"sha256": sha, "size": size}
            media.append((name, file, size, file.stat().st_mtime))
        media_names = {name.removeprefix("media/") for name, *_ in media}
        missing_files = sorted(n for n in file_names if n not in media_names)
        code_state = migrations_on_disk()
        state_note = _state_note(state, code_state)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "amity_version": amity_version(),
            "created_at": created_at.isoformat(),
            "database": {"engine": vendor, "server_version": server},
            "migrations": state,
            "tables": tables,
            "media": {
                "files": len(media),
                "bytes": sum(size for _, _, size, _ in media),
                "missing": missing_files,
            },
            "members": members,
        }
        manifest["checksum"] = _manifest_checksum(manifest)
        manifest_bytes = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
        log(f"Writing {path} …")
        partial, raw = _open_for_writing(path)
        try:
            with raw:
                mode = "w:gz" if compressed else "w"
                options = {"compresslevel": 6} if compressed else {}
                with tarfile.open(fileobj=raw, mode=mode, format=tarfile.PAX_FORMAT, **options) as tar:
                    stamp = created_at.timestamp()
                    tar.addfile(_tarinfo(MANIFEST, len(manifest_bytes), stamp), io.BytesIO(manifest_bytes))
                    for table, info in tables.items():
                        file = staging / f"{table}.jsonl"
                        with file.open("rb") as fh:
                            tar.addfile(_tarinfo(info["member"], members[info["member"]]["size"], stamp), fh)
                    for name, file, size, mtime in media:
                        try:
                            with file.open("rb") as fh:
                                reader = _HashingReader(fh)
                                tar.addfile(_tarinfo(name, size, mtime), reader)
                        except OSError as exc:
                            raise BackupError(
                                f"{file} changed while it was backed up ({exc}): run again"
                            ) from exc
                        if reader.digest.hexdigest() != members[name]["sha256"]:
                            raise BackupError(f"{file} changed while it was backed up: run the backup again")
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, path)
            _fsync_directory(path.parent)
        except BaseException:
            with suppress(FileNotFoundError):
                partial.unlink()
            raise
    return BackupSummary(
        path=path,
        size=path.stat().st_size,
        engine=vendor,
        tables=counts,
        files=len(media),
        media_bytes=manifest["media"]["bytes"],
        missing_files=missing_files,
        seconds=time.monotonic() - started,
        state_note=state_note,
    )


def migrations_on_disk() -> State:
    """The state ``migrate`` would bring a database to with this code: every migration."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state: dict[str, list[str]] = {}
    for app, name in loader.graph.nodes:
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _state_note(state: State, code: State) -> str:
    pending = len(_nodes(code) - _nodes(state))
    if pending:
        return (
            f"The database is {pending} migration(s) behind this version of Amity; it was backed up "
            "as it is (restore it with the same version, or with --migrate)."
        )
    return ""


def describe_differences(archive: State, here: State) -> list[str]:
    """One line per app whose migrations differ: where the archive is, where this database is."""
    lines = []
    for app in sorted(set(archive) | set(here)):
        theirs, ours = archive.get(app, []), here.get(app, [])
        if theirs == ours:
            continue
        line = (
            f"{app}: the archive is at {theirs[-1] if theirs else '(no migrations)'}, "
            f"this installation at {ours[-1] if ours else '(no migrations)'}"
        )
        only_archive = [n for n in theirs if n not in ours]
        only_here = [n for n in ours if n not in theirs]
        if only_archive and only_here:
            line += f" (only in the archive: {', '.join(only_archive)}; only here: {', '.join(only_here)})"
        lines.append(line)
    return lines


# --- Restore -------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    """What :func:`restore` loaded, or with ``dry_run`` only verified."""

    path: Path
    manifest: dict[str, Any]
    tables: list[TableCount]
    files: int
    media_bytes: int
    seconds: float
    engine: str
    checked_only: bool = False
    migrated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: With ``dry_run``: why a restore into this database would be refused (empty: it would not).
    refusals: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


class _Archive:
    """Reads an archive once, front to back: the manifest, then every member into staging."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by close()
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            raise BackupError(f"{path} is not an Amity backup, or it is damaged ({exc})") from None

    def close(self) -> None:
        self.tar.close()

    def _next(self, reading: str) -> tarfile.TarInfo | None:
        try:
            return self.tar.next()
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            raise BackupError(f"the archive is corrupt or truncated (after {reading}): {exc}") from None

    def manifest(self) -> dict[str, Any]:
        first = self._next("its start")
        if first is None or first.name != MANIFEST or not first.isfile():
            raise BackupError(f"{self.path} is not an Amity backup: it does not start with {MANIFEST}")
        try:
            raw = self.tar.extractfile(first).read()  # type: ignore[union-attr]
            manifest = json.loads(raw)
        except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as exc:
            raise BackupError(f"the archive is corrupt: {MANIFEST} cannot be read ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"{self.path} is not an Amity backup ({MANIFEST} is of another format)")
        if manifest.get("checksum") != _manifest_checksum(manifest):
            raise BackupError(f"the archive is corrupt: checksum mismatch in {MANIFEST}")
        version = manifest.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise BackupError(
                f"the archive is of backup format {version}, made by Amity {manifest.get('amity_version')}; "
                f"this version reads format {FORMAT_VERSION} and older: restore it with a newer Amity"
            )
        for key in ("migrations", "tables", "members", "media", "database"):
            if not isinstance(manifest.get(key), dict):
                raise BackupError(f"the archive is corrupt: {MANIFEST} has no {key!r}")
        return manifest

    def extract(self, manifest: dict[str, Any], staging: Path, log: Log) -> None:
        """Write every member under ``staging``, checking its size and SHA-256 against the manifest."""
        expected: dict[str, dict[str, Any]] = manifest["members"]
        seen: set[str] = set()
        last = MANIFEST
        while (member := self._next(last)) is not None:
            name = member.name
            if name not in expected or name in seen:
                raise BackupError(f"the archive is corrupt: {name!r} is not listed in its manifest")
            if not member.isfile():
                raise BackupError(f"the archive is corrupt: {name!r} is not a regular file")
            target = staging / _safe_member_path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            source = self.tar.extractfile(member)
            assert source is not None
            try:
                out = target.open("wb")
            except OSError as exc:
                raise BackupError(f"cannot write the staging directory: {exc}") from None
            with out:
                while True:
                    try:
                        chunk = source.read(CHUNK)
                    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
                        raise BackupError(
                            f"the archive is corrupt or truncated (reading {name}): {exc}"
                        ) from None
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
                    try:
                        out.write(chunk)
                    except OSError as exc:  # a full disk, not a bad archive
                        raise BackupError(f"cannot write the staging directory: {exc}") from None
            if size != expected[name].get("size") or digest.hexdigest() != expected[name].get("sha256"):
                raise BackupError(f"the archive is corrupt: checksum mismatch in {name}")
            seen.add(name)
            last = name
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(
                f"the archive is truncated or incomplete: {len(missing)} member(s) missing, "
                f"the first {missing[0]}"
            )
        log(f"Archive verified: {len(seen)} members match their SHA-256.")


def _count(connection: BaseDatabaseWrapper, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def occupancy(connection: BaseDatabaseWrapper, models: dict[str, type[Model]]) -> dict[str, int]:
    """Rows in the tables that make a database 'not empty' (users, organizations)."""
    by_label = {m._meta.label_lower: t for t, m in models.items()}
    existing = set(connection.introspection.table_names())
    result = {}
    for label in OCCUPANCY_MODELS:
        table = by_label.get(label.lower())
        if table and table in existing:
            result[models[table]._meta.verbose_name_plural] = _count(connection, table)
    return {what: n for what, n in result.items() if n}


def _flush(connection: BaseDatabaseWrapper, tables: list[str]) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            # TRUNCATE makes new files for a table and its indexes: only where there are rows,
            # and the tables referring to those (CASCADE; every table is being emptied anyway).
            filled = []
            for table in tables:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {qn(table)})")
                if cursor.fetchone()[0]:
                    filled.append(table)
            if filled:
                cursor.execute(f"TRUNCATE {', '.join(qn(t) for t in filled)} CASCADE")
        else:
            # Foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at the commit.
            for table in tables:
                cursor.execute(f"DELETE FROM {qn(table)}")


def _check_columns(manifest: dict[str, Any], models: dict[str, type[Model]]) -> None:
    archived, here = set(manifest["tables"]), set(models)
    if archived != here:
        only_archive, only_here = sorted(archived - here), sorted(here - archived)
        raise BackupError(
            "the archive's tables differ from this database's although their migrations match "
            f"(only in the archive: {', '.join(only_archive) or '-'}; only here: {', '.join(only_here) or '-'})"
        )
    for table, info in manifest["tables"].items():
        if info.get("member") != f"db/{table}.jsonl" or info["member"] not in manifest["members"]:
            raise BackupError(f"the archive is corrupt: its manifest has no rows member for {table}")
        theirs = [c[0] for c in info["columns"]]
        ours = [f.column for f in _columns(models[table])]
        if sorted(theirs) != sorted(ours):
            raise BackupError(
                f"the archive's columns of {table} differ from this database's: {theirs} against {ours}"
            )


def _load_table(
    connection: BaseDatabaseWrapper, table: str, model: type[Model], info: dict[str, Any], source: Path
) -> int:
    by_column = {f.column: f for f in _columns(model)}
    columns = [c[0] for c in info["columns"]]
    decoders = [
        (i, decode)
        for i, c in enumerate(columns)
        if (decode := _decoder(by_column[c], connection)) is not None
    ]

    def values_of() -> Iterator[list[Any]]:
        with source.open("rb") as fh:
            for number, line in enumerate(fh, start=1):
                try:
                    values = json.loads(line)
                    if not isinstance(values, list) or len(values) != len(columns):
                        raise ValueError(f"{len(columns)} values expected")
                    for i, decode in decoders:
                        values[i] = decode(values[i])
                except (ValueError, TypeError, ValidationError) as exc:
                    raise BackupError(f"row {number} of {table} cannot be loaded: {exc}") from None
                yield values

    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    rows = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the server's bulk path, several times faster than INSERTs.
            with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                for values in values_of():
                    copy.write_row(values)
                    rows += 1
            return rows
        sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[list[Any]] = []
        for values in values_of():
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                rows += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            rows += len(batch)
    return rows


def _restore_sequences(
    connection: BaseDatabaseWrapper, manifest: dict[str, Any], models: dict[str, type[Model]]
) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, model in models.items():
            pk = model._meta.pk
            if not isinstance(pk, AutoFieldMixin):
                continue
            last = manifest["tables"][table].get("sequence")
            cursor.execute(f"SELECT MAX({qn(pk.column)}) FROM {qn(table)}")
            highest = max(cursor.fetchone()[0] or 0, last or 0)
            if connection.vendor == "sqlite":
                # Exactly as the source: no row when nothing was ever numbered.
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                if last is not None or highest:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest]
                    )
            else:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
                    [qn(table), pk.column, max(highest, 1), highest >= 1],
                )


def _load(
    connection: BaseDatabaseWrapper,
    manifest: dict[str, Any],
    models: dict[str, type[Model]],
    db_dir: Path,
    log: Log,
) -> list[TableCount]:
    """Replace every row (inside the caller's transaction) and check the counts."""
    _check_columns(manifest, models)
    with _large_cache(connection):
        return _replace_rows(connection, manifest, models, db_dir, log)


@contextmanager
def _large_cache(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """SQLite: a page cache of 128 MiB while loading (the default is 2 MiB), so that the pages
    of the indexes being filled stay in memory instead of going to the log and back."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {min(int(before), -SQLITE_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _replace_rows(
    connection: BaseDatabaseWrapper,
    manifest: dict[str, Any],
    models: dict[str, type[Model]],
    db_dir: Path,
    log: Log,
) -> list[TableCount]:
    _flush(connection, list(models))
    counts = []
    total = sum(info["rows"] for info in manifest["tables"].values())
    log(f"Loading {total:,} rows into {len(models)} tables …")
    for table, model in models.items():
        info = manifest["tables"][table]
        try:
            loaded = _load_table(connection, table, model, info, db_dir / f"{table}.jsonl")
        except DatabaseError as exc:
            raise BackupError(f"the database refused a row of {table}: {exc}") from None
        if loaded != info["rows"]:
            raise BackupError(
                f"the archive is corrupt: {table} holds {loaded} rows, its manifest says {info['rows']}"
            )
        counts.append(TableCount(table, info["model"], info["rows"]))
    _restore_sequences(connection, manifest, models)
    for count in counts:
        count.restored = _count(connection, count.table)
    wrong = [c for c in counts if c.restored != c.rows]
    if wrong:
        raise BackupError(
            "row counts differ after loading: "
            + ", ".join(f"{c.table} {c.restored} (archive {c.rows})" for c in wrong[:5])
        )
    try:
        # Every foreign key resolved (SQLite: PRAGMA foreign_key_check; PostgreSQL: the
        # deferred constraints, checked now; they stay immediate for the rest of the work).
        connection.check_constraints()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except DatabaseError as exc:
        raise BackupError(f"the restored rows break a constraint: {exc}") from None
    return counts


class _MediaSwap:
    """Moves MEDIA_ROOT's entries aside and the staged ones in (renames); can move them back."""

    def __init__(self, root: Path, staging: Path) -> None:
        self.root, self.new, self.old = root, staging / "media", staging / "old-media"
        self.moves: list[tuple[Path, Path]] = []

    def swap_in(self) -> None:
        self.old.mkdir()
        for entry in sorted(self.root.iterdir()):
            if not entry.name.startswith(STAGING_PREFIX):
                self._move(entry, self.old / entry.name)
        if self.new.is_dir():
            for entry in sorted(self.new.iterdir()):
                self._move(entry, self.root / entry.name)

    def _move(self, source: Path, target: Path) -> None:
        source.rename(target)
        self.moves.append((source, target))

    def swap_back(self) -> None:
        for source, target in reversed(self.moves):
            with suppress(OSError):
                target.rename(source)
        self.moves = []


def _verify_media(staged: Path, manifest: dict[str, Any]) -> int:
    """Read every staged file back from disk and check it against the manifest."""
    count = 0
    for name, info in manifest["members"].items():
        if not name.startswith("media/"):
            continue
        sha, size = _sha256_file(staged / name.removeprefix("media/"))
        if sha != info["sha256"] or size != info["size"]:
            raise BackupError(f"{name} does not match its SHA-256 once written to disk")
        count += 1
    return count


def _leaf(loader: MigrationLoader, nodes: list[tuple[str, str]]) -> tuple[str, str]:
    for node in nodes:
        ancestors = set(loader.graph.forwards_plan(node))
        if all(other in ancestors for other in nodes):
            return node
    raise BackupError(f"the archive's migrations of {nodes[0][0]} do not form a line: cannot --migrate")


def _plan_migrate(connection: BaseDatabaseWrapper, archive: State) -> list[tuple[str, str | None]]:
    """The targets that take this (fully migrated) database back to the archive's state."""
    executor = MigrationExecutor(connection)
    loader = executor.loader
    unknown = _unknown_migrations(loader, archive)
    if unknown:
        raise BackupError(
            "--migrate cannot help: the archive has migrations this version of Amity does not have "
            f"({', '.join(unknown[:5])}); restore it with a version at least as new as the one that made it"
        )
    if executor.migration_plan(loader.graph.leaf_nodes()):
        raise BackupError(
            "this database is not fully migrated: run 'amity migrate' first, then restore --migrate"
        )
    targets: list[tuple[str, str | None]] = []
    for app in sorted(loader.migrated_apps):
        nodes = sorted(n for n in _nodes(archive) if n[0] == app and n in loader.graph.nodes)
        targets.append(_leaf(loader, nodes) if nodes else (app, None))
    plan = executor.migration_plan(targets)
    if any(not backwards for _, backwards in plan):
        raise BackupError("the archive is ahead of this installation in some app: --migrate cannot help")
    return targets


def _migrate_back(connection: BaseDatabaseWrapper, targets: list[tuple[str, str | None]]) -> None:
    """Unapply migrations down to ``targets`` with Django's own ``unapply_migration``.

    ``MigrationExecutor.migrate`` would do the same, but it renders the models once and then
    replays every later migration on the rendered state (minutes for a few migrations here);
    the state before each migration, computed unrendered from the graph, costs a fraction.
    """
    executor = MigrationExecutor(connection)
    loader = executor.loader
    plan = executor.migration_plan(targets)
    if any(not backwards for _, backwards in plan):
        raise BackupError("the archive is ahead of this installation in some app: --migrate cannot help")
    applied = set(loader.applied_migrations) & set(loader.graph.nodes)
    for migration, _ in plan:  # dependents first
        applied.discard((migration.app_label, migration.name))
        state = loader.graph.make_state(nodes=sorted(applied), at_end=True, real_apps=loader.unmigrated_apps)
        executor.unapply_migration(state, migration)


@contextmanager
def _sqlite_guard(connection: BaseDatabaseWrapper, staging: Path) -> Iterator[None]:
    """All-or-nothing for work SQLite cannot do in one transaction (migrations): a copy of the
    database first, put back with the backup API if anything fails."""
    copy = staging / "before.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    try:
        yield
    except BaseException:
        connection.close()
        source, live = sqlite3.connect(copy), sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(live)
        finally:
            source.close()
            live.close()
        raise


def restore(
    path: str | os.PathLike[str],
    *,
    using: str = DEFAULT_DB_ALIAS,
    force: bool = False,
    migrate: bool = False,
    dry_run: bool = False,
    log: Log = _quiet,
) -> RestoreSummary:
    """Replace the database ``using`` and MEDIA_ROOT with the archive at ``path``.

    Refuses, writing nothing, a damaged archive, an archive of another migration state (unless
    ``migrate``: back to the archive's state, load, migrate forward) and a database that is
    not empty (unless ``force``). ``dry_run`` verifies the archive and these conditions only.
    """
    started = time.monotonic()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("a restore cannot run inside a transaction")
    media_root = Path(settings.MEDIA_ROOT)
    archive = _Archive(path)
    try:
        manifest = archive.manifest()
        notes = []
        if manifest["database"].get("engine") != connection.vendor:
            notes.append(
                f"The archive is of {manifest['database'].get('engine')}; restoring into {connection.vendor}."
            )
        if manifest.get("amity_version") != amity_version():
            notes.append(
                f"The archive was made by Amity {manifest.get('amity_version')}; this is {amity_version()}."
            )
        here = applied_migrations(connection)
        refusals = _refusals(connection, manifest, here, force=force, migrate=migrate)
        if refusals and not dry_run:
            raise BackupError(refusals[0])
        targets: list[tuple[str, str | None]] = []
        if migrate and not refusals and describe_differences(manifest["migrations"], here):
            targets = _plan_migrate(connection, manifest["migrations"])
        current_models = models_at(connection, here)
        created_root = not dry_run and not media_root.exists()
        if created_root:
            media_root.mkdir(parents=True)
        # Staged inside MEDIA_ROOT, so that putting the files in place is a few renames.
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=None if dry_run else media_root))
        try:
            archive.extract(manifest, staging, log)
            archive.close()
            files = sum(1 for name in manifest["members"] if name.startswith("media/"))
            media_bytes = sum(i["size"] for n, i in manifest["members"].items() if n.startswith("media/"))

            def summary(tables: list[TableCount], **more: Any) -> RestoreSummary:
                return RestoreSummary(
                    path=path,
                    manifest=manifest,
                    tables=tables,
                    files=files,
                    media_bytes=media_bytes,
                    seconds=time.monotonic() - started,
                    engine=connection.vendor,
                    notes=notes,
                    **more,
                )

            if dry_run:
                counts = [TableCount(t, i["model"], i["rows"]) for t, i in manifest["tables"].items()]
                return summary(counts, checked_only=True, refusals=refusals)
            swap = _MediaSwap(media_root, staging)
            if targets:
                counts, migrated = _restore_migrating(connection, manifest, staging, targets, swap, log)
            else:
                counts, migrated = (
                    _restore_same_state(connection, manifest, staging, current_models, swap, log),
                    [],
                )
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if created_root:
                with suppress(OSError):
                    media_root.rmdir()
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        archive.close()
    _analyze(connection, [t.table for t in counts if t.rows], log)
    return summary(counts, migrated=migrated)


def _analyze(connection: BaseDatabaseWrapper, tables: list[str], log: Log) -> None:
    """Fresh planner statistics for the tables that got rows (SQLite keeps none by itself)."""
    qn = connection.ops.quote_name
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if tables:
                    cursor.execute(f"ANALYZE {', '.join(qn(t) for t in tables)}")
            else:
                for table in tables:
                    cursor.execute(f"ANALYZE {qn(table)}")
    except DatabaseError as exc:  # statistics only: the restore itself is done
        log(f"ANALYZE failed ({exc}); run it later for the best query plans.")


def _refusals(
    connection: BaseDatabaseWrapper, manifest: dict[str, Any], here: State, *, force: bool, migrate: bool
) -> list[str]:
    """Why this database cannot take the archive (another migration state, not empty)."""
    refusals = []
    differences = describe_differences(manifest["migrations"], here)
    if differences and not migrate:
        refusals.append(
            "the archive's migration state differs from this installation's:\n  "
            + "\n  ".join(differences)
            + f"\nRestore it with the version of Amity that made it ({manifest.get('amity_version')}), "
            "or pass --migrate to restore it into its own state and migrate forward."
        )
    elif differences:
        try:
            _plan_migrate(connection, manifest["migrations"])
        except BackupError as exc:
            refusals.append(str(exc))
    occupied = occupancy(connection, models_at(connection, here))
    if occupied and not force:
        what = " and ".join(f"{n} {label}" for label, n in occupied.items())
        refusals.append(
            f"this database is not empty (it has {what}): restore replaces everything in it; "
            "pass --force to do so"
        )
    return refusals


def _media_into_place(swap: _MediaSwap, manifest: dict[str, Any], log: Log) -> None:
    """Last step before the commit: the staged files, read back and verified, are renamed into
    MEDIA_ROOT (the callers rename them back if the commit fails)."""
    count = _verify_media(swap.new, manifest)
    swap.swap_in()
    log(f"{count} uploaded files verified (SHA-256) and put in place.")


def _restore_same_state(
    connection: BaseDatabaseWrapper,
    manifest: dict[str, Any],
    staging: Path,
    models: dict[str, type[Model]],
    swap: _MediaSwap,
    log: Log,
) -> list[TableCount]:
    try:
        with transaction.atomic(using=connection.alias):
            counts = _load(connection, manifest, models, staging / "db", log)
            _media_into_place(swap, manifest, log)
    except BaseException:
        swap.swap_back()
        raise
    return counts


def _restore_migrating(
    connection: BaseDatabaseWrapper,
    manifest: dict[str, Any],
    staging: Path,
    targets: list[tuple[str, str | None]],
    swap: _MediaSwap,
    log: Log,
) -> tuple[list[TableCount], list[str]]:
    """Empty this database, migrate it back to the archive's state, load, migrate forward.

    PostgreSQL does it in one transaction (its DDL is transactional); SQLite cannot migrate
    inside a transaction, so it is copied first and the copy put back on any failure.
    """
    from django.core.management import call_command

    guard = (
        _sqlite_guard(connection, staging)
        if connection.vendor == "sqlite"
        else transaction.atomic(using=connection.alias)
    )
    try:
        with guard:
            here = applied_migrations(connection)
            with transaction.atomic(using=connection.alias):
                _flush(connection, list(models_at(connection, here)))
            log("Migrating this database back to the archive's state …")
            _migrate_back(connection, targets)
            models = models_at(connection, manifest["migrations"])
            with transaction.atomic(using=connection.alias):
                counts = _load(connection, manifest, models, staging / "db", log)
            before = _nodes(applied_migrations(connection))
            log("Migrating forward to this version of Amity …")
            call_command("migrate", database=connection.alias, interactive=False, verbosity=0)
            migrated = sorted(f"{a}.{n}" for a, n in _nodes(applied_migrations(connection)) - before)
            _media_into_place(swap, manifest, log)
    except BaseException:
        swap.swap_back()
        raise
    return counts, migrated


def summary_table(tables: list[TableCount], *, restored: bool) -> list[str]:
    """Lines of a plain table of the non-empty tables (restored: archive and database rows)."""
    shown = [t for t in tables if t.rows or (t.restored or 0)]
    width = max([len(t.table) for t in shown] + [5])
    head = f"{'table'.ljust(width)}  {'archive':>9}" + (f"  {'restored':>9}" if restored else "")
    lines = [head, "-" * len(head)]
    for t in shown:
        line = f"{t.table.ljust(width)}  {t.rows:>9,}"
        if restored:
            mark = "" if t.restored == t.rows else "  MISMATCH"
            line += f"  {format(t.restored, ',') if t.restored is not None else '-':>9}{mark}"
        lines.append(line)
    empty = len(tables) - len(shown)
    total = sum(t.rows for t in tables)
    lines.append("-" * len(head))
    lines.append(f"{len(tables)} tables ({empty} empty, not listed), {total:,} rows")
    return lines
