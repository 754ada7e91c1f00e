"""Every page of the demo portfolio, timed: the goal "the small embedded (SQLite) demo portfolio
answers every page in <= 50 ms p95" (issue 8), with the number of queries of each page.

It loads the demo data into a fresh SQLite file (or uses ``--database-url``), signs in as each
demo role and crawls: from ``/``, every same-site link of every page reached (GET only; no
logout, exports, files or calendar feeds), up to ``--max-pages`` per user. Each page is then
requested ``--repeat`` times through Django's test client - the whole server path: middleware,
visibility rule, queries, templates - and the p50/p95 of its time and its query count are kept.

    .venv/bin/python benchmarks/bench_pages.py                    # demo data, admin + partner
    .venv/bin/python benchmarks/bench_pages.py --users hannah --repeat 20 --json out.json

Output: a table of the slowest pages and one JSON line (``pages``, ``p95_ms_max``,
``p95_ms_median``, ``over_goal`` - the pages whose p95 exceeds the goal, ``queries_max``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

GOAL_MS = 50.0
#: Links not followed: they sign out, download, stream or change state on GET.
SKIP = re.compile(
    r"^/(logout|admin/|static/|media/|api/|calendar/|partner/invitations/)|"
    r"(\.csv|\.xlsx|\.pdf|\.ics|/export|/download|/file|/pdf)(/|\?|$)|[?&]format="
)
LINK = re.compile(r"""href="(/[^"#]*)\"""")


def _setup(database_url: str | None) -> str:
    tmp = None
    if not database_url:
        tmp = tempfile.mkdtemp(prefix="amity-bench-pages-")
        database_url = f"sqlite:///{tmp}/amity.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if tmp:
        print(f"loading the demo data into {database_url} …", file=sys.stderr)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("demo", "--no-serve", verbosity=0)
    return database_url


def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def crawl(client, start: str, max_pages: int) -> list[str]:
    """Same-site GET links reachable from ``start`` (breadth first), answering 200 with HTML."""
    seen, queue, pages = {start}, deque([start]), []
    while queue and len(pages) < max_pages:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append(url)
        for href in LINK.findall(response.content.decode(errors="replace")):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if not href or SKIP.search(href) or urlsplit(href).netloc:
                continue
            # One page per route shape with a query string: ?page=2, ?sort=… are the same page.
            if href not in seen and not (("?" in href) and href.split("?")[0] in seen):
                seen.add(href)
                queue.append(href)
    return pages


def time_pages(client, pages: list[str], repeat: int) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = []
    for url in pages:
        client.get(url)  # warm: caches, template loading
        times = []
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries = len(ctx.captured_queries)
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        rows.append({"url": url, "p50_ms": statistics.median(times), "p95_ms": p95, "queries": queries})
    return rows


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", help="an existing database (default: demo data in a temp SQLite file)"
    )
    parser.add_argument("--users", default="hannah,priya", help="demo users to crawl as (comma-separated)")
    parser.add_argument("--max-pages", type=int, default=400, help="pages per user")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page")
    parser.add_argument("--top", type=int, default=15, help="rows of the slowest pages to print")
    parser.add_argument("--json", type=Path, help="write every page's figures here")
    args = parser.parse_args(argv)
    url = _setup(args.database_url)
    rows = []
    for username in [u.strip() for u in args.users.split(",") if u.strip()]:
        client = _client(username)
        pages = crawl(client, "/", args.max_pages)
        print(f"{username}: {len(pages)} pages", file=sys.stderr)
        rows += [{"user": username, **r} for r in time_pages(client, pages, args.repeat)]
    rows.sort(key=lambda r: r["p95_ms"], reverse=True)
    print(f"\n{'user':8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  page")
    for r in rows[: args.top]:
        print(f"{r['user']:8} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['queries']:8d}  {r['url']}")
    p95s = [r["p95_ms"] for r in rows]
    summary = {
        "database": url.split("@")[-1].split("///")[-1] if url else "",
        "pages": len(rows),
        "goal_ms": GOAL_MS,
        "p95_ms_max": round(max(p95s), 1) if p95s else None,
        "p95_ms_median": round(statistics.median(p95s), 1) if p95s else None,
        "over_goal": [f"{r['user']} {r['url']} {r['p95_ms']:.0f} ms" for r in rows if r["p95_ms"] > GOAL_MS],
        "queries_max": max((r["queries"] for r in rows), default=0),
    }
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "pages": rows}, indent=1))
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
