"""The benchmark suite (issue 8): each key operation timed through Amity's code path and, in the
same run, through a raw baseline doing the same work (hand-written SQL, the bare library call);
both answers must be equal; the ratio is reported.

    .venv/bin/python benchmarks/run.py --quick                  # make bench-quick: SQLite, small data, ≤ 3 min
    .venv/bin/python benchmarks/run.py --size medium \\
        --database-url postgres://postgres@127.0.0.1:5432/amity_bench   # dropped and created
    .venv/bin/python benchmarks/run.py --append-doc             # make bench: full size, docs/performance.md
    .venv/bin/python benchmarks/run.py --only forecast_by_quarter,scorecard_rollup --profile
    .venv/bin/python benchmarks/run.py --existing --database-url postgres://…/amity_big   # data already there

A fresh database is migrated (``--database-url``: PostgreSQL, dropped and created; default a
SQLite file in a temporary directory) and filled by ``amity generate`` at the run's size. Then,
per operation: the answers of both sides are compared, the queries of each counted, both timed
``--reps`` times alternately (medians), and the page behind it requested through the test client
as an admin (p50/p95, queries). The import and account-mapping benchmarks run on the same
database; the demo-pages benchmark on the demo portfolio in its own SQLite file; HTTP load
(``http_load.py``, when present) in full runs. Slow ratios are reported, not failures: the exit
status is non-zero only on an error or an answer that differs from its baseline. The last line
printed is one JSON object with every ratio; ``--json PATH`` writes everything.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from suite import data, database, external, report  # noqa: E402
from suite.measure import Env, Plan, run_operation  # noqa: E402

EXTERNAL = ("mapping_shared", "mapping_private", "crm_import", "demo_pages", "http_load")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="Small data on SQLite, fewer repetitions (≤ 3 min)."
    )
    parser.add_argument(
        "--size", choices=sorted(data.SIZES), help="Data size (default: quick with --quick, else full)."
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL URL, dropped and created (default: SQLite)."
    )
    parser.add_argument(
        "--existing", action="store_true", help="Use --database-url as it is: no drop, no data."
    )
    parser.add_argument(
        "--only", action="append", default=[], help="Only these benchmarks (comma-separated names)."
    )
    parser.add_argument(
        "--skip", action="append", default=[], help="Leave these benchmarks out (comma-separated)."
    )
    parser.add_argument("--json", type=Path, help="Write every figure of the run here.")
    parser.add_argument(
        "--append-doc", action="store_true", help="Append the results table to docs/performance.md."
    )
    parser.add_argument("--reps", type=int, help="Timed repetitions per side (default 3 quick, 9 otherwise).")
    parser.add_argument(
        "--profile", action="store_true", help="Profile Amity's side of every operation (cProfile)."
    )
    parser.add_argument("--seed", type=int, default=1, help="amity generate's seed (default 1).")
    parser.add_argument(
        "--no-cache", action="store_true", help="Migrate from scratch, not from the cached schema."
    )
    parser.add_argument("--list", action="store_true", help="List the benchmarks and exit.")
    args = parser.parse_args(argv)
    args.size = args.size or ("quick" if args.quick else "full")
    args.only = {n.strip() for value in args.only for n in value.split(",") if n.strip()}
    args.skip = {n.strip() for value in args.skip for n in value.split(",") if n.strip()}
    return args


def names() -> list[str]:
    from suite.ops import OPERATIONS

    return [op.name for op in OPERATIONS] + list(EXTERNAL)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.list:
        print("\n".join(names()))
        return 0
    unknown = (args.only | args.skip) - set(names())
    if unknown:
        log(f"unknown benchmark(s): {', '.join(sorted(unknown))}; choose from {', '.join(names())}")
        return 2

    def wanted(name: str) -> bool:
        return (not args.only or name in args.only) and name not in args.skip

    started = time.perf_counter()
    run: dict = {"date": report.today(), "mode": args.size, "machine": report.machine(), "seed": args.seed}
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="amity-bench-") as name:
        tmp = Path(name)
        t0 = time.perf_counter()
        vendor = database.prepare(
            args.database_url, tmp, existing=args.existing, use_cache=not args.no_cache, log=log
        )
        run["database"] = database.database_label(args.database_url, vendor)
        run["setup_s"] = round(time.perf_counter() - t0, 1)
        log(f"{run['database']} ready in {run['setup_s']} s")
        sizes = data.SIZES[args.size]
        run["sizes"] = sizes
        if not args.existing:
            log(f"generating {', '.join(f'{v:,} {k}' for k, v in sizes.items())} …")
            filled = data.fill(sizes, seed=args.seed, log=log)
            run["fill_s"] = filled.get("seconds")
            run["data_source"] = filled["source"]
            log(f"generated in {run['fill_s']} s")
        else:
            run["data_source"] = "existing database"
        results += run_operations(args, vendor, wanted)
        results += run_external(args, vendor, tmp, wanted)
    run["results"] = results
    run["external_sizes"] = data.EXTERNAL_SIZES[args.size]
    run["seconds"] = round(time.perf_counter() - started, 1)

    print(report.text_table(results))
    for line in report.missed(results):
        log(f"goal missed - {line}")
    problems = [r for r in results if r.get("error") or r.get("equal") is False]
    for r in problems:
        log(f"FAILED {r['name']}: {r.get('error') or '; '.join(r.get('differences', ['answers differ']))}")
    if args.json:
        args.json.write_text(json.dumps(run, indent=1, default=str))
    if args.append_doc:
        log(f"appended to {report.append_doc(run)}")
    log(f"{run['mode']} run on {run['database']} in {run['seconds']} s")
    print(json.dumps(report.ratios(results)))
    return 1 if problems else 0


def run_operations(args: argparse.Namespace, vendor: str, wanted) -> list[dict]:
    from django.test import Client
    from django.utils import timezone
    from suite.ops import OPERATIONS

    user = data.bench_user()
    client = Client()
    client.force_login(user)
    quick = args.size in ("quick", "tiny")
    env = Env(user=user, vendor=vendor, today=timezone.localdate(), quick=quick, client=client)
    reps = args.reps or (3 if quick else 9)
    plan = Plan(
        reps=reps,
        min_reps=min(3, reps),
        budget_s=5 if quick else 60,
        page_reps=max(3, reps),
        profile=args.profile,
        profile_slow=not quick,
    )
    results = []
    for op_class in OPERATIONS:
        if not wanted(op_class.name):
            continue
        log(f"{op_class.name} …")
        results.append(guarded(op_class.name, lambda op_class=op_class: run_operation(op_class(), env, plan)))
        log_result(results[-1])
    return results


def run_external(args: argparse.Namespace, vendor: str, tmp: Path, wanted) -> list[dict]:
    sizes = data.EXTERNAL_SIZES[args.size]
    quick = args.size in ("quick", "tiny")
    steps = [
        ("mapping_shared", lambda: external.mapping_shared(sizes["mapping_rows"])),
        ("mapping_private", lambda: external.mapping_private(sizes["private_rows"])),
        # Last on the run's database: it adds an import's worth of accounts and opportunities.
        (
            "crm_import",
            lambda: external.crm_import(tmp, vendor, sizes["import_rows"], sizes["import_accounts"]),
        ),
        ("demo_pages", lambda: external.demo_pages(tmp, quick=quick, use_cache=not args.no_cache, log=log)),
    ]
    if args.size == "full" or "http_load" in args.only:
        steps.append(("http_load", lambda: external.http_load(_database_url(args, tmp), tmp)))
    results = []
    for name, step in steps:
        if not wanted(name):
            continue
        log(f"{name} …")
        results.append(guarded(name, step))
        log_result(results[-1])
    return results


def _database_url(args: argparse.Namespace, tmp: Path) -> str:
    return args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"


def guarded(name: str, step) -> dict:
    """The step's result, or its error (the run goes on with the next benchmark)."""
    started = time.perf_counter()
    try:
        result = step()
    except Exception as exc:  # a broken benchmark must not hide the others' results
        traceback.print_exc(file=sys.stderr)
        result = {"name": name, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["wall_s"] = round(time.perf_counter() - started, 1)
    return result


def log_result(r: dict) -> None:
    if r.get("error") or r.get("skipped"):
        log(f"  {r['name']}: {r.get('error') or 'skipped - ' + r['skipped']}")
    elif "ratio" in r:
        page = f", page p50 {r['page_p50_ms']} ms p95 {r['page_p95_ms']} ms" if "page_p50_ms" in r else ""
        equal = "" if r.get("equal", True) else " MISMATCH"
        log(f"  amity {r['amity_ms']} ms, baseline {r['baseline_ms']} ms, ratio {r['ratio']}{equal}{page}")
    elif r.get("name") == "demo_pages":
        log(f"  {r['pages']} pages, p95 max {r['page_p95_ms']} ms")


if __name__ == "__main__":
    sys.exit(main())
