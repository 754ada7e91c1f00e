"""Benchmark: shared-mode account mapping from the database, beside raw SQL and plain sets.

Fills a fresh database with ``--rows`` accounts for us and as many for one partner (half of
them shared, a few percent with an open opportunity), then times in one run:

* **amity** - ``services_mapping.shared_overlap``: the nine cells of the overlap matrix (keys,
  each account's status, the first matched keys of each cell) in one statement in the database,
  i.e. the work of a shared mapping without storing the run;
* **baseline** - hand-written SQL fetching each side's keys (domain, else normalized name) and
  a plain Python set intersection.

Run: ``.venv/bin/python benchmarks/bench_mapping_db.py --rows 1000000`` (SQLite file) or with
``--database-url postgres://postgres@127.0.0.1:5432/amity_bench_mapping``. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_import_db import prepare_database  # noqa: E402

KEY_SQL = (
    "SELECT CASE WHEN domain <> '' THEN 'domain:' || domain ELSE 'name:' || normalized_name END "
    "FROM pipeline_account WHERE owner_organization_id = %s AND archived_at IS NULL"
)


def fill(rows: int, home_id: int, partner_id: int) -> None:
    """Accounts for both sides with raw inserts (the benchmark is about reading them)."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    columns = (
        "created_at, updated_at, version, archived_at, name, normalized_name, domain, country, "
        "industry, owner_organization_id, status, external_ids"
    )
    sql = f"INSERT INTO pipeline_account ({columns}) VALUES (%s, %s, 1, NULL, %s, %s, %s, '', '', %s, %s, '{{}}')"

    def side(owner: int, offset: int):
        for i in range(rows):
            n = i + offset
            status = "customer" if n % 3 == 0 else "prospect"
            yield (now, now, f"Company {n}", f"company {n}", f"company{n}.example", owner, status)

    with transaction.atomic(), connection.cursor() as cursor:
        for owner, offset in ((home_id, 0), (partner_id, rows // 2)):
            batch = []
            for row in side(owner, offset):
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    with connection.cursor() as cursor:  # statistics as a live database has them
        cursor.execute("ANALYZE pipeline_account" if connection.vendor == "postgresql" else "ANALYZE")


def measure(ours: int, theirs: int) -> dict:
    """Both sides once: the baseline (each side's keys by SQL, a set intersection) and Amity's
    shared mapping (``shared_overlap``, the first 100 keys of each cell listed)."""
    from django.db import connection

    from amity.pipeline.services_mapping import shared_overlap

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(KEY_SQL, [ours])
        a = {key for (key,) in cursor.fetchall()}
        cursor.execute(KEY_SQL, [theirs])
        b = {key for (key,) in cursor.fetchall()}
    shared = a & b
    baseline_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    matrix = shared_overlap(ours, theirs, cap=100)
    amity_s = time.perf_counter() - t0
    return {
        "baseline_s": baseline_s,
        "amity_s": amity_s,
        "overlap": matrix.total,
        "equal": matrix.total == len(shared) and (matrix.ours_total, matrix.theirs_total) == (len(a), len(b)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="accounts per side")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as name:
        vendor = prepare_database(args.database_url, Path(name))

        from amity.partners.models import Organization

        home = Organization.objects.create(name="Bench Home", is_home=True)
        partner = Organization.objects.create(name="Bench Partner")
        t0 = time.perf_counter()
        fill(args.rows, home.pk, partner.pk)
        fill_seconds = time.perf_counter() - t0

        measured = measure(home.pk, partner.pk)

    equal = measured["equal"]
    print(
        json.dumps(
            {
                "benchmark": "mapping_shared_from_database",
                "database": vendor,
                "rows_per_side": args.rows,
                "fill_seconds": round(fill_seconds, 1),
                "baseline_seconds": round(measured["baseline_s"], 2),
                "amity_seconds": round(measured["amity_s"], 2),
                "ratio_vs_baseline": round(measured["amity_s"] / measured["baseline_s"], 2),
                "overlap": measured["overlap"],
                "equal_to_plain_intersection": equal,
                "goal_seconds": 5,
            }
        )
    )
    if not equal:
        sys.exit(1)


if __name__ == "__main__":
    main()
