"""A fresh, migrated database for a run - set up before ``django.setup()`` the way
``bench_import_db.prepare_database`` does (whose PostgreSQL drop-and-create it reuses).

Migrating Amity from scratch takes a minute or more on the 2-core box, so the migrated, empty
SQLite database is kept in a cache (``~/.cache/amity-bench``, or ``$AMITY_BENCH_CACHE``) keyed
by every migration file (Amity's and its apps'); a run copies it. The copy is as
fresh as a new migration (an empty schema) - ``--no-cache`` migrates anyway.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    base = os.environ.get("AMITY_BENCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "amity-bench"
    )
    return Path(base)


#: Packages whose migrations build Amity's schema besides Amity's own (INSTALLED_APPS).
MIGRATING_PACKAGES = ("django", "simple_history", "axes", "django_otp", "django_tasks", "django_tasks_db")


def schema_key() -> str:
    """A hash of every migration file that builds the schema: Amity's and its apps'."""
    digest = hashlib.sha256()
    roots = [ROOT / "src" / "amity"]
    for package in MIGRATING_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec and spec.submodule_search_locations:
            roots += [Path(p) for p in spec.submodule_search_locations]
    for root in roots:
        for path in sorted(root.glob("**/migrations/*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (WAL included), as one file."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def migrated_sqlite(target: Path, *, use_cache: bool = True, log=print) -> str:
    """Write a freshly migrated, empty SQLite database to ``target``; 'cache' or 'migrated'."""
    cached = cache_dir() / f"migrated-{schema_key()}.sqlite3"
    if use_cache and cached.exists():
        _copy_sqlite(cached, target)
        return "cache"
    log(f"migrating a fresh SQLite database (kept in {cached.parent} for the next runs) …")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{target}", DJANGO_SETTINGS_MODULE="amity.settings")
    env.pop("AMITY_TEST_DATABASE_URL", None)
    env.setdefault("AMITY_VAR_DIR", str(target.parent / "var"))
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    if use_cache:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        _copy_sqlite(target, partial)
        partial.replace(cached)
        for old in cached.parent.glob("migrated-*.sqlite3"):
            if old != cached:  # the schemas of earlier migration sets
                old.unlink(missing_ok=True)
    return "migrated"


def prepare(url: str | None, tmp: Path, *, existing: bool = False, use_cache: bool = True, log=print) -> str:
    """Point Django at the run's database and set it up; returns the vendor.

    ``url`` None: a fresh SQLite file in ``tmp``; a PostgreSQL URL: that database dropped and
    created (``bench_import_db.prepare_database``); ``existing``: the database at ``url`` as it is
    (no drop, no migration, no data written by the run except the benchmark's admin)."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_import_db import prepare_database

    if existing:
        if not url:
            raise SystemExit("--existing needs --database-url")
        os.environ["AMITY_VAR_DIR"] = str(tmp / "var")
        os.environ.setdefault("AMITY_SECRET_KEY", "bench-" + "x" * 50)
        os.environ.pop("AMITY_TEST_DATABASE_URL", None)
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "amity.settings"
        import django

        django.setup()
        from django.db import connection

        return connection.vendor
    if not url:
        migrated_sqlite(tmp / "bench.sqlite3", use_cache=use_cache, log=log)
    # Migrates (nothing to do for the copied SQLite file; everything on PostgreSQL).
    return prepare_database(url, tmp)


def database_label(url: str | None, vendor: str) -> str:
    if vendor == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
        return f"PostgreSQL {version}"
    return f"SQLite {sqlite3.sqlite_version}"


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
