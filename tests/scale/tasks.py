"""Tasks for the scale-out checks (tests/scale, scripts/scaleout.py): each run of
:func:`record_run` writes one row, so counting rows per key shows whether every job ran exactly
once across several workers.

The table is not one of Amity's models: :func:`create_table` makes it (no unique constraint, so
a job run twice shows up as two rows) in whatever database the workers use.
"""

from __future__ import annotations

import os
import time

from django.db import connection
from django_tasks import task

TABLE = "scale_task_run"


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (task_key varchar(100) NOT NULL, worker_pid integer NOT NULL, "
            "ran_at double precision NOT NULL)"
        )


def drop_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


@task()
def record_run(key: str, seconds: float = 0.0) -> int:
    """Write one row for this run of the job ``key`` (after ``seconds`` of pretend work)."""
    if seconds:
        time.sleep(seconds)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (task_key, worker_pid, ran_at) VALUES (%s, %s, %s)",
            [key, os.getpid(), time.time()],
        )
    return os.getpid()


def enqueue(count: int, prefix: str, seconds: float = 0.0) -> list[str]:
    """Enqueue ``count`` runs of :func:`record_run` with the keys ``prefix-0`` … ; return the keys."""
    keys = [f"{prefix}-{i}" for i in range(count)]
    for key in keys:
        record_run.enqueue(key, seconds)
    return keys


def runs() -> dict[str, list[int]]:
    """key -> the worker pids that ran it (one each when every job ran exactly once)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT task_key, worker_pid FROM {TABLE} ORDER BY ran_at")
        result: dict[str, list[int]] = {}
        for key, pid in cursor.fetchall():
            result.setdefault(key, []).append(pid)
    return result
