"""Run every reliability scenario, print the summary table, write the results as JSON.

    python reliability/run.py            # the full run (make reliability): <= 15 minutes
    python reliability/run.py --quick    # the short run: each scenario small, soak 45 s
    python reliability/run.py --only pg_restart,soak --json out.json

Scenarios: PostgreSQL restarted under load, the worker killed mid-import and mid-webhook
delivery, disk full and an upload cut off, a 50-user soak against gunicorn + PostgreSQL, and
the backup/restore and upgrade tests (pytest tests/reliability). Exit status 1 on any lost
write or unexplained error (a skipped scenario says why and does not fail the run; a scenario
that crashed does). What each proves: docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reliability import disk_full, pg_restart, soak, webhook_kill, worker_kill
from reliability.common import ROOT, SHARED_PG, Result, Skip, shared_pg_reachable

BUDGET = 15 * 60


def pytest_backup(quick: bool) -> Result:
    result = Result("backup/restore + upgrade (pytest)")
    started = time.monotonic()
    files = ["tests/reliability/test_backup.py", "tests/reliability/test_migrations_from_previous.py"]
    env = dict(os.environ)
    if not env.get("AMITY_TEST_DATABASE_URL", "").startswith("postgres") and shared_pg_reachable():
        # The PostgreSQL halves (SQLite <-> PostgreSQL archive, the upgrade) use scratch
        # databases on that server; without it they skip.
        env["AMITY_TEST_DATABASE_URL"] = f"{SHARED_PG}/amity_rel_backup"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|error|errors|skipped)", tail)}
    result.operations = sum(counts.values())
    result.errors = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    if done.returncode not in (0, 5) and not result.errors:
        result.errors = 1
    result.notes.append(tail)
    result.seconds = round(time.monotonic() - started, 1)
    return result


SCENARIOS = {
    "pg_restart": lambda quick: pg_restart.run(quick=quick),
    "worker_kill": lambda quick: worker_kill.run(quick=quick),
    "webhook_kill": lambda quick: webhook_kill.run(quick=quick),
    "disk_full": lambda quick: disk_full.run(quick=quick),
    "soak": lambda quick: soak.run(quick=quick),
    "backup": pytest_backup,  # last: its duration varies most with the machine's load
}


def table(results: list[Result]) -> str:
    rows = [("scenario", "operations", "errors", "explained", "lost writes", "recovery", "time", "result")]
    for r in results:
        recovery = f"{r.recovery_s:.1f} s" if r.recovery_s is not None else "-"
        verdict = f"SKIPPED: {r.skipped}" if r.skipped else ("ok" if r.ok else "FAIL")
        rows.append(
            (
                r.scenario,
                str(r.operations),
                str(r.errors),
                str(r.explained),
                str(r.lost_writes),
                recovery,
                f"{r.seconds:.0f} s",
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Amity's reliability scenarios (docs/reliability.md).")
    parser.add_argument("--quick", action="store_true", help="Short run: small scenarios, 45 s soak.")
    parser.add_argument("--only", default="", help=f"Comma-separated subset of: {', '.join(SCENARIOS)}.")
    parser.add_argument(
        "--json", default=str(ROOT / "var" / "reliability.json"), help="Where to write the results."
    )
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(SCENARIOS)
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    began = time.monotonic()
    results: list[Result] = []
    for name in names:
        left = BUDGET - (time.monotonic() - began)
        if name == "soak" and not args.quick and left < 330:
            results.append(
                Result("soak: 50 users", skipped=f"only {left:.0f} s of the 15-minute budget left")
            )
            continue
        if left <= 30:
            results.append(Result(name, skipped="the 15-minute budget is spent"))
            continue
        print(f"== {name} ...", flush=True)
        try:
            result = SCENARIOS[name](args.quick)
        except Skip as exc:
            result = Result(name, skipped=str(exc))
        except Exception as exc:  # a crashed scenario is a failure, with its reason
            result = Result(name, errors=1, notes=[f"crashed: {exc!r}"[:500]])
            traceback.print_exc()
        results.append(result)
        print(f"   {'ok' if result.ok else 'FAIL'}: " + "; ".join(result.notes), flush=True)
    total = time.monotonic() - began
    print()
    print(table(results))
    print(f"\ntotal {total:.0f} s ({'quick' if args.quick else 'full'} run)")
    ok = all(r.ok for r in results)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "quick": args.quick,
                "seconds": round(total, 1),
                "ok": ok,
                "results": [r.as_dict() for r in results],
            },
            indent=2,
        )
    )
    print(f"results: {args.json}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
