"""``amity serve``: run Amity with gunicorn (sync workers) and the background worker.

The gunicorn command line is built by :func:`gunicorn_argv` and the worker's by
:func:`worker_argv` (tested without starting a server); ``--dry-run`` prints them instead of
running them. The background worker (``amity worker``: imports, daily reminders) runs as a
child process next to gunicorn and is stopped when serve stops; with ``--no-worker`` serve
replaces itself with gunicorn and the worker is run separately.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_DEFAULT_WORKERS = 8


def resolve_host(option: str | None) -> str:
    host = (option or os.environ.get("HOST") or DEFAULT_HOST).strip()
    if not host or any(ch.isspace() for ch in host) or "/" in host:
        raise CommandError(f"HOST={host!r} is not a host name or IP address")
    return host.strip("[]")


def resolve_port(option: str | int | None) -> int:
    name, raw = ("--port", option) if option not in (None, "") else ("PORT", os.environ.get("PORT", ""))
    if raw in (None, ""):
        return DEFAULT_PORT
    try:
        port = int(str(raw).strip())
    except ValueError:
        raise CommandError(f"{name}={raw!r} is not a port number (1-65535)") from None
    if not 1 <= port <= 65535:
        raise CommandError(f"{name}={raw!r} is not a port number (1-65535)")
    return port


def resolve_workers(option: int | None) -> int:
    if option is not None:
        name, raw = "--workers", str(option)
    else:
        name, raw = "WEB_CONCURRENCY", os.environ.get("WEB_CONCURRENCY", "")
    if raw == "":
        # gunicorn's rule of thumb (2 x cores + 1), capped: SQLite has one writer at a time.
        return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)
    try:
        workers = int(raw)
    except ValueError:
        raise CommandError(f"{name}={raw!r} is not a number of workers") from None
    if workers < 1:
        raise CommandError(f"{name}={raw!r} must be at least 1")
    return workers


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def display_url(host: str, port: int) -> str:
    """The URL to open in a browser (a wildcard bind is reached through localhost)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, f"[{host}]" if ":" in host else host)
    return f"http://{shown}:{port}/"


def gunicorn_argv(*, host: str, port: int, workers: int, timeout: int = 60) -> list[str]:
    """The command that serves Amity: this interpreter's gunicorn, sync workers."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "amity.wsgi:application",
        "--bind",
        bind_address(host, port),
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        str(timeout),
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]


def worker_argv() -> list[str]:
    """The background worker, from this interpreter: ``amity worker``."""
    return [sys.executable, "-m", "amity.cli", "worker"]


#: Seconds the worker gets to finish its current task when serve stops.
WORKER_STOP_TIMEOUT = 20


def stop_process(process: subprocess.Popen, timeout: float = WORKER_STOP_TIMEOUT) -> None:
    """SIGTERM a child, wait for it, and kill it if it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_with_worker(server: list[str], worker: list[str]) -> int:
    """Run gunicorn and the worker as children; when gunicorn ends (or serve gets SIGTERM or
    Ctrl+C) stop the worker too. Returns gunicorn's exit code."""
    worker_process = subprocess.Popen(worker)
    try:
        server_process = subprocess.Popen(server)
    except BaseException:
        stop_process(worker_process)
        raise

    def forward(signum, frame) -> None:
        for child in (server_process, worker_process):
            if child.poll() is None:
                child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return server_process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop_process(server_process)
        stop_process(worker_process)


class Command(BaseCommand):
    help = (
        "Serve Amity with gunicorn (sync workers). Runs collectstatic first; whitenoise serves static files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default=None, help=f"Address to bind (default: $HOST or {DEFAULT_HOST})."
        )
        parser.add_argument("--port", default=None, help=f"Port to bind (default: $PORT or {DEFAULT_PORT}).")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"Worker processes (default: $WEB_CONCURRENCY or 2 x CPUs + 1, at most {MAX_DEFAULT_WORKERS}).",
        )
        parser.add_argument(
            "--timeout", type=int, default=60, help="Seconds before a stuck worker is restarted."
        )
        parser.add_argument("--no-collectstatic", action="store_true", help="Skip collectstatic.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background worker (run `amity worker` yourself).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the commands it would run; run nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host = resolve_host(options["host"])
        port = resolve_port(options["port"])
        workers = resolve_workers(options["workers"])
        argv = gunicorn_argv(host=host, port=port, workers=workers, timeout=options["timeout"])
        worker = None if options["no_worker"] else worker_argv()
        if options["dry_run"]:
            self.stdout.write(shlex.join(argv))
            if worker:
                self.stdout.write(shlex.join(worker))
            return
        if not options["no_collectstatic"]:
            problem = collect_static()
            if problem:
                self.stderr.write(f"Static files are served unhashed: hashing them failed ({problem}).")
        url = display_url(host, port)
        self.stdout.write(
            self.style.SUCCESS(f"Amity is serving at {url}")
            + f" ({workers} sync workers{', background worker' if worker else ''}; Ctrl+C stops)."
        )
        if not _host_allowed(host):
            self.stderr.write(
                f"Note: requests for {host} are refused unless AMITY_ALLOWED_HOSTS includes it "
                f"(now: {', '.join(settings.ALLOWED_HOSTS)})."
            )
        sys.stdout.flush()
        sys.stderr.flush()
        connections.close_all()
        if worker is None:
            os.execv(argv[0], argv)
            return
        code = run_with_worker(argv, worker)
        if code not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise CommandError(f"gunicorn stopped with exit code {code}.", returncode=code if code > 0 else 1)


MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
PLAIN_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def collect_static() -> str | None:
    """Collect static files into STATIC_ROOT, hashed and compressed unless DEBUG.

    Settings pick the manifest storage only once ``staticfiles.json`` exists, so the
    collection asks for it explicitly; the gunicorn workers then serve hashed names. If
    hashing fails (e.g. a vendored file points to a missing source map), collect plain
    files instead - whitenoise then serves them by name - and return the reason.
    """
    from django.test.utils import override_settings

    if settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
        return None
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    try:
        with override_settings(STORAGES=storages):
            call_command("collectstatic", interactive=False, verbosity=0)
    except Exception as exc:  # whitenoise/Django raise several kinds while post-processing
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        manifest.unlink(missing_ok=True)  # a stale manifest would break every page
        plain = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STORAGE}}
        with override_settings(STORAGES=plain):
            call_command("collectstatic", interactive=False, verbosity=0)
        return str(exc).strip().splitlines()[0]
    return None


def _host_allowed(host: str) -> bool:
    if host in ("0.0.0.0", "::"):
        return True
    allowed = settings.ALLOWED_HOSTS
    return "*" in allowed or host in allowed or f"[{host}]" in allowed
