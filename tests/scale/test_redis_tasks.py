"""The Redis task queue (AMITY_TASKS_BACKEND=redis): `amity worker` runs it with RQ, and with
several workers every job runs exactly once.

Against the real Redis on 127.0.0.1:6379 (AMITY_TEST_REDIS_URL to use another), in its database
15, whose RQ keys are removed before and after; skipped with the reason when Redis is not
reachable or the `scale` extra (django-tasks-rq) is not installed. The workers are real
`amity worker` processes on a SQLite file; each job writes one row (tests/scale/tasks.py).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip(
    "django_tasks_rq", reason="the Redis task backend is not installed: pip install -e '.[scale]'"
)
redis = pytest.importorskip("redis", reason="redis-py is not installed: pip install -e '.[scale]'")

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("AMITY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TABLE = "scale_task_run"


def _redis():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}): start redis-server to run these tests")
    return client


def _clean(client) -> None:
    keys = list(client.scan_iter("rq:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_db():
    client = _redis()
    _clean(client)
    yield client
    _clean(client)
    client.close()


@pytest.fixture
def env(tmp_path, redis_db):
    """The environment of a worker: Redis queue, a SQLite file with the runs table."""
    database = tmp_path / "scale.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(f"CREATE TABLE {TABLE} (task_key varchar(100) NOT NULL, worker_pid integer, ran_at real)")
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AMITY_") and k not in ("DATABASE_URL", "PYTHONPATH")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="amity.settings",
        AMITY_VAR_DIR=str(tmp_path),
        AMITY_TASKS_BACKEND="redis",
        AMITY_REDIS_URL=REDIS_URL,
        DATABASE_URL=f"sqlite:///{database}",
        PYTHONPATH=str(REPO),  # the workers import tests.scale.tasks
    )
    return environment


def _python(env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _enqueue(env: dict[str, str], count: int, seconds: float = 0.0) -> None:
    _python(env, f"from tests.scale.tasks import enqueue; enqueue({count}, 'job', {seconds})")


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "amity.cli", "worker", "--no-reminders", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _runs(env: dict[str, str]) -> dict[str, list[int]]:
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        rows = db.execute(f"SELECT task_key, worker_pid FROM {TABLE}").fetchall()
    runs: dict[str, list[int]] = {}
    for key, pid in rows:
        runs.setdefault(key, []).append(pid)
    return runs


def test_two_burst_workers_run_every_job_exactly_once(env, redis_db):
    count = 60
    _enqueue(env, count)
    assert redis_db.llen("rq:queue:default") == count

    workers = [_worker(env, "--batch") for _ in range(2)]
    outputs = [w.communicate(timeout=180)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    runs = _runs(env)
    assert sorted(runs) == sorted(f"job-{i}" for i in range(count))
    assert all(len(pids) == 1 for pids in runs.values()), {k: v for k, v in runs.items() if len(v) > 1}
    assert redis_db.llen("rq:queue:default") == 0
    assert "running queued tasks from Redis" in outputs[0]


def test_running_workers_share_the_jobs_and_stop_cleanly_on_sigterm(env, redis_db):
    from rq import Worker

    workers = [_worker(env) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while len(Worker.all(connection=redis_db)) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            assert all(w.poll() is None for w in workers), [w.communicate()[0] for w in workers]
            time.sleep(0.2)

        count = 40
        _enqueue(env, count, seconds=0.05)  # 2 s of work: both workers get a share
        deadline = time.monotonic() + 120
        while sum(len(p) for p in _runs(env).values()) < count:
            assert time.monotonic() < deadline, f"only {len(_runs(env))} of {count} jobs ran"
            time.sleep(0.2)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        # RQ stops its scheduler process too; on a loaded 2-core box that took over 60 s once.
        outputs = [w.communicate(timeout=180)[0] for w in workers]

    assert [w.returncode for w in workers] == [0, 0], outputs
    assert all("worker stopped" in out for out in outputs), outputs
    runs = _runs(env)
    assert len(runs) == count
    assert all(len(pids) == 1 for pids in runs.values())
    assert {pids[0] for pids in runs.values()} == {w.pid for w in workers}
    assert Worker.all(connection=redis_db) == []  # both said goodbye to Redis


def test_the_daily_reminders_go_to_the_redis_queue_once_a_day(db, settings, redis_db):
    from datetime import date

    from django_tasks import task_backends

    from amity.notifications import services
    from amity.notifications.models import ScheduledRun

    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    day = date(2026, 11, 2)

    assert services.daily_reminders_schedule(today=day) is True
    assert services.daily_reminders_schedule(today=day) is False

    assert redis_db.llen("rq:queue:default") == 1
    run = ScheduledRun.objects.get(day=day)
    result = task_backends["default"].get_result(run.task_result_id)
    assert result.task.module_path == "amity.notifications.tasks.send_daily_reminders"
    assert result.args == ["2026-11-02"]


def test_a_worker_says_clearly_when_redis_is_away(env):
    env = {**env, "AMITY_REDIS_URL": "redis://127.0.0.1:1/0"}
    worker = _worker(env, "--batch")
    out = worker.communicate(timeout=60)[0]
    assert worker.returncode != 0
    assert "not reachable" in out and "127.0.0.1:1/0" in out


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"AMITY_TASKS_BACKEND": "redis"}, "redis://127.0.0.1:6379/0"),
        ({"AMITY_TASKS_BACKEND": "redis", "AMITY_REDIS_URL": "redis://cache:6380/2"}, "redis://cache:6380/2"),
    ],
)
def test_the_redis_backend_takes_its_server_from_the_environment(tmp_path, variables, expected):
    code = "from django.conf import settings as s; print(s.TASKS['default']['BACKEND'], s.RQ_QUEUES['default']['URL'], 'django_rq' in s.INSTALLED_APPS)"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_") and k != "DATABASE_URL"}
    environment.update(DJANGO_SETTINGS_MODULE="amity.settings", AMITY_VAR_DIR=str(tmp_path), **variables)
    out = _python(environment, code)
    assert out.split() == ["django_tasks_rq.RQBackend", expected, "True"]


def test_a_bad_redis_url_stops_start_up_naming_the_variable(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_") and k != "DATABASE_URL"}
    environment.update(
        DJANGO_SETTINGS_MODULE="amity.settings",
        AMITY_VAR_DIR=str(tmp_path),
        AMITY_TASKS_BACKEND="redis",
        AMITY_REDIS_URL="http://127.0.0.1:6379",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "AMITY_REDIS_URL" in result.stderr
