"""``amity serve``: the gunicorn command line, defaults from the environment, bad values."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amity.core.management.commands import serve


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("HOST", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)


def test_gunicorn_runs_amity_with_sync_workers_from_this_interpreter():
    argv = serve.gunicorn_argv(host="127.0.0.1", port=8000, workers=3)
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "amity.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--worker-class") + 1] == "sync"


def test_ipv6_addresses_are_bracketed():
    assert serve.bind_address("::1", 8000) == "[::1]:8000"
    assert serve.display_url("::1", 8000) == "http://[::1]:8000/"


def test_a_wildcard_bind_is_opened_through_localhost():
    assert serve.display_url("0.0.0.0", 9000) == "http://127.0.0.1:9000/"


def test_defaults_are_127_0_0_1_port_8000():
    assert serve.resolve_host(None) == "127.0.0.1"
    assert serve.resolve_port(None) == 8000
    assert 1 <= serve.resolve_workers(None) <= serve.MAX_DEFAULT_WORKERS


def test_host_and_port_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9001")
    out = StringIO()
    call_command("serve", "--dry-run", stdout=out)
    assert "--bind 0.0.0.0:9001" in out.getvalue()


def test_options_override_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "9001")
    out = StringIO()
    call_command("serve", "--dry-run", "--host", "localhost", "--port", "7000", "--workers", "2", stdout=out)
    assert "--bind localhost:7000" in out.getvalue()
    assert "--workers 2" in out.getvalue()


@pytest.mark.parametrize("value", ["abc", "0", "70000"])
def test_a_bad_port_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("PORT", value)
    with pytest.raises(CommandError, match="PORT"):
        serve.resolve_port(None)
    with pytest.raises(CommandError, match="--port"):
        serve.resolve_port(value)


def test_workers_must_be_at_least_one(monkeypatch):
    with pytest.raises(CommandError, match="--workers"):
        serve.resolve_workers(0)
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    with pytest.raises(CommandError, match="WEB_CONCURRENCY"):
        serve.resolve_workers(None)


def test_a_bad_host_is_refused():
    with pytest.raises(CommandError, match="HOST"):
        serve.resolve_host("local host")


def test_serve_collects_static_files_then_replaces_itself_with_gunicorn(monkeypatch):
    events = []
    monkeypatch.setattr(serve, "collect_static", lambda: events.append("collectstatic"))
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: events.append(("exec", path, argv)))
    out = StringIO()
    call_command("serve", "--port", "8765", "--workers", "1", "--no-worker", stdout=out, stderr=StringIO())
    assert events[0] == "collectstatic"
    _, path, argv = events[1]
    assert path == sys.executable and "127.0.0.1:8765" in argv
    assert "http://127.0.0.1:8765/" in out.getvalue()


def test_dry_run_neither_collects_nor_executes(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("must not run")

    monkeypatch.setattr(serve, "collect_static", fail)
    monkeypatch.setattr(serve.os, "execv", fail)
    call_command("serve", "--dry-run", stdout=StringIO())


def test_serve_runs_gunicorn_and_the_background_worker_side_by_side(monkeypatch):
    events = []
    monkeypatch.setattr(serve, "collect_static", lambda: None)
    monkeypatch.setattr(serve.os, "execv", lambda *a: events.append("exec"))
    monkeypatch.setattr(serve, "run_with_worker", lambda server, worker: events.append((server, worker)) or 0)
    out = StringIO()
    call_command("serve", "--port", "8766", "--workers", "1", stdout=out, stderr=StringIO())
    ((server, worker),) = events
    assert "127.0.0.1:8766" in server
    assert worker == [sys.executable, "-m", "amity.cli", "worker"]
    assert "background worker" in out.getvalue()


def test_a_failing_gunicorn_is_an_error(monkeypatch):
    monkeypatch.setattr(serve, "collect_static", lambda: None)
    monkeypatch.setattr(serve, "run_with_worker", lambda server, worker: 3)
    with pytest.raises(CommandError, match="exit code 3"):
        call_command("serve", "--workers", "1", stdout=StringIO(), stderr=StringIO())


def test_dry_run_prints_both_commands():
    out = StringIO()
    call_command("serve", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert "gunicorn" in lines[0] and lines[1].endswith("-m amity.cli worker")
    out = StringIO()
    call_command("serve", "--dry-run", "--no-worker", stdout=out)
    assert len(out.getvalue().splitlines()) == 1


def test_the_worker_is_stopped_when_the_server_ends(tmp_path):
    stopped = tmp_path / "stopped"
    worker = [
        sys.executable,
        "-c",
        "import signal, sys, time, pathlib\n"
        f"signal.signal(signal.SIGTERM, lambda *a: (pathlib.Path({str(stopped)!r}).write_text('bye'), sys.exit(0)))\n"
        "time.sleep(60)",
    ]
    server = [sys.executable, "-c", "import time; time.sleep(0.5)"]
    started = time.monotonic()
    assert serve.run_with_worker(server, worker) == 0
    assert stopped.read_text() == "bye"
    assert time.monotonic() - started < 15


def test_a_worker_that_ignores_sigterm_is_killed(tmp_path, monkeypatch):
    worker = [
        sys.executable,
        "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)",
    ]
    process = subprocess.Popen(worker)
    time.sleep(0.3)
    serve.stop_process(process, timeout=0.5)
    assert process.returncode == -signal.SIGKILL
