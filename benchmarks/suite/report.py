"""The results of a run: goals, the table (terminal and Markdown), ``docs/performance.md``."""

from __future__ import annotations

import os
import platform
from datetime import date
from pathlib import Path
from typing import Any

from .database import ROOT

DOC = ROOT / "docs" / "performance.md"
RESULTS_MARKER = "<!-- bench results: runs are appended below by benchmarks/run.py --append-doc -->"
DEMO_GOAL_MS = 50.0


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def goal_of(r: dict) -> tuple[str, bool | None]:
    """(the goal in words, met?) - None when the result has no goal or did not run."""
    if r.get("error") or r.get("skipped"):
        return "", None
    if r.get("name") == "demo_pages":
        goal = r.get("goal_p95_ms", DEMO_GOAL_MS)
        return f"every page p95 ≤ {goal:g} ms", r["page_p95_ms"] is not None and r["page_p95_ms"] <= goal
    if r.get("goal_seconds"):
        return f"≤ {r['goal_seconds']:g} s", r["amity_ms"] / 1000 <= r["goal_seconds"]
    if r.get("goal_ratio"):
        return f"≤ {r['goal_ratio']:g}× baseline", r["ratio"] is not None and r["ratio"] <= r["goal_ratio"]
    return "", None


def _time(ms: float | None) -> str:
    if ms is None:
        return "—"
    if ms >= 10_000:
        return f"{ms / 1000:,.1f} s"
    if ms >= 100:
        return f"{ms:,.0f} ms"
    return f"{ms:.1f} ms"


def _pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


def rows(results: list[dict]) -> list[list[str]]:
    out = []
    for r in results:
        if r.get("name") == "http_load":
            continue
        goal, met = goal_of(r)
        if r.get("error") or r.get("skipped"):
            out.append([r["name"], "", "", "", "", "", "", "", "", r.get("error") or r.get("skipped") or ""])
            continue
        if r["name"] == "demo_pages":
            out.append(
                [
                    r["name"],
                    _pages(r["pages"]),
                    "—",
                    "—",
                    "—",
                    f"≤ {r['page_queries']}",
                    "—",
                    f"p95 max {_time(r['page_p95_ms'])} (median {_time(r['page_p95_median_ms'])})",
                    goal,
                    "yes" if met else f"no ({_pages(len(r['over_goal']))} over)",
                ]
            )
            continue
        page = (
            f"{_time(r['page_p50_ms'])} / {_time(r['page_p95_ms'])} ({r['page_queries']} q)"
            if "page_p50_ms" in r
            else "—"
        )
        queries = f"{r['amity_queries']} / {r['baseline_queries']}" if "amity_queries" in r else "—"
        sql = f"{_time(r['amity_sql_ms'])} / {_time(r['baseline_sql_ms'])}" if "amity_sql_ms" in r else "—"
        equal = "" if r.get("equal", True) else " **MISMATCH**"
        out.append(
            [
                r["name"],
                f"{r['answer_size']:,}" if r.get("answer_size") is not None else "",
                _time(r["amity_ms"]),
                _time(r["baseline_ms"]),
                f"{r['ratio']:.2f}×{equal}" if r["ratio"] is not None else "—",
                queries,
                sql,
                page,
                goal,
                "" if met is None else ("yes" if met else "**no**"),
            ]
        )
    return out


HEADER = [
    "operation",
    "size",
    "Amity",
    "baseline",
    "ratio",
    "queries A / B",
    "SQL A / B",
    "page p50 / p95",
    "goal",
    "met",
]


def markdown_table(results: list[dict]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(results)]
    return "\n".join(lines)


def text_table(results: list[dict]) -> str:
    table = [HEADER, *rows(results)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table
    )


def missed(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        goal, met = goal_of(r)
        if met is False:
            what = (
                f"p95 max {r['page_p95_ms']} ms"
                if r["name"] == "demo_pages"
                else f"{r['ratio']}× ({_time(r['amity_ms'])} vs {_time(r['baseline_ms'])})"
            )
            out.append(f"{r['name']}: {what}, goal {goal}")
    return out


def section(run: dict) -> str:
    """The Markdown appended to docs/performance.md for one run."""
    m = run["machine"]
    sizes = ", ".join(f"{v:,} {k}" for k, v in run["sizes"].items())
    ext = run.get("external_sizes", {})
    lines = [
        f"### {run['date']} - {run['mode']} run, {run['database']}",
        "",
        f"Machine: {m['cpus']} cores ({m['cpu'] or 'unknown CPU'}), Python {m['python']}, load average "
        f"{m['load_average_1m']} at the start. Data: `amity generate` {sizes} (seed {run['seed']}, "
        f"generated in {run.get('fill_s', '?')} s)"
        + (
            f"; import {ext.get('import_rows', 0):,} rows, mapping {ext.get('mapping_rows', 0):,} × "
            f"{ext.get('mapping_rows', 0):,} (shared) and {ext.get('private_rows', 0):,} × "
            f"{ext.get('private_rows', 0):,} (private)."
            if ext
            else "."
        ),
        "",
        markdown_table(run["results"]),
        "",
    ]
    http = next((r for r in run["results"] if r.get("name") == "http_load" and r.get("result")), None)
    if http:
        lines += http_section(http["result"])
    notes = missed(run["results"])
    if notes:
        lines += ["Goals missed: " + "; ".join(notes) + ".", ""]
    failed = [
        f"{r['name']}: " + (r.get("error") or "; ".join(r.get("differences", [])))
        for r in run["results"]
        if r.get("error") or r.get("equal") is False
    ]
    if failed:
        lines += [
            "**Failed** (an error, or Amity's answer differs from its baseline's): " + "; ".join(failed),
            "",
        ]
    return "\n".join(lines)


def http_section(result: dict) -> list[str]:
    """HTTP under load (``http_load.py``): a row per page or API list."""
    machine = result.get("machine", {})
    load = machine.get("load_average")
    lines = [
        f"HTTP under load (wrk, {result.get('connections', '?')} connections, "
        f"{result.get('duration_s', '?')} s per URL, {result.get('gunicorn_workers', '?')} gunicorn workers"
        + (f", load average {load[0]} at the start" if load else "")
        + f"; goal p95 ≤ {result.get('goal_p95_ms', 150):g} ms):",
        "",
        "| URL | requests | req/s | p50 | p95 | p99 | non-2xx | app CPU / request | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for u in result.get("urls", []):
        name = f"{u['name']} `{u['path']}`"
        if u.get("skipped"):
            lines.append(f"| {name} | — | — | — | — | — | — | — | no: {u['skipped']} |")
            continue
        lines.append(
            f"| {name} | {u.get('requests', 0):,} | {u.get('rps', 0):.1f} | {_time(u.get('p50_ms'))} | "
            f"{_time(u.get('p95_ms'))} | {_time(u.get('p99_ms'))} | {u.get('non_2xx', 0)} | "
            f"{_time(u.get('app_cpu_ms_per_request'))} | {'yes' if u.get('meets_goal') else '**no**'} |"
        )
    return lines + [""]


def append_doc(run: dict) -> Path:
    text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{RESULTS_MARKER}\n"
    if RESULTS_MARKER not in text:
        text = text.rstrip() + f"\n\n## Results\n\n{RESULTS_MARKER}\n"
    DOC.write_text(text.rstrip() + "\n\n" + section(run))
    return DOC


def today() -> str:
    return date.today().isoformat()


def ratios(results: list[dict]) -> dict[str, Any]:
    """The final JSON line: every ratio by operation."""
    return {r["name"]: r.get("ratio") for r in results if "ratio" in r}
