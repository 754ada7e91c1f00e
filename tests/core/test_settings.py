"""Settings come from the environment; a bad value stops start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SETUP = "import django; django.setup()"


def start(tmp_path, **env: str) -> subprocess.CompletedProcess:
    """Start Django in a fresh interpreter with ``env`` on top of a clean environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_") and k != "DATABASE_URL"}
    environment.update({"DJANGO_SETTINGS_MODULE": "amity.settings", "AMITY_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-c", SETUP], env=environment, capture_output=True, text=True, timeout=60
    )


def test_start_up_succeeds_with_defaults(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists(), "a local secret key is generated in var/"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://user@db.example/amity"),
        ("DATABASE_URL", "this is not a url"),
        ("AMITY_TEST_DATABASE_URL", "oracle://user@db.example/amity"),
        ("AMITY_DEBUG", "maybe"),
        ("AMITY_SECRET_KEY", "too-short"),
        ("AMITY_ALLOWED_HOSTS", " , "),
        ("AMITY_DEMO_PASSWORD", "short"),
        ("AMITY_PAGE_SIZE", "ten"),
        ("AMITY_FISCAL_YEAR_START_MONTH", "13"),
        ("AMITY_REPORTING_CURRENCY", "EURO"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, variable, value):
    result = start(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_the_amity_command_reports_a_bad_value_in_one_line(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_")}
    environment.update({"AMITY_VAR_DIR": str(tmp_path), "AMITY_DEBUG": "maybe"})
    result = subprocess.run(
        [sys.executable, "-c", "from amity.cli import main; main()", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "amity: configuration error: AMITY_DEBUG='maybe'" in result.stderr


def test_healthz_needs_no_sign_in_and_is_never_cached(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]
