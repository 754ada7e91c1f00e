"""Shared kit of the reliability scenarios: throwaway databases, Amity processes, HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_BIN = Path(os.environ.get("AMITY_PG_BIN", "/usr/lib/postgresql/15/bin"))
SHARED_PG = os.environ.get("AMITY_RELIABILITY_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "reliability-pass-2026"


class Skip(Exception):
    """The scenario cannot run here (no PostgreSQL binaries, no mount permission …)."""


@dataclass
class Result:
    scenario: str
    operations: int = 0
    errors: int = 0  # unexplained
    explained: int = 0  # expected refusals: 409 conflicts, 503 during an outage, 507 disk full …
    lost_writes: int = 0
    recovery_s: float | None = None
    seconds: float = 0.0
    skipped: str = ""
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.skipped) or (self.errors == 0 and self.lost_writes == 0)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(var_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMITY_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=database_url,
        AMITY_VAR_DIR=str(var_dir),
        AMITY_SECRET_KEY="reliability-secret-key-" + "x" * 40,
        AMITY_ALLOWED_HOSTS="127.0.0.1,localhost",
        AMITY_TIER_REVIEW="off",
        AMITY_TASKS_BACKEND="database",
        AMITY_LOGIN_FAILURES="100000",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def amity(env: dict[str, str], *args: str, timeout: float = 600, input: str | None = None) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "amity.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )
    if done.returncode:
        raise RuntimeError(f"amity {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


SETUP = """
import json
from amity.accounts.models import User
from amity.accounts.services import token_create
from amity.partners.models import Organization
user, _ = User.objects.get_or_create(username="reliability", defaults={"role": "admin"})
user.role = "admin"
user.set_password(%(password)r)
user.save()
if not Organization.objects.filter(is_home=True).exists():
    Organization.objects.create(name="Reliability Home", is_home=True)
tokens = [token_create(user=user, name=f"reliability {i}", scope="write")[1] for i in range(%(tokens)d)]
print(json.dumps(tokens))
"""


def _migrations_hash() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "amity").glob("*/migrations/*.py")):
        digest.update(f"{path.relative_to(ROOT)}:{path.stat().st_size}".encode())
    return digest.hexdigest()[:10]


def _template_env(env: dict[str, str], url: str) -> dict[str, str]:
    return {**env, "DATABASE_URL": url}


def migrate(env: dict[str, str]) -> None:
    """Bring the database of ``env`` to the current schema - from a migrated template made once
    per set of migrations (migrating from scratch takes minutes on a loaded 2-core box)."""
    url = env["DATABASE_URL"]
    tag = _migrations_hash()
    if url.startswith("sqlite:///"):
        template = Path(tempfile.gettempdir()) / f"amity-rel-template-{tag}.sqlite3"
        if not template.exists():
            partial = template.with_suffix(f".{os.getpid()}.tmp")
            amity(_template_env(env, f"sqlite:///{partial}"), "migrate", "--noinput")
            os.replace(partial, template)
        target = Path(url.removeprefix("sqlite:///"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
        return
    name = f"amity_rel_template_{tag}"
    template_url = f"{SHARED_PG}/{name}"
    import psycopg

    with psycopg.connect(SHARED_PG + "/postgres", autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        building = f"{name}_building"
        shared_pg_database(building)
        amity(_template_env(env, f"{SHARED_PG}/{building}"), "migrate", "--noinput")
        with psycopg.connect(SHARED_PG + "/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    if url.startswith(SHARED_PG + "/"):
        target = url.removeprefix(SHARED_PG + "/")
        with psycopg.connect(SHARED_PG + "/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{name}"')
        return
    dump = subprocess.run(
        [str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges", "-d", template_url],
        capture_output=True,
        timeout=300,
        check=True,
    )
    subprocess.run(
        [
            str(PG_BIN / "psql"),
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url.replace("postgres://", "postgresql://"),
        ],
        input=dump.stdout,
        capture_output=True,
        timeout=300,
        check=True,
    )


def prepare(env: dict[str, str], tokens: int = 1) -> list[str]:
    """Migrate, create the admin user ``reliability`` and ``tokens`` write tokens."""
    migrate(env)
    out = amity(env, "shell", "-c", SETUP % {"password": PASSWORD, "tokens": tokens})
    return json.loads(out.strip().splitlines()[-1])


def django_eval(env: dict[str, str], code: str) -> Any:
    """Run ``code`` in ``amity shell``; it prints one JSON line last, which is returned."""
    out = amity(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


class Proc:
    """A child process with its output in a log file."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self.log = open(log, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self, timeout: float = 20) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def start_server(env: dict[str, str], port: int, log: Path, workers: int = 3, timeout: int = 60) -> Proc:
    argv = [
        PYTHON,
        "-m",
        "gunicorn",
        "reliability.wsgi:application",
        "--preload",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        str(timeout),
        "--error-logfile",
        "-",
    ]
    server = Proc(argv, env, log)
    try:
        wait_http(f"http://127.0.0.1:{port}/login/", server, timeout=240)
    except BaseException:
        server.stop()
        raise
    return server


