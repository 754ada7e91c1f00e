"""Benchmark: Amity's CRM import engine beside Python's csv module on the same file.

Generates a Salesforce-layout opportunity export (``--rows``, default 200,000), then times
(a) the raw baseline — ``csv.reader`` reading and splitting every row — and (b) Amity's engine
(encoding and delimiter detection, layout detection, validation and normalisation of every
row, batches upserted into the in-memory reference sink). Prints one JSON line with rows/s for
both and their ratio. Run: ``.venv/bin/python benchmarks/bench_import.py --rows 200000``.
The PostgreSQL ``COPY`` baseline and the database-backed sink come with the sink itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from amity.pipeline.importing import MemorySink, run_import  # noqa: E402

HEADER = [
    "Id",
    "AccountId",
    "Name",
    "StageName",
    "Amount",
    "Probability",
    "CloseDate",
    "IsClosed",
    "IsWon",
    "CurrencyIsoCode",
    "OwnerId",
    "Type",
    "LeadSource",
    "CreatedDate",
    "LastModifiedDate",
]
STAGES = [
    ("Prospecting", 10, False, False),
    ("Qualification", 20, False, False),
    ("Needs Analysis", 25, False, False),
    ("Proposal/Price Quote", 60, False, False),
    ("Negotiation/Review", 90, False, False),
    ("Closed Won", 100, True, True),
    ("Closed Lost", 0, True, False),
]
COMPANIES = ["Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Hooli", "Soylent"]
PRODUCTS = ["Data Platform", "Analytics Renewal", "Lakehouse Migration", "Governance Add-on", "Pilot"]


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    """Write a Salesforce opportunity data export of ``rows`` rows to ``path``."""
    rnd = random.Random(seed)
    start = date(2025, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(rows):
            stage, probability, closed, won = rnd.choice(STAGES)
            created = start + timedelta(days=rnd.randrange(365))
            close = created + timedelta(days=rnd.randrange(30, 400))
            writer.writerow(
                [
                    f"0065e{i:013d}",
                    f"0015e{rnd.randrange(50_000):013d}",
                    f"{rnd.choice(COMPANIES)}, Inc. - {rnd.choice(PRODUCTS)} {i}",
                    stage,
                    f"{rnd.randrange(1_000, 2_000_000)}.{rnd.randrange(100):02d}",
                    probability,
                    close.isoformat(),
                    "true" if closed else "false",
                    "true" if won else "false",
                    rnd.choice(("EUR", "USD", "GBP")),
                    f"0055e{rnd.randrange(200):013d}",
                    rnd.choice(("New Customer", "Existing Customer - Upgrade")),
                    rnd.choice(("Partner Referral", "Web", "Trade Show", "")),
                    f"{created.isoformat()}T09:00:00.000Z",
                    f"{created.isoformat()}T17:30:00.000Z",
                ]
            )


def baseline(path: Path) -> int:
    """Python's csv module reading and splitting every row."""
    count = 0
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for _row in reader:
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--file", type=Path, help="use this export instead of generating one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "opportunities.csv"
        if args.file is None:
            generate(path, args.rows)
        size = os.path.getsize(path)

        t0 = time.perf_counter()
        raw_rows = baseline(path)
        raw_seconds = time.perf_counter() - t0

        t0 = time.perf_counter()
        result = run_import(
            path,
            "opportunities",
            "salesforce",
            sink=MemorySink(),
            batch_size=args.batch_size,
            default_currency="EUR",
        )
        engine_seconds = time.perf_counter() - t0

    raw_rate = raw_rows / raw_seconds
    engine_rate = result.rows_read / engine_seconds
    print(
        json.dumps(
            {
                "benchmark": "import_salesforce_opportunities",
                "rows": result.rows_read,
                "bytes": size,
                "accepted": result.accepted,
                "rejected": result.rejected,
                "csv_baseline_seconds": round(raw_seconds, 3),
                "csv_baseline_rows_per_s": round(raw_rate),
                "amity_engine_seconds": round(engine_seconds, 3),
                "amity_engine_rows_per_s": round(engine_rate),
                "engine_time_vs_baseline": round(engine_seconds / raw_seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
