"""AMITY_TASKS_BACKEND chooses the task queue; a bad value stops start-up naming it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PRINT_BACKEND = "import django; django.setup(); from django.conf import settings; print(settings.TASKS)"


def start(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_") and k != "DATABASE_URL"}
    environment.update({"DJANGO_SETTINGS_MODULE": "amity.settings", "AMITY_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-c", PRINT_BACKEND], env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        ("", "django_tasks_db.DatabaseBackend"),
        ("database", "django_tasks_db.DatabaseBackend"),
        ("immediate", "django_tasks.backends.immediate.ImmediateBackend"),
        ("django_tasks_rq.RQBackend", "django_tasks_rq.RQBackend"),
    ],
)
def test_the_task_backend_comes_from_the_environment(tmp_path, value, backend):
    result = start(tmp_path, AMITY_TASKS_BACKEND=value)
    assert result.returncode == 0, result.stderr
    assert f"'BACKEND': '{backend}'" in result.stdout


@pytest.mark.parametrize("value", ["redis please", "rq", "a..b"])
def test_a_bad_task_backend_stops_start_up_naming_the_variable(tmp_path, value):
    result = start(tmp_path, AMITY_TASKS_BACKEND=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "AMITY_TASKS_BACKEND" in result.stderr
