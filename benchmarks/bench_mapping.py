"""Account-mapping benchmark: shared and private mode beside their raw baselines.

    .venv/bin/python benchmarks/bench_mapping.py --shared-rows 1000000 --private-rows 100000

Shared mode (``overlap_matrix``: nine per-status cells, keys capped at 100 per cell) is timed
beside a plain Python set intersection of the same keys; private mode (ECDH-PSI, three
steps, sharded over ``--workers`` processes, one bucket per status) beside the bare
``openmined-psi`` library on one process (one client, one server, default GCS setup, no
buckets). Both sides overlap by half. Prints one JSON line with the times (seconds) and the
ratios (plus the CPU seconds of private mode and the machine's load average at the start,
since other work on the machine slows the wall time); exits non-zero if a result differs from its baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time

import private_set_intersection.python as psi

from amity.pipeline.mapping.keys import STATUSES
from amity.pipeline.mapping.private import private_overlap
from amity.pipeline.mapping.shared import overlap_matrix


def listings(rows: int, seed: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Two account lists of ``rows`` keys each, sharing half of them, random statuses."""
    rng = random.Random(seed)
    ours = [(f"domain:account-{i}.example.com", rng.choice(STATUSES)) for i in range(rows)]
    theirs = [
        (f"domain:account-{i}.example.com", rng.choice(STATUSES)) for i in range(rows // 2, rows + rows // 2)
    ]
    return ours, theirs


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_shared(rows: int) -> dict:
    ours, theirs = listings(rows, seed=1)
    matrix, seconds = timed(overlap_matrix, ours, theirs, cap=100)

    def baseline():
        a, b = {key for key, _ in ours}, {key for key, _ in theirs}
        start = time.perf_counter()
        both = a & b
        return both, time.perf_counter() - start

    (both, intersect_only), with_sets = timed(baseline)
    return {
        "shared_rows": rows,
        "shared_s": round(seconds, 3),
        "shared_baseline_sets_and_intersection_s": round(with_sets, 3),
        "shared_baseline_intersection_only_s": round(intersect_only, 3),
        "shared_ratio": round(seconds / with_sets, 2),
        "shared_ratio_to_intersection_only": round(seconds / intersect_only, 2),
        "shared_matches": matrix.total,
        "shared_equal": matrix.total == len(both),
    }


def bare_library(ours: list[str], theirs: list[str]) -> set[str]:
    client = psi.client.CreateWithNewKey(True)
    server = psi.server.CreateWithNewKey(True)
    request = client.CreateRequest(ours)
    setup = server.CreateSetupMessage(1e-9, len(ours), theirs)
    response = server.ProcessRequest(request)
    return {ours[i] for i in client.GetIntersection(setup, response)}


def bench_private(rows: int, workers: int) -> dict:
    ours, theirs = listings(rows, seed=2)
    cpu = cpu_seconds()
    matrix, seconds = timed(private_overlap, ours, theirs, workers=workers)
    cpu = cpu_seconds() - cpu
    found = {key for keys in matrix.keys.values() for key in keys}
    bare, bare_seconds = timed(bare_library, [k for k, _ in ours], [k for k, _ in theirs])
    plain = {k for k, _ in ours} & {k for k, _ in theirs}
    return {
        "private_rows": rows,
        "private_workers": workers,
        "private_s": round(seconds, 3),
        "private_cpu_s": round(cpu, 3),
        "private_bare_library_one_process_s": round(bare_seconds, 3),
        "private_ratio": round(seconds / bare_seconds, 2),
        "private_matches": matrix.total,
        "private_equal": found == plain == bare,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared-rows", type=int, default=1_000_000)
    parser.add_argument("--private-rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    result = {"benchmark": "mapping", "cpus": os.cpu_count(), "load_average_1m": os.getloadavg()[0]}
    if args.shared_rows > 0:
        result |= bench_shared(args.shared_rows)
    if args.private_rows > 0:
        result |= bench_private(args.private_rows, args.workers)
    print(json.dumps(result))
    return 0 if result.get("shared_equal", True) and result.get("private_equal", True) else 1


if __name__ == "__main__":
    sys.exit(main())
