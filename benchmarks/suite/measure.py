"""Time an operation beside its raw baseline in the same run, check both give the same answer.

An operation (see ``ops/base.py``) runs Amity's code path (``amity``) and the hand-written
baseline (``baseline``); each returns its raw result, which ``amity_answer``/``baseline_answer``
turn into plain comparable figures *outside* the timed part. Repetitions alternate between the
two so that other work on the machine slows both alike; the medians are reported and their
ratio. For an operation behind a page the page is also requested through Django's test client
as the benchmark's admin (middleware, visibility rule, queries, templates): p50/p95 and its
number of queries.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass
class Env:
    """What every operation may use: the benchmark's admin, a signed-in test client, today."""

    user: Any
    vendor: str
    today: Any
    quick: bool
    client: Any = None


# --- comparing answers --------------------------------------------------------------------------

#: Keys compared within a tolerance: money to the cent (SQLite sums floats), averages of days
#: to the tenth (both sides round to one decimal, possibly on either side of a half).
TOLERANCE = {"days": Decimal("0.11")}
MONEY_TOLERANCE = Decimal("0.011")


def differences(a: Any, b: Any, path: str = "", out: list[str] | None = None, limit: int = 8) -> list[str]:
    """Where ``a`` (Amity) and ``b`` (baseline) differ, as readable paths (at most ``limit``)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                out.append(f"{path}.{key}: only in {'amity' if key in a else 'baseline'}")
            else:
                differences(a[key], b[key], f"{path}.{key}", out, limit)
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items in amity, {len(b)} in baseline")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            differences(x, y, f"{path}[{i}]", out, limit)
    elif isinstance(a, Decimal | float) and isinstance(b, Decimal | float | int) and not isinstance(b, bool):
        tol = next((t for k, t in TOLERANCE.items() if k in path), MONEY_TOLERANCE)
        if abs(Decimal(str(a)) - Decimal(str(b))) > tol:
            out.append(f"{path}: amity {a} != baseline {b}")
    elif a != b:
        out.append(f"{path}: amity {a!r} != baseline {b!r}")
    return out


# --- timing -------------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def count_queries(function: Callable[[], Any], seen: list | None = None) -> tuple[Any, int]:
    """``function()`` and how many queries it sent; (seconds, SQL) of each appended to ``seen``
    - the time in ``cursor.execute``: the whole query on PostgreSQL, on SQLite only until the
    first row (SQLite computes the rest while they are fetched)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def clock(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if seen is not None:
                seen.append((time.perf_counter() - start, sql))

    with connection.execute_wrapper(clock), CaptureQueriesContext(connection) as ctx:
        result = function()
    return result, len(ctx.captured_queries)


def sql_summary(queries: list[tuple[float, str]], top: int = 3) -> dict:
    """Time spent executing SQL and the slowest queries."""
    ordered = sorted(queries, key=lambda q: q[0], reverse=True)
    return {
        "sql_ms": round(sum(seconds for seconds, _ in ordered) * 1000, 1),
        "slowest": [{"ms": round(seconds * 1000, 1), "sql": sql[:400]} for seconds, sql in ordered[:top]],
    }


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def profile(function: Callable[[], Any], top: int = 12) -> dict[str, list[str]]:
    """Where ``function`` spends its time: Amity's functions by cumulative time, and every
    function by its own time (what dominates: SQL execution, row conversion, templates …)."""
    profiler = cProfile.Profile()
    profiler.enable()
    function()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = [
        {"where": f"{_short(filename)}:{line}:{name}", "own_s": tt, "cumulative_s": ct}
        for (filename, line, name), (_cc, _nc, tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
    ]
    rows.sort(key=lambda r: r["cumulative_s"], reverse=True)
    amity = [r for r in rows if r["where"].startswith("amity/")]
    by_own = sorted(rows, key=lambda r: r["own_s"], reverse=True)
    return {"amity_cumulative": [_fmt(r) for r in amity[:top]], "own_time": [_fmt(r) for r in by_own[:top]]}


def _short(filename: str) -> str:
    for marker in ("/src/", "/site-packages/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _fmt(row: dict) -> str:
    return f"{row['where']} own {row['own_s'] * 1000:.1f} ms, cumulative {row['cumulative_s'] * 1000:.1f} ms"


@dataclass
class Plan:
    """How hard to try: repetitions (at least ``min_reps``) until ``budget_s`` per side is spent."""

    reps: int = 7
    min_reps: int = 3
    budget_s: float = 10.0
    page_reps: int = 10
    profile: bool = False
    #: Profile Amity's side when it misses its goal (off in quick runs: it costs a run).
    profile_slow: bool = True


def run_operation(op: Any, env: Env, plan: Plan) -> dict:
    """Prepare, check equality, count queries, time both sides (and the page); one result dict."""
    from django.db import reset_queries

    result: dict[str, Any] = {"name": op.name, "title": op.title, "goal_ratio": op.goal_ratio}
    op.prepare(env)
    result["parameters"] = op.describe()
    # The first run of each side warms caches, counts its queries and is the one compared.
    amity_sql: list[tuple[float, str]] = []
    baseline_sql: list[tuple[float, str]] = []
    (amity_raw, result["amity_queries"]), amity_first = timed(lambda: count_queries(op.amity, amity_sql))
    (baseline_raw, result["baseline_queries"]), baseline_first = timed(
        lambda: count_queries(op.baseline, baseline_sql)
    )
    reset_queries()
    amity_summary, baseline_summary = sql_summary(amity_sql), sql_summary(baseline_sql)
    result["amity_sql_ms"], result["baseline_sql_ms"] = amity_summary["sql_ms"], baseline_summary["sql_ms"]
    result["amity_slowest_queries"] = amity_summary["slowest"]
    amity_answer, baseline_answer = op.amity_answer(amity_raw), op.baseline_answer(baseline_raw)
    del amity_raw, baseline_raw
    diffs = differences(amity_answer, baseline_answer)
    result["equal"] = not diffs
    if diffs:
        result["differences"] = diffs
    result["answer_size"] = op.size(amity_answer)

    amity_times, baseline_times = [], []
    spent = [0.0, 0.0]
    for i in range(max(plan.reps, plan.min_reps)):
        if i >= plan.min_reps and (spent[0] > plan.budget_s or spent[1] > plan.budget_s):
            break
        # Alternate which side goes first, so neither always runs on a warmer cache.
        order = ((op.amity, amity_times, 0), (op.baseline, baseline_times, 1))
        for function, times, side in order if i % 2 == 0 else reversed(order):
            _, seconds = timed(function)
            times.append(seconds)
            spent[side] += seconds
    if not amity_times:  # a budget spent by the first runs alone: use them
        amity_times, baseline_times = [amity_first], [baseline_first]
    amity_ms = statistics.median(amity_times) * 1000
    baseline_ms = statistics.median(baseline_times) * 1000
    result |= {
        "reps": len(amity_times),
        "amity_ms": round(amity_ms, 2),
        "amity_p95_ms": _ms(percentile(amity_times, 0.95)),
        "baseline_ms": round(baseline_ms, 2),
        "ratio": round(amity_ms / baseline_ms, 2) if baseline_ms else None,
    }
    slow = bool(op.goal_ratio and result["ratio"] and result["ratio"] > op.goal_ratio)
    if plan.profile or (plan.profile_slow and slow):
        result["profile"] = profile(op.amity)

    url = op.page_url()
    if url and env.client is not None:
        result |= time_page(env.client, url, plan.page_reps)
        result["page_ratio"] = round(result["page_p50_ms"] / baseline_ms, 2) if baseline_ms else None
        if plan.profile:
            result["page_profile"] = profile(lambda: env.client.get(url))
    return result


def time_page(client: Any, url: str, reps: int) -> dict:
    """p50/p95 of ``reps`` requests of ``url`` after a first one (warm-up, its queries counted)."""
    seen: list[tuple[float, str]] = []
    response, queries = count_queries(lambda: client.get(url), seen)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    times = []
    for _ in range(max(1, reps)):
        _, seconds = timed(lambda: client.get(url))
        times.append(seconds)
    return {
        "page": url,
        "page_p50_ms": _ms(statistics.median(times)),
        "page_p95_ms": _ms(percentile(times, 0.95)),
        "page_queries": queries,
        "page_sql_ms": sql_summary(seen)["sql_ms"],
        "page_bytes": len(response.content),
    }
