"""``amity backup`` and ``amity restore``: a verified snapshot that restores into an identical Amity.

The commands run for real, in subprocesses, against SQLite files in a temporary directory: a
freshly migrated installation (copied for every target), and a copy of it holding the demo
portfolio with its uploaded agreement documents and proofs. Comparisons read the SQLite files
directly (every table's rows, sqlite_sequence included), independent of the backup format.
With AMITY_TEST_DATABASE_URL pointing at PostgreSQL, scratch databases on that server take the
archive too (SQLite → PostgreSQL → SQLite, and PostgreSQL → PostgreSQL).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Install:
    """An Amity installation: a SQLite database (or a PostgreSQL URL) and a var/ directory."""

    db: Path | None
    var: Path
    url: str = ""

    @property
    def database_url(self) -> str:
        return self.url or f"sqlite:///{self.db}"

    @property
    def media(self) -> Path:
        return self.var / "media"

    def copy(self, root: Path, name: str) -> Install:
        """A copy (database through SQLite's backup API, and the media tree)."""
        assert self.db is not None
        target = Install(root / f"{name}.sqlite3", root / f"{name}-var")
        source, copy = sqlite3.connect(self.db), sqlite3.connect(target.db)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        if self.media.exists():
            shutil.copytree(self.media, target.media)
        else:
            target.var.mkdir()
        return target


def amity(
    install: Install, *args: str, ok: bool = True, tmpdir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AMITY_TEST_DATABASE_URL"}
    env.update(DATABASE_URL=install.database_url, AMITY_VAR_DIR=str(install.var))
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    result = subprocess.run(
        [sys.executable, "-m", "amity.cli", *args, "--skip-checks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if ok and result.returncode != 0:
        pytest.fail(f"amity {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def _normal_json(value: object) -> object:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            pass
    return value


def rows_of(db: Path, *, portable: bool = False) -> dict[str, list[tuple]]:
    """Every table's rows, sorted; django_migrations by (app, name) only (not when applied).

    ``portable``: JSON text compared by value (PostgreSQL's jsonb orders keys its own way) and
    sequences that never issued an id left out (SQLite may keep them at 0, PostgreSQL cannot).
    """
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            t
            for (t,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not t.startswith("sqlite_stat")  # planner statistics (restore runs ANALYZE), not data
        ]
        dump = {}
        for table in sorted(tables):
            if table == "django_migrations":
                dump[table] = sorted(connection.execute("SELECT app, name FROM django_migrations"))
                continue
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
            if portable:
                rows = [tuple(_normal_json(v) for v in row) for row in rows]
                if table == "sqlite_sequence":
                    rows = [row for row in rows if row[1]]
            dump[table] = sorted(rows, key=repr)
        return dump
    finally:
        connection.close()


def files_of(media: Path) -> dict[str, str]:
    """relative path → SHA-256 of every file under MEDIA_ROOT (staging leftovers included)."""
    if not media.exists():
        return {}
    return {
        path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }


def state_of(install: Install) -> tuple[dict[str, list[tuple]], dict[str, str], list[str]]:
    leftovers = (
        sorted(p.name for p in install.media.glob(".amity-restore-*")) if install.media.exists() else []
    )
    assert install.db is not None
    return rows_of(install.db), files_of(install.media), leftovers


def members_of(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive) as tar:
        return [(member, tar.extractfile(member).read()) for member in tar]  # type: ignore[union-attr]


def manifest_checksum(manifest: dict) -> str:
    """As docs/backup.md specifies it: SHA-256 of the manifest without "checksum", as JSON with
    sorted keys and no spaces."""
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def repack(archive: Path, out: Path, edit: Callable[[str, bytes], bytes], *, consistent: bool) -> None:
    """A copy of ``archive`` with members changed by ``edit``; ``consistent``: the manifest's
    checksums are recomputed (as a bug could), otherwise they are left as they were."""
    members = members_of(archive)
    manifest = json.loads(members[0][1])
    changed = []
    for member, data in members[1:]:
        new = edit(member.name, data)
        if consistent and new != data:
            manifest["members"][member.name] = {"sha256": hashlib.sha256(new).hexdigest(), "size": len(new)}
        changed.append((member.name, new))
    if consistent:
        manifest["checksum"] = manifest_checksum(manifest)
    with tarfile.open(out, "w:gz") as tar:
        for name, data in [("manifest.json", json.dumps(manifest).encode()), *changed]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@contextmanager
def open_write_transaction(db: Path) -> Iterator[None]:
    """Another connection in the middle of a write, as a running Amity would be."""
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE partners_organization SET name = name || ' (not committed)'")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


@dataclass
class Sites:
    root: Path
    pristine: Install
    source: Install
    archive: Path
    backup_output: str

    def target(self, name: str, of: Install | None = None) -> Install:
        return (of or self.pristine).copy(self.root, name)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Sites:
    root = tmp_path_factory.mktemp("backup")
    pristine = Install(root / "pristine.sqlite3", root / "pristine-var")
    amity(pristine, "migrate", "--verbosity", "0")
    source = pristine.copy(root, "source")
    amity(source, "demo", "--no-serve")
    archive = root / "source.tar.gz"
    with open_write_transaction(source.db):  # type: ignore[arg-type]
        result = amity(source, "backup", str(archive))
    return Sites(root, pristine, source, archive, result.stdout)


def test_the_backup_is_one_archive_with_a_manifest_of_checksums_and_row_counts(sites):
    members = members_of(sites.archive)
    first, raw = members[0]
    assert first.name == "manifest.json"
    manifest = json.loads(raw)
    assert manifest["format"] == "amity-backup" and manifest["format_version"] == 1
    assert manifest["amity_version"] and manifest["created_at"]
    assert manifest["database"]["engine"] == "sqlite"
    assert manifest["checksum"] == manifest_checksum(manifest)
    source_rows = rows_of(sites.source.db)
    migrations: dict[str, list[str]] = {}
    for app, name in source_rows["django_migrations"]:
        migrations.setdefault(app, []).append(name)
    assert manifest["migrations"] == {app: sorted(names) for app, names in migrations.items()}
    # Every table, counted as it is in the database (not with the uncommitted write).
    expected_tables = set(source_rows) - {"django_migrations", "sqlite_sequence"}
    assert set(manifest["tables"]) == expected_tables
    for table, info in manifest["tables"].items():
        assert info["rows"] == len(source_rows[table]), table
    assert not any("(not committed)" in str(row) for row in source_rows["partners_organization"])
    # Every member listed with its SHA-256, and nothing else in the archive.
    stored = {member.name: data for member, data in members[1:]}
    assert set(stored) == set(manifest["members"])
    for name, data in stored.items():
        assert manifest["members"][name] == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    organizations = [json.loads(line) for line in stored["db/partners_organization.jsonl"].splitlines()]
    assert len(organizations) == manifest["tables"]["partners_organization"]["rows"] > 20
    assert not any("(not committed)" in json.dumps(row) for row in organizations)
    # The uploaded files: the demo's agreement documents among them.
    media = {
        name.removeprefix("media/"): m["sha256"]
        for name, m in manifest["members"].items()
        if name.startswith("media/")
    }
    assert media == files_of(sites.source.media)
    assert any(name.startswith("agreements/") for name in media)
    assert manifest["media"]["missing"] == []
    assert sites.archive.stat().st_mode & 0o777 == 0o600
    assert not [p.name for p in sites.root.iterdir() if p.name.startswith(".source.tar.gz")]  # work files
    assert "Backed up" in sites.backup_output


def test_restoring_into_an_empty_installation_gives_an_identical_amity(sites):
    target = sites.target("restored")
    result = amity(target, "restore", str(sites.archive))
    assert rows_of(target.db) == rows_of(sites.source.db)  # every table, sqlite_sequence too
    assert files_of(target.media) == files_of(sites.source.media)
    assert "alliances_alliance" in result.stdout and "rows counted as in the archive" in result.stdout
    assert "verified by SHA-256" in result.stdout


def test_a_database_that_is_not_empty_is_refused_unless_forced(sites):
    target = sites.target("busy", of=sites.source)
    with sqlite3.connect(target.db) as db:
        db.execute("UPDATE partners_organization SET name = 'Changed since the backup' WHERE id = 2")
    (target.media / "agreements" / "added-later.pdf").write_bytes(b"%PDF-1.4 added after the backup")
    before = state_of(target)

    refused = amity(target, "restore", str(sites.archive), ok=False)

    assert refused.returncode == 2
    assert re.search(r"not empty \(it has \d+ users and \d+ organizations\)", refused.stderr)
    assert "pass --force" in refused.stderr
    assert state_of(target) == before

    amity(target, "restore", "--force", str(sites.archive))
    assert rows_of(target.db) == rows_of(sites.source.db)
    assert files_of(target.media) == files_of(sites.source.media)  # the later file is gone


def test_a_corrupt_archive_is_refused_naming_the_member_and_nothing_is_written(sites):
    corrupt = sites.root / "corrupt.tar.gz"
    repack(
        sites.archive,
        corrupt,
        lambda name, data: (
            data.replace(b"Halcyon", b"Halcyox") if name == "db/partners_organization.jsonl" else data
        ),
        consistent=False,
    )
    target = sites.target("after-corrupt")
    before = state_of(target)

    refused = amity(target, "restore", str(corrupt), ok=False)

    assert refused.returncode == 2
    assert "checksum mismatch in db/partners_organization.jsonl" in refused.stderr
    assert state_of(target) == before


def test_a_truncated_archive_is_refused_and_nothing_is_written(sites):
    truncated = sites.root / "truncated.tar.gz"
    data = sites.archive.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    target = sites.target("after-truncated")
    before = state_of(target)

    refused = amity(target, "restore", str(truncated), ok=False)

    assert refused.returncode == 2
    assert "corrupt or truncated" in refused.stderr
    assert state_of(target) == before


def test_an_archive_of_another_migration_state_is_refused_listing_the_difference(sites):
    target = sites.target("older-state")
    with sqlite3.connect(target.db) as db:
        latest = db.execute(
            "SELECT name FROM django_migrations WHERE app = 'alliances' ORDER BY name DESC LIMIT 2"
        ).fetchall()
        db.execute("DELETE FROM django_migrations WHERE app = 'alliances' AND name = ?", latest[0])
    before = state_of(target)

    refused = amity(target, "restore", str(sites.archive), ok=False)

    assert refused.returncode == 2
    assert (
        f"alliances: the archive is at {latest[0][0]}, this installation at {latest[1][0]}" in refused.stderr
    )
    assert "--migrate" in refused.stderr
    assert state_of(target) == before


def test_a_restore_that_fails_while_loading_leaves_the_database_and_files_as_they_were(sites):
    # Consistent checksums, but a foreign key of a late table points nowhere: every table
    # before it is emptied and loaded first, then the check fails and all of it is rolled back.
    manifest = json.loads(members_of(sites.archive)[0][1])
    table, column = next(
        (table, i)
        for table, info in sorted(manifest["tables"].items(), reverse=True)
        if info["rows"]
        for i, (name, kind) in enumerate(info["columns"])
        # History rows keep ids without a constraint; real foreign keys are checked.
        if kind == "ForeignKey" and "historical" not in table and not table.startswith("django_")
    )

    def dangling(name: str, data: bytes) -> bytes:
        if name != f"db/{table}.jsonl":
            return data
        lines = data.decode().splitlines()
        row = json.loads(lines[0])
        row[column] = 987654321
        return "\n".join([json.dumps(row), *lines[1:]]).encode() + b"\n"

    broken = sites.root / "dangling.tar.gz"
    repack(sites.archive, broken, dangling, consistent=True)
    target = sites.target("failed-load", of=sites.source)
    (target.media / "kept.txt").write_text("still here after the failed restore")
    before = state_of(target)

    refused = amity(target, "restore", "--force", str(broken), ok=False)

    assert refused.returncode == 2, refused.stdout
    assert "break a constraint" in refused.stderr and "Nothing was changed" in refused.stderr
    assert state_of(target) == before


def test_a_dry_run_verifies_the_archive_and_writes_nothing(sites):
    # As a nightly check on the live installation: the archive is verified, the database is
    # not empty so a real restore would need --force, and nothing is written.
    target = sites.target("dry-run", of=sites.source)
    before = state_of(target)
    scratch = sites.root / "dry-run-tmp"
    scratch.mkdir()
    result = amity(target, "restore", "--dry-run", str(sites.archive), tmpdir=scratch)
    assert "is intact: every member matches its SHA-256" in result.stdout
    assert "would be refused: this database is not empty" in result.stdout
    assert state_of(target) == before
    assert list(scratch.iterdir()) == []  # its staging directory is gone too


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture
def scratch_postgres(sites, postgres_scratch_url) -> Install:
    install = Install(None, sites.root / "postgres-var", postgres_scratch_url)
    install.var.mkdir(exist_ok=True)
    return install


def archived_rows(archive: Path) -> tuple[dict[str, list], dict[str, int | None]]:
    """Rows by table as parsed values (JSON objects compare by value), and the sequences."""
    members = members_of(archive)
    manifest = json.loads(members[0][1])
    rows = {
        member.name: [json.loads(line) for line in data.splitlines()]
        for member, data in members[1:]
        if member.name.startswith("db/")
    }
    sequences = {t: info.get("sequence") or None for t, info in manifest["tables"].items()}
    return rows, sequences


def test_postgresql_takes_the_sqlite_archive_and_gives_it_back(sites, scratch_postgres):
    postgres = scratch_postgres
    amity(postgres, "migrate", "--verbosity", "0")

    moved = amity(postgres, "restore", str(sites.archive))  # SQLite → PostgreSQL
    assert "The archive is of sqlite; restoring into postgresql." in moved.stdout
    assert files_of(postgres.media) == files_of(sites.source.media)
    pg_archive = sites.root / "postgres.tar.gz"
    amity(postgres, "backup", str(pg_archive))
    assert archived_rows(pg_archive) == archived_rows(sites.archive)

    back = sites.target("from-postgres")  # PostgreSQL → SQLite: the same rows as the source
    amity(back, "restore", str(pg_archive))
    assert rows_of(back.db, portable=True) == rows_of(sites.source.db, portable=True)

    amity(postgres, "restore", "--force", str(pg_archive))  # PostgreSQL → PostgreSQL
    again = sites.root / "postgres-again.tar.gz"
    amity(postgres, "backup", str(again))
    first = {m.name: data for m, data in members_of(pg_archive)[1:]}
    second = {m.name: data for m, data in members_of(again)[1:]}
    assert first == second  # byte for byte, every table and file
