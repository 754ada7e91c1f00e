"""The benchmarks that existed before the suite, run by it rather than rewritten.

The CRM import (``bench_import_db``) and the shared account mapping from the database
(``bench_mapping_db``) run in this process against the run's database, through their own
functions; private mapping (``bench_mapping.bench_private``) needs no database. The demo pages
(``bench_pages.py``, the ≤ 50 ms p95 goal) and HTTP load (``http_load.py``, if present) run as
subprocesses: they need their own database and server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .database import ROOT, migrated_sqlite

BENCHMARKS = ROOT / "benchmarks"


def _result(
    name: str, title: str, goal: float | None, amity_s: float, baseline_s: float, **extra: Any
) -> dict:
    return {
        "name": name,
        "title": title,
        "goal_ratio": goal,
        "amity_ms": round(amity_s * 1000, 1),
        "baseline_ms": round(baseline_s * 1000, 1),
        "ratio": round(amity_s / baseline_s, 2) if baseline_s else None,
        "reps": 1,
        **extra,
    }


def crm_import(tmp: Path, vendor: str, rows: int, accounts: int) -> dict:
    """``bench_import_db``: accounts first, then the opportunity export raw (COPY / executemany)
    and through ``run_import`` with the ``DatabaseSink``."""
    from bench_import import generate
    from bench_import_db import amity_import, generate_accounts, raw_baseline

    account_file, opportunity_file = tmp / "Account.csv", tmp / "Opportunity.csv"
    generate_accounts(account_file, count=accounts)
    generate(opportunity_file, rows)
    accounts_s, account_result = amity_import(account_file, "accounts", 2000)
    baseline_s = raw_baseline(opportunity_file, vendor)
    amity_s, result = amity_import(opportunity_file, "opportunities", 2000)
    # Every row read; none rejected once all 50,000 accounts the export refers to exist.
    equal = result.rows_read == rows and (accounts < 50_000 or result.rejected == 0)
    return _result(
        "crm_import",
        f"CRM import, {rows:,} Salesforce opportunities",
        3.0,
        amity_s,
        baseline_s,
        equal=equal,
        parameters={
            "rows": rows,
            "bytes": opportunity_file.stat().st_size,
            "accounts_imported": account_result.created,
            "accounts_s": round(accounts_s, 1),
            "baseline": "COPY" if vendor == "postgresql" else "sqlite3 executemany",
        },
        amity_rows_per_s=round(rows / amity_s),
        baseline_rows_per_s=round(rows / baseline_s),
        created=result.created,
        rejected=result.rejected,
        sink_s=round(result.sink_seconds, 2),
        engine_s=round(amity_s - result.sink_seconds, 2),
        answer_size=result.rows_read,
    )


def mapping_shared(rows: int) -> dict:
    """``bench_mapping_db``: ``rows`` accounts per side (half shared) written raw, then
    ``shared_overlap`` (the matrix in the database) beside SQL keys + a set intersection."""
    from bench_mapping_db import fill, measure

    from amity.partners.models import Organization

    ours = Organization.objects.create(name=f"Bench mapping ours {time.time_ns()}")
    theirs = Organization.objects.create(name=f"Bench mapping theirs {time.time_ns()}")
    t0 = time.perf_counter()
    fill(rows, ours.pk, theirs.pk)
    fill_s = time.perf_counter() - t0
    measured = measure(ours.pk, theirs.pk)
    return _result(
        "mapping_shared",
        f"Account mapping, shared, {rows:,} × {rows:,}",
        None,
        measured["amity_s"],
        measured["baseline_s"],
        equal=measured["equal"],
        parameters={"rows_per_side": rows, "fill_s": round(fill_s, 1)},
        goal_seconds=5.0 if rows >= 1_000_000 else None,
        answer_size=measured["overlap"],
    )


def mapping_private(rows: int) -> dict:
    """``bench_mapping.bench_private``: ECDH-PSI sharded over the cores beside the bare library."""
    from bench_mapping import bench_private

    found = bench_private(rows, os.cpu_count() or 1)
    return _result(
        "mapping_private",
        f"Account mapping, private (PSI), {rows:,} × {rows:,}",
        None,
        found["private_s"],
        found["private_bare_library_one_process_s"],
        equal=bool(found["private_equal"]),
        parameters={"rows_per_side": rows, "workers": found["private_workers"]},
        cpu_s=found["private_cpu_s"],
        answer_size=found["private_matches"],
    )


def demo_pages(tmp: Path, *, quick: bool, use_cache: bool, log=print) -> dict:
    """``bench_pages.py`` on the demo portfolio in a fresh SQLite file: every page's p95."""
    script = BENCHMARKS / "bench_pages.py"
    if not script.exists():
        return {"name": "demo_pages", "skipped": "benchmarks/bench_pages.py is missing"}
    database = tmp / "demo.sqlite3"
    migrated_sqlite(database, use_cache=use_cache, log=log)
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", AMITY_VAR_DIR=str(tmp / "demo-var"))
    env.pop("AMITY_TEST_DATABASE_URL", None)
    t0 = time.perf_counter()
    loaded = subprocess.run(
        [sys.executable, "-m", "amity.cli", "demo", "--no-serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if loaded.returncode != 0:
        return {"name": "demo_pages", "error": "amity demo failed: " + _last_line(loaded.stderr)}
    load_s = time.perf_counter() - t0
    out = tmp / "demo-pages.json"
    args = ["--json", str(out), "--database-url", env["DATABASE_URL"]]
    args += ["--users", "hannah", "--max-pages", "40", "--repeat", "3"] if quick else []
    ran = subprocess.run(
        [sys.executable, str(script), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if ran.returncode != 0 or not out.exists():
        return {"name": "demo_pages", "error": "bench_pages.py failed: " + _last_line(ran.stderr)}
    found = json.loads(out.read_text())
    summary = found["summary"]
    return {
        "name": "demo_pages",
        "title": "Demo portfolio (SQLite), every page",
        "equal": True,
        "goal_p95_ms": summary.get("goal_ms", 50.0),
        "pages": summary["pages"],
        "page_p95_ms": summary["p95_ms_max"],
        "page_p95_median_ms": summary["p95_ms_median"],
        "page_queries": summary["queries_max"],
        "over_goal": summary["over_goal"],
        "slowest": [
            {k: p[k] for k in ("user", "url", "p50_ms", "p95_ms", "queries")} for p in found["pages"][:5]
        ],
        "parameters": {"demo_load_s": round(load_s, 1), "users": "hannah" if quick else "hannah,priya"},
    }


def http_load(database_url: str, tmp: Path) -> dict:
    """``http_load.py`` (wrk against gunicorn) on the run's database, when the script exists."""
    script = BENCHMARKS / "http_load.py"
    if not script.exists():
        return {"name": "http_load", "skipped": "benchmarks/http_load.py is missing"}
    out = tmp / "http-load.json"
    ran = subprocess.run(
        [
            sys.executable,
            str(script),
            "--database-url",
            database_url,
            "--data",
            "none",
            "--duration",
            "5",
            "--warmup",
            "1",
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if ran.returncode not in (0, 1) or not out.exists():
        return {"name": "http_load", "error": "http_load.py failed: " + _last_line(ran.stderr or ran.stdout)}
    return {
        "name": "http_load",
        "title": "HTTP under load (wrk, gunicorn)",
        "result": json.loads(out.read_text()),
    }


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no output)"