def start_worker(env: dict[str, str], log: Path, worker_id: str = "") -> Proc:
    argv = [PYTHON, "-m", "amity.cli", "worker", "--no-reminders", "--interval", "0.5"]
    if worker_id:
        argv += ["--worker-id", worker_id]
    return Proc(argv, env, log)


def wait_http(url: str, proc: Proc | None = None, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.process.poll() is not None:
            raise RuntimeError(f"process exited ({proc.process.returncode}):\n{proc.tail()}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def wait_for(predicate, timeout: float, every: float = 0.5, what: str = "condition") -> float:
    """Poll until ``predicate()`` is true; return the seconds it took."""
    start = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"{what} not reached within {timeout:.0f} s")
        time.sleep(every)


# --- PostgreSQL ----------------------------------------------------------------------------


def pg_available() -> str | None:
    """None if a throwaway PostgreSQL cluster can be run here, else why not."""
    for name in ("initdb", "pg_ctl"):
        if not (PG_BIN / name).exists():
            return f"PostgreSQL binaries not found in {PG_BIN} (set AMITY_PG_BIN)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot start PostgreSQL as another user"
    return None


def shared_pg_database(name: str) -> str:
    """A fresh database ``name`` on the shared PostgreSQL server; returns its URL."""
    import psycopg

    with psycopg.connect(SHARED_PG + "/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{SHARED_PG}/{name}"


def drop_shared_pg_database(name: str) -> None:
    import psycopg

    with (
        contextlib.suppress(Exception),
        psycopg.connect(SHARED_PG + "/postgres", autocommit=True, connect_timeout=5) as conn,
    ):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Cluster:
    """A throwaway PostgreSQL cluster of our own (never the shared server): initdb into a
    temporary directory, listen on 127.0.0.1:``port`` only."""

    def __init__(self, port: int) -> None:
        why = pg_available()
        if why:
            raise Skip(why)
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="amity-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "pg.log"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, *argv], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{argv[0]} failed: {done.stderr[-2000:]}{done.stdout[-1000:]}")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/amity"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"postgres://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE amity")

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def scenario_main(doc: str, run, **options: Any) -> None:
    """The command line of one scenario: ``--quick`` plus ``options`` (name=default, given as
    ``--name``), then ``run(quick=..., **options)``; prints the result as JSON, exit 1 unless ok."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    for name, default in options.items():
        kind = type(default) if default is not None else float
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=default)
    args = vars(parser.parse_args())
    try:
        result = run(**args)
    except Skip as exc:
        print(f"skipped: {exc}")
        return
    print(json.dumps(result.as_dict(), indent=2))
    raise SystemExit(0 if result.ok else 1)


def shared_pg_reachable() -> bool:
    """Whether the shared PostgreSQL server (``AMITY_RELIABILITY_PG``) answers."""
    try:
        import psycopg

        with psycopg.connect(SHARED_PG + "/postgres", connect_timeout=3):
            return True
    except Exception:
        return False
