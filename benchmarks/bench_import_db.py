"""Benchmark: a Salesforce opportunity export imported into the database, beside raw bulk loading.

Generates a Salesforce-layout account export (``--accounts``) and opportunity export
(``--rows``, default 1,000,000) referring to those accounts, migrates a fresh database, imports
the accounts, then times in the same run:

* **baseline** - the same opportunity file loaded raw: PostgreSQL ``COPY … FROM STDIN (FORMAT
  csv, HEADER)`` into a table of text columns; on SQLite (no COPY) the bare ``sqlite3`` module's
  ``executemany`` of ``csv.reader`` rows into such a table, in one transaction.
* **amity** - ``run_import`` with the ``DatabaseSink`` (what ``amity import`` and the background
  import job run): detection, validation and normalisation of every row, upsert by external id
  in batches, an audit-history row and a stage-history row per new opportunity.
* **amity re-import** - the same file again: every row unchanged, nothing written.

Peak memory (max RSS) is printed before and after the import to show it stays bounded.

Run: ``.venv/bin/python benchmarks/bench_import_db.py --rows 1000000`` (SQLite, a temporary
file database) or with ``--database-url postgres://postgres@127.0.0.1:5432/amity_bench_import``
(the database is dropped and created). One JSON line at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_import import HEADER, generate  # noqa: E402

ACCOUNT_HEADER = ["Id", "Name", "Website", "BillingCountry", "Industry", "Type", "OwnerId"]
INDUSTRIES = ["Manufacturing", "Retail", "Healthcare", "Financial Services", "Logistics", "Energy"]
COUNTRIES = ["Netherlands", "Germany", "United States", "France", "Spain", "Japan"]
ACCOUNT_COUNT = 50_000  # bench_import.generate refers to accounts 0 … 49,999


def generate_accounts(path: Path, count: int = ACCOUNT_COUNT, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(ACCOUNT_HEADER)
        for i in range(count):
            writer.writerow(
                [
                    f"0015e{i:013d}",
                    f"Customer {i:06d} Holding",
                    f"https://www.customer{i:06d}.example.com",
                    rnd.choice(COUNTRIES),
                    rnd.choice(INDUSTRIES),
                    rnd.choice(("Customer - Direct", "Prospect", "Customer - Channel")),
                    f"0055e{rnd.randrange(200):013d}",
                ]
            )


def max_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def prepare_database(url: str | None, tmp: Path) -> str:
    """Point Django at a fresh database; return its vendor."""
    os.environ["AMITY_VAR_DIR"] = str(tmp / "var")
    os.environ.setdefault("AMITY_SECRET_KEY", "bench-" + "x" * 50)
    os.environ.pop("AMITY_TEST_DATABASE_URL", None)
    if url:
        import psycopg

        parsed = urlparse(url)
        name = parsed.path.lstrip("/")
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "amity.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def raw_baseline(path: Path, vendor: str) -> float:
    """Seconds to bulk-load the file raw into a table of text columns."""
    from django.db import connection, transaction

    columns = ", ".join(f'"{c}" text' for c in HEADER)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_opportunities")
        cursor.execute(f"CREATE TABLE bench_raw_opportunities ({columns})")
    t0 = time.perf_counter()
    if vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            sql = "COPY bench_raw_opportunities FROM STDIN (FORMAT csv, HEADER true)"
            with cursor.copy(sql) as copy, path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
    else:
        raw = connection.connection  # the bare sqlite3 connection
        marks = ", ".join("?" for _ in HEADER)
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            raw.execute("BEGIN")
            raw.executemany(f"INSERT INTO bench_raw_opportunities VALUES ({marks})", reader)
            raw.execute("COMMIT")
    seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_raw_opportunities")
        assert cursor.fetchone()[0] > 0
        cursor.execute("DROP TABLE bench_raw_opportunities")
    return seconds


def amity_import(path: Path, kind: str, batch_size: int):
    from django.contrib.auth import get_user_model

    from amity.pipeline.importing import run_import
    from amity.pipeline.importing.sink import DatabaseSink

    user = get_user_model().objects.get(username="bench")
    sink = DatabaseSink(user=user)
    upsert, spent = sink.upsert, [0.0]

    def timed(*args):  # how much of the time the database sink takes (the rest: the engine)
        t = time.perf_counter()
        try:
            return upsert(*args)
        finally:
            spent[0] += time.perf_counter() - t

    sink.upsert = timed
    t0 = time.perf_counter()
    result = run_import(path, kind, "salesforce", sink=sink, batch_size=batch_size)
    result.sink_seconds = spent[0]
    return time.perf_counter() - t0, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite file)")
    parser.add_argument("--skip-reimport", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        vendor = prepare_database(args.database_url, tmp)
        from django.contrib.auth import get_user_model

        from amity.partners.models import Organization

        Organization.objects.get_or_create(name="Bench Home", defaults={"is_home": True})
        get_user_model().objects.create_superuser("bench", "bench@example.com", "x", role="admin")

        accounts, opportunities = tmp / "Account.csv", tmp / "Opportunity.csv"
        generate_accounts(accounts)
        generate(opportunities, args.rows)
        size = opportunities.stat().st_size

        account_seconds, account_result = amity_import(accounts, "accounts", args.batch_size)
        baseline_seconds = raw_baseline(opportunities, vendor)
        rss_before = max_rss_mb()
        amity_seconds, result = amity_import(opportunities, "opportunities", args.batch_size)
        rss_after = max_rss_mb()
        report = {
            "benchmark": "import_salesforce_opportunities_db",
            "database": vendor,
            "rows": result.rows_read,
            "bytes": size,
            "accounts_imported": account_result.created,
            "accounts_seconds": round(account_seconds, 2),
            "baseline": "COPY" if vendor == "postgresql" else "sqlite3 executemany",
            "baseline_seconds": round(baseline_seconds, 2),
            "baseline_rows_per_s": round(result.rows_read / baseline_seconds),
            "amity_seconds": round(amity_seconds, 2),
            "amity_rows_per_s": round(result.rows_read / amity_seconds),
            "created": result.created,
            "rejected": result.rejected,
            "ratio_vs_baseline": round(amity_seconds / baseline_seconds, 2),
            "amity_sink_seconds": round(result.sink_seconds, 2),
            "amity_engine_seconds": round(amity_seconds - result.sink_seconds, 2),
            "max_rss_mb_before": rss_before,
            "max_rss_mb_after": rss_after,
        }
        if not args.skip_reimport:
            again_seconds, again = amity_import(opportunities, "opportunities", args.batch_size)
            report |= {
                "reimport_seconds": round(again_seconds, 2),
                "reimport_unchanged": again.unchanged,
                "reimport_created": again.created,
                "reimport_ratio_vs_baseline": round(again_seconds / baseline_seconds, 2),
            }
        report["max_rss_mb_end"] = max_rss_mb()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
