"""HTTP under load (issue 8): `amity serve` (gunicorn, sync workers) on loopback, driven by wrk.

Starts `amity serve --no-worker` on a free loopback port against a database, signs in a load
user (an admin: a session through the sign-in form for the pages, a read token for the API),
then runs wrk at ``--connections`` (32) for ``--duration`` seconds per URL over the main pages
(dashboard, alliance list, detail and pipeline, scorecards, partner list, opportunity list and
detail, account and registration lists, forecast) and the API lists. For each URL: throughput (req/s), latency p50/p95/p99 (ms) and the count of
responses that were not 2xx (a redirect to the sign-in page counts) - a table, one JSON line on
stdout and ``--json PATH``.

    .venv/bin/python benchmarks/http_load.py                       # demo data, fresh SQLite file
    .venv/bin/python benchmarks/http_load.py --database-url postgres://postgres@127.0.0.1:5432/amity_http \\
        --fresh --data demo                                        # drop, create, migrate, load
    .venv/bin/python benchmarks/http_load.py --database-url postgres://…/amity_gen --data none
    .venv/bin/python benchmarks/http_load.py --database-url postgres://…/amity_http --fresh \\
        --data generate --size medium                              # `amity generate` (src/amity/synth)

Each URL is first requested alone (twice: the first request of a gunicorn worker loads code and
templates); one that takes longer than ``--max-single-ms`` alone is reported but not loaded (at
32 connections it would only measure the queue). Next to wrk's numbers each URL gets the CPU time
a request cost the app server (and, on PostgreSQL, the database backends), which does not depend
on what else the machine is doing, and the throughput that implies with every core idle.

In the database it creates (or resets) the user ``amity-load`` (admin, a random password) and a
read token that expires after a day. Needs wrk (`apt-get install wrk`). The goal: p95 <= 150 ms
at 32 connections for every URL.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "http" / "report.lua"
GOAL_P95_MS = 150.0
#: Seconds a single request (sign-in, checks, draining) may take before the run gives up.
REQUEST_TIMEOUT = 600
LOAD_USER = "amity-load"

#: `amity generate` sizes (partners, alliances, opportunities, accounts per side).
SIZES = {
    "small": ("1k", "200", "50k", "10k"),
    "medium": ("10k", "2000", "500k", "100k"),
    "large": ("100k", "10k", "5M", "1M"),
}


class LoadError(Exception):
    """Something the run needs is missing or broke; the message says what to do."""


# --- processes --------------------------------------------------------------------------------


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise LoadError("wrk is not installed: apt-get install -y wrk (Debian package)")
    return wrk


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def amity_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of every amity process of a run: one database, one secret key."""
    env = {k: v for k, v in os.environ.items() if k not in ("AMITY_TEST_DATABASE_URL", "PYTHONPATH")}
    env.update(
        DJANGO_SETTINGS_MODULE="amity.settings",
        DATABASE_URL=database_url,
        AMITY_VAR_DIR=str(var_dir),
        AMITY_SECRET_KEY=env.get("AMITY_SECRET_KEY") or secrets.token_urlsafe(48),
        AMITY_LOG_LEVEL="WARNING",
        AMITY_ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(REPO),  # tests.scale.tasks for the scale-out jobs
    )
    env.update(extra)
    return env


def _run(env: dict[str, str], argv: list[str], what: str, timeout: float | None) -> str:
    result = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise LoadError(f"{what} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def amity(env: dict[str, str], *args: str, timeout: float | None = None) -> str:
    """Run one `amity` command; its stdout, or LoadError with its stderr."""
    return _run(env, [sys.executable, "-m", "amity.cli", *args], f"amity {' '.join(args)}", timeout)


def python(env: dict[str, str], code: str, timeout: float | None = 600) -> str:
    """Run Python with Django set up (settings from ``env``); its stdout."""
    return _run(env, [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"], "setup code", timeout)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM a child's process group, wait, SIGKILL what is left."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_http(url: str, process: subprocess.Popen | None = None, timeout: float = 90) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise LoadError(f"the server stopped with exit code {process.returncode} before answering {url}")
        try:
            # Generous: a gunicorn worker loads Amity on its first request (15 s seen on a busy
            # box), and a request given up on still waits in the backlog.
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            conn.request("GET", parts.path or "/")
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise LoadError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.3)


@dataclass
class Server:
    """`amity serve --no-worker` (gunicorn) on a loopback port, its output in a log file."""

    env: dict[str, str]
    port: int
    workers: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, collectstatic: bool = False) -> Server:
        argv = [sys.executable, "-m", "amity.cli", "serve", "--no-worker", "--host", "127.0.0.1"]
        argv += ["--port", str(self.port), "--workers", str(self.workers)]
        if not collectstatic:
            argv.append("--no-collectstatic")
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                argv, env=self.env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_http(f"{self.url}/healthz", self.process)
        except LoadError as exc:
            raise LoadError(f"{exc}\n{self.log.read_text()[-3000:]}") from None
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


# --- CPU time: what a request costs, whatever else the machine is doing ---------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stats() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, user + system CPU seconds) of every process (Linux /proc)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return stats


def tree_cpu(roots: list[int]) -> float:
    """CPU seconds used so far by the processes ``roots`` and all their descendants."""
    stats = _proc_stats()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, list(roots)
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            todo.extend(children.get(pid, []))
    return total


class DatabaseCpu:
    """CPU seconds of the PostgreSQL backends serving one database (same machine; None on SQLite,
    where the database work is inside the app processes and counted there)."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url if database_url.startswith("postgres") else ""

    def backends(self) -> list[int]:
        import psycopg

        name = urlsplit(self.url).path.lstrip("/")
        admin = urlsplit(self.url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
        return [pid for (pid,) in rows]

    def seconds(self) -> float | None:
        if not self.url:
            return None
        return tree_cpu(self.backends())


@dataclass
class CpuMeter:
    """CPU seconds of the app servers (and of their database's backends) across one load run."""

    app_pids: list[int]
    database: DatabaseCpu

    def __enter__(self) -> CpuMeter:
        self.app0, self.db0 = tree_cpu(self.app_pids), self.database.seconds()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.started
        self.app = tree_cpu(self.app_pids) - self.app0
        db1 = self.database.seconds()
        # Backends that ended during the run take their CPU with them: a lower bound.
        self.db = None if db1 is None or self.db0 is None else max(0.0, db1 - self.db0)

    def per_request(self, requests: int) -> dict:
        if not requests:
            return {}
        found = {
            "app_cpu_ms_per_request": round(self.app * 1000 / requests, 2),
            "app_cpu_cores_busy": round(self.app / self.wall, 2),
        }
        if self.db is not None:
            found["db_cpu_ms_per_request"] = round(self.db * 1000 / requests, 2)
        return found


# --- the database and its data -----------------------------------------------------------------


def recreate_postgres(database_url: str, template: str = "") -> None:
    """Drop and create the PostgreSQL database of ``database_url`` (its name must start with amity),
    as a copy of the database ``template`` when given."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"amity[a-z0-9_]*", name):
        raise LoadError(f"--fresh drops the database: its name must start with 'amity' (got {name!r})")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template:
            if not re.fullmatch(r"[A-Za-z0-9_]+", template):
                raise LoadError(f"not a database name: {template!r}")
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_postgres(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def has_generate() -> bool:
    return (REPO / "src" / "amity" / "demo" / "management" / "commands" / "generate.py").exists() or any(
        (REPO / "src" / "amity").glob("*/management/commands/generate.py")
    )


def load_data(env: dict[str, str], data: str, size: str, say=print) -> None:
    """Migrate, then load the demo data or `amity generate` data of ``size``."""
    started = time.perf_counter()
    say("migrating …")
    amity(env, "migrate", "--no-input", "-v", "0")
    if data == "demo":
        say("loading the demo data …")
        amity(env, "demo", "--no-serve")
    elif data == "generate":
        if not has_generate():
            raise LoadError("`amity generate` is not in this checkout (src/amity/synth): use --data demo")
        partners, alliances, opportunities, accounts = SIZES[size]
        say(
            f"amity generate ({size}: {partners} partners, {alliances} alliances, {opportunities} opportunities) …"
        )
        amity(
            env,
            "generate",
            "--partners",
            partners,
            "--alliances",
            alliances,
            "--opportunities",
            opportunities,
            "--accounts",
            accounts,
        )
    say(f"data ready in {time.perf_counter() - started:.0f} s")


SETUP_CODE = """
import json, secrets
from django.db.models import Count, Q
from amity.accounts.models import User
from amity.accounts.services import token_create
from amity.alliances.models import Alliance
from amity.core.roles import Role
from amity.partners.models import Organization
from amity.pipeline.models import Opportunity

user = User.objects.filter(username=USERNAME).first() or User(username=USERNAME)
user.first_name, user.last_name, user.role, user.is_active = "Load", "Test", Role.ADMIN, True
password = secrets.token_urlsafe(18)
user.set_password(password)
user.save()
token, raw = token_create(user=user, name="http load", days=1)
# The busiest alliance (most opportunities) and a typical one (the median).
ranked = list(
    Alliance.objects.filter(archived_at__isnull=True)
    .annotate(n=Count("opportunity_links"))
    .order_by("-n", "pk")
    .values_list("pk", "n")
)
if not ranked:
    raise SystemExit("the database holds no alliance: load data first (--data demo)")
(busiest, busiest_n), (typical, typical_n) = ranked[0], ranked[len(ranked) // 2]
opportunity = (
    Opportunity.objects.filter(archived_at__isnull=True, links__alliance=typical).order_by("pk").first()
    or Opportunity.objects.filter(archived_at__isnull=True).order_by("pk").first()
)
partner = Organization.objects.filter(is_home=False, archived_at__isnull=True).order_by("pk").first()
print(json.dumps({
    "username": USERNAME, "password": password, "token": raw,
    "alliance": typical, "alliance_opportunities": typical_n,
    "busiest_alliance": busiest, "busiest_alliance_opportunities": busiest_n,
    "opportunity": opportunity.pk if opportunity else None,
    "organization": partner.pk if partner else None,
    "counts": {
        "alliances": Alliance.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "organizations": Organization.objects.count(),
    },
}))
"""


def setup_user(env: dict[str, str]) -> dict:
    """The load user (admin; a fresh password and a read token) and the ids the URLs need."""
    out = python(env, f"USERNAME = {LOAD_USER!r}\n{SETUP_CODE}")
    return json.loads(out.strip().splitlines()[-1])


def sign_in(base_url: str, username: str, password: str) -> str:
    """Sign in through the form (CSRF and all); the session cookie, as a Cookie header value."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
    conn.request("GET", "/login/")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = _cookies(response)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or not match or "csrftoken" not in cookies:
        raise LoadError(f"GET /login/ answered {response.status} without a CSRF token")
    body = urlencode({"csrfmiddlewaretoken": match.group(1), "username": username, "password": password})
    conn.request(
        "POST",
        "/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"{base_url}/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies.update(_cookies(response))
    if response.status != 302 or "sessionid" not in cookies:
        raise LoadError(f"signing in as {username} failed: POST /login/ answered {response.status}")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


# --- the load ---------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    path: str
    kind: str  # "page" (session cookie) or "api" (bearer token)


def targets(ids: dict) -> list[Target]:
    found = [
        Target("dashboard", "/", "page"),
        Target("alliance list", "/alliances/", "page"),
        Target("alliance detail", f"/alliances/{ids['alliance']}/", "page"),
    ]
    if ids.get("busiest_alliance") != ids["alliance"]:
        found.append(Target("alliance detail (busiest)", f"/alliances/{ids['busiest_alliance']}/", "page"))
    found += [
        Target("alliance pipeline", f"/alliances/{ids['alliance']}/pipeline/", "page"),
        Target("scorecards", "/scorecards/", "page"),
        Target("partner list", "/partners/", "page"),
        Target("opportunity list", "/pipeline/opportunities/", "page"),
    ]
    if ids.get("opportunity"):
        found.append(Target("opportunity detail", f"/pipeline/opportunities/{ids['opportunity']}/", "page"))
    found += [
        Target("account list", "/pipeline/accounts/", "page"),
        Target("registration list", "/pipeline/registrations/", "page"),
        Target("forecast", "/pipeline/forecast/", "page"),
        Target("API alliances", "/api/v1/alliances", "api"),
        Target("API opportunities", "/api/v1/opportunities", "api"),
        Target("API organizations", "/api/v1/organizations", "api"),
        Target("API accounts", "/api/v1/accounts", "api"),
        Target("API alliance", f"/api/v1/alliances/{ids['alliance']}", "api"),
    ]
    return found


@dataclass
class Auth:
    cookie: str
    token: str

    def headers(self, kind: str) -> list[str]:
        if kind == "api":
            return [f"Authorization: Bearer {self.token}"]
        return [f"Cookie: {self.cookie}"]


def check(base_url: str, target: Target, auth: Auth) -> tuple[int, float]:
    """One request alone; its time in ms. A URL that does not answer 200 is a broken benchmark,
    not a slow one."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
    headers = dict(h.split(": ", 1) for h in auth.headers(target.kind))
    started = time.perf_counter()
    conn.request("GET", target.path, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        where = response.getheader("Location") or ""
        raise LoadError(f"GET {target.path} answered {response.status} {where}".strip())
    return response.status, elapsed


def drain(base_url: str) -> float:
    """Wait until the server has worked off what the last load left queued (wrk closes its
    connections at the end, but the requests gunicorn already took are still rendered); seconds."""
    parts = urlsplit(base_url)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
    conn.request("GET", "/healthz")
    conn.getresponse().read()
    return time.perf_counter() - started


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    non_2xx: int
    errors: dict[str, int] = field(default_factory=dict)
    non_2xx_by_status: dict[str, int] = field(default_factory=dict)


def ok(measured: WrkResult) -> bool:
    """The goal for one URL: answers (all 2xx, no socket errors) with p95 <= 150 ms."""
    return (
        measured.requests > 0
        and measured.non_2xx == 0
        and not measured.errors
        and measured.p95_ms <= GOAL_P95_MS
    )


def run_wrk(
    url: str,
    headers: list[str],
    *,
    duration: float,
    connections: int,
    threads: int = 2,
    timeout: float | None = None,
    paths: list[str] | None = None,
) -> WrkResult:
    """wrk against ``url`` (or, with ``paths``, against each of them in turn on url's host).

    wrk's timeout is longer than the run (``duration`` + 60 s) unless given: a timed-out request
    is sent again on a new connection while the server still renders the first, so on a slow page
    short timeouts pile requests up in gunicorn's backlog (minutes of work after the run)."""
    timeout = duration + 60 if timeout is None else timeout
    argv = [require_wrk(), "-t", str(min(threads, connections)), "-c", str(connections)]
    argv += ["-d", f"{max(1, round(duration))}s", "--timeout", f"{round(timeout)}s", "-s", str(LUA)]
    for header in headers:
        argv += ["-H", header]
    argv.append(url)
    if paths:
        argv += ["--", *paths]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=duration + timeout + 60)
    line = next((x for x in result.stdout.splitlines() if x.startswith("AMITY_WRK_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise LoadError(f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout[-1000:]}")
    data = json.loads(line.removeprefix("AMITY_WRK_JSON "))
    lat = data["latency_us"]
    seconds = data["duration_us"] / 1e6
    errors = {k: v for k, v in data["errors"].items() if v}
    return WrkResult(
        requests=data["requests"],
        seconds=round(seconds, 2),
        rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=lat["p50"] / 1000,
        p90_ms=lat["p90"] / 1000,
        p95_ms=lat["p95"] / 1000,
        p99_ms=lat["p99"] / 1000,
        max_ms=lat["max"] / 1000,
        mean_ms=round(lat["mean"] / 1000, 2),
        non_2xx=data["non_2xx"],
        errors=errors,
        non_2xx_by_status=data["non_2xx_by_status"],
    )


def warm_up(
    url: str,
    headers: list[str],
    seconds: float,
    connections: int,
    workers: int,
    paths: list[str] | None = None,
) -> None:
    """Load ``url`` until every gunicorn worker has surely served it a few times (the first
    requests of a worker load its code and templates: seconds on a busy box, which would count
    against the page otherwise): rounds of ``seconds`` until 3 requests a worker (per path) are
    done, 60 s at most."""
    wanted = 3 * workers * max(1, len(paths or []))
    done, deadline = 0, time.monotonic() + 60
    while done < wanted and time.monotonic() < deadline:
        done += run_wrk(url, headers, duration=seconds, connections=connections, paths=paths).requests
        # What a round left queued in gunicorn is rendered before the next round starts; else,
        # on a page slower than the round, every round adds ``connections`` requests to a backlog.
        drain(url)


def table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    """A plain text table: columns are (key, heading, format)."""
    cells = [[h for _, h, _ in columns]]
    for row in rows:
        cells.append([format(row.get(k, ""), f) if row.get(k) is not None else "" for k, _, f in columns])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = []
    for n, r in enumerate(cells):
        lines.append(
            "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops a run as Ctrl+C does: the cleanup stops every process it started."""
    raise KeyboardInterrupt


def machine() -> dict:
    return {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="", help="Database to serve (default: a fresh SQLite file)."
    )
    parser.add_argument(
        "--fresh", action="store_true", help="Drop and create the PostgreSQL database first (name amity…)."
    )
    parser.add_argument(
        "--data",
        choices=("demo", "generate", "none"),
        default=None,
        help="Load data first: the demo portfolio, `amity generate` data, or nothing "
        "(default: demo for a fresh database, none for a given one).",
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="medium", help="Size for --data generate.")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: amity serve's)."
    )
    parser.add_argument("--connections", type=int, default=32, help="Concurrent connections (default 32).")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2).")
    parser.add_argument("--duration", type=float, default=15, help="Seconds of load per URL (default 15).")
    parser.add_argument("--warmup", type=float, default=2, help="Seconds of load per URL before (default 2).")
    parser.add_argument(
        "--max-single-ms",
        type=float,
        default=1000,
        help="Do not load a URL that takes longer than this alone (ms, default 1000): it misses the goal anyway.",
    )
    parser.add_argument(
        "--only", default="", help="Only the URLs whose name contains one of these (comma-separated)."
    )
    parser.add_argument("--json", dest="json_path", default="", help="Also write the JSON result here.")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="Keep the temporary directory (logs, SQLite file) and a --fresh database.",
    )
    args = parser.parse_args(argv)

    try:
        require_wrk()
        result = run(args)
    except LoadError as exc:
        print(f"http_load: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the server did not answer within REQUEST_TIMEOUT, …
        print(f"http_load: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("http_load: interrupted; everything it started is stopped.", file=sys.stderr)
        return 130
    line = json.dumps(result)
    print(line)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["all_2xx"] else 1


def run(args: argparse.Namespace) -> dict:
    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    with ExitStack() as cleanup:
        tmp = Path(tempfile.mkdtemp(prefix="amity-http-load-"))
        if not args.keep:
            cleanup.callback(shutil.rmtree, tmp, True)
        # SIGTERM stops the run like Ctrl+C: the ExitStack stops the server.
        signal.signal(signal.SIGTERM, interrupt)
        database_url = args.database_url or f"sqlite:///{tmp / 'amity.sqlite3'}"
        fresh = not args.database_url or args.fresh
        data = args.data or ("demo" if fresh else "none")
        if args.fresh and database_url.startswith("postgres"):
            say(f"creating {urlsplit(database_url).path.lstrip('/')} …")
            recreate_postgres(database_url)
            if not args.keep:
                cleanup.callback(drop_postgres, database_url)
        # Database connections live through the run, so the CPU of their backends can be read.
        env = amity_env(database_url, tmp / "var", AMITY_DB_CONN_MAX_AGE="600")
        if data != "none":
            load_data(env, data, args.size, say)
        ids = setup_user(env)
        say(
            f"data: {ids['counts']}; alliance {ids['alliance']} ({ids['alliance_opportunities']} opportunities)"
        )

        server = Server(env, free_port(), args.workers or _default_workers(), tmp / "serve.log")
        cleanup.callback(server.stop)
        say(f"starting amity serve (gunicorn, {server.workers} sync workers) at {server.url} …")
        server.start()
        auth = Auth(cookie=sign_in(server.url, ids["username"], ids["password"]), token=ids["token"])

        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        chosen = [t for t in targets(ids) if not wanted or any(w in t.name for w in wanted)]
        alone: dict[str, tuple[float, float]] = {}
        for target in chosen:
            # The first request of a page in a worker loads its code; the second is the page.
            alone[target.name] = (check(server.url, target, auth)[1], check(server.url, target, auth)[1])
            say(
                f"{target.name:26} alone: {alone[target.name][1]:8.1f} ms (first {alone[target.name][0]:.0f} ms)"
            )
        too_slow = {t.name for t in chosen if alone[t.name][1] > args.max_single_ms}
        if args.warmup > 0:
            # Every gunicorn worker loads its views and templates on its first requests (seconds
            # on a busy box): warm them all up on the whole mix first.
            say(f"warming up ({args.warmup * 3:.0f} s) …")
            warm_up(
                server.url + "/",
                [*auth.headers("page"), *auth.headers("api")],
                args.warmup * 3,
                args.connections,
                server.workers,
                paths=[t.path for t in chosen if t.name not in too_slow],
            )
            drain(server.url)
        rows = []
        for target in chosen:
            first_ms, single_ms = alone[target.name]
            if target.name in too_slow:
                # 32 connections of a page that takes seconds alone only measure the queue (and
                # take minutes to drain): the page misses the goal by itself.
                rows.append(
                    {
                        "name": target.name,
                        "path": target.path,
                        "kind": target.kind,
                        "first_ms": round(first_ms, 1),
                        "single_ms": round(single_ms, 1),
                        "requests": 0,
                        "skipped": f"one request alone takes {single_ms:.0f} ms (> --max-single-ms)",
                        "meets_goal": False,
                    }
                )
                say(f"{target.name:26} not loaded: one request alone takes {single_ms:.0f} ms")
                continue
            headers = auth.headers(target.kind)
            if args.warmup > 0:
                warm_up(server.url + target.path, headers, args.warmup, args.connections, server.workers)
                drain(server.url)  # what the warm-up left queued would count against this URL
            with CpuMeter([server.process.pid], DatabaseCpu(database_url)) as cpu:
                measured = run_wrk(
                    server.url + target.path,
                    headers,
                    duration=args.duration,
                    connections=args.connections,
                    threads=args.threads,
                )
            drained = drain(server.url)
            row = {
                "name": target.name,
                "path": target.path,
                "kind": target.kind,
                "first_ms": round(first_ms, 1),
                "single_ms": round(single_ms, 1),
            }
            row.update(measured.__dict__)
            row["drain_s"] = round(drained, 1)
            row.update(cpu.per_request(measured.requests))
            if row.get("app_cpu_ms_per_request"):
                # What the page could do with every core to itself: cores / CPU time per request.
                cost = row["app_cpu_ms_per_request"] + row.get("db_cpu_ms_per_request", 0)
                row["rps_if_cores_idle"] = round((os.cpu_count() or 1) * 1000 / cost, 1)
            row["load_average_1m"] = round(os.getloadavg()[0], 2)
            row["meets_goal"] = ok(measured)
            rows.append(row)
            say(
                f"{target.name:26} {measured.rps:8.1f} req/s  p50 {measured.p50_ms:7.1f}  "
                f"p95 {measured.p95_ms:7.1f}  p99 {measured.p99_ms:7.1f} ms  non-2xx {measured.non_2xx}"
            )
        say("")
        say(
            table(
                rows,
                [
                    ("name", "URL", "s"),
                    ("single_ms", "alone ms", ".1f"),
                    ("rps", "req/s", ".1f"),
                    ("p50_ms", "p50 ms", ".1f"),
                    ("p95_ms", "p95 ms", ".1f"),
                    ("p99_ms", "p99 ms", ".1f"),
                    ("non_2xx", "non-2xx", "d"),
                    ("app_cpu_ms_per_request", "app CPU ms", ".1f"),
                    ("db_cpu_ms_per_request", "DB CPU ms", ".1f"),
                    ("rps_if_cores_idle", "req/s idle cores", ".0f"),
                    ("meets_goal", "p95<=150", ""),
                ],
            )
        )
        engine = "postgresql" if database_url.startswith("postgres") else "sqlite"
        return {
            "benchmark": "http_load",
            "database": engine,
            "data": data if data != "none" else "existing",
            "counts": ids["counts"],
            "alliance_opportunities": ids["alliance_opportunities"],
            "busiest_alliance_opportunities": ids["busiest_alliance_opportunities"],
            "gunicorn_workers": server.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "goal_p95_ms": GOAL_P95_MS,
            "machine": machine(),
            "urls": rows,
            "all_2xx": all(r["requests"] > 0 and r["non_2xx"] == 0 and not r["errors"] for r in rows),
            "goal_met": all(r["meets_goal"] for r in rows),
        }


def _default_workers() -> int:
    sys.path.insert(0, str(REPO / "src"))
    from amity.core.management.commands.serve import resolve_workers

    return resolve_workers(None)


if __name__ == "__main__":
    sys.exit(main())
