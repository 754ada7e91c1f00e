"""Production settings: with AMITY_HTTPS=true, `amity check --deploy` finds nothing to warn about.

Settings are read from the environment when Django starts, so each case starts a fresh
interpreter with the variables set, as a real installation would.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

PRODUCTION = {
    "AMITY_SECRET_KEY": secrets.token_urlsafe(60),
    "AMITY_DEBUG": "false",
    "AMITY_HTTPS": "true",
    "AMITY_ALLOWED_HOSTS": "amity.example.com",
}

SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({k: getattr(s, k, None) "
    "for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'X_FRAME_OPTIONS', "
    "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY', 'AXES_FAILURE_LIMIT']}, default=str))"
)


def run(tmp_path, args: list[str], **env: str) -> subprocess.CompletedProcess:
    # A clean environment, as on a server: no AMITY_ variables of this run, and not the browser
    # tests' DJANGO_ALLOW_ASYNC_UNSAFE (which check --deploy rightly refuses).
    skip = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_") and k not in skip}
    environment.update({"DJANGO_SETTINGS_MODULE": "amity.settings", "AMITY_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, *args], env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    result = run(
        tmp_path,
        ["-c", "from amity.cli import main; main()", "check", "--deploy", "--fail-level", "DEBUG"],
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_switch_turns_on_secure_cookies_hsts_and_the_https_redirect(tmp_path):
    result = run(tmp_path, ["-c", SHOW], **PRODUCTION, AMITY_PROXY_COUNT="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert (
        values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    )
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"


def test_without_the_switch_plain_http_keeps_working(tmp_path):
    result = run(tmp_path, ["-c", SHOW])
    values = json.loads(result.stdout)
    assert not values["SESSION_COOKIE_SECURE"] and not values["CSRF_COOKIE_SECURE"]
    assert not values["SECURE_SSL_REDIRECT"] and not values["SECURE_HSTS_SECONDS"]
    assert values["SECURE_PROXY_SSL_HEADER"] is None, "no proxy header is trusted unless told"


def test_the_lockout_is_set_from_the_environment(tmp_path):
    result = run(tmp_path, ["-c", SHOW], AMITY_LOGIN_FAILURES="3")
    assert json.loads(result.stdout)["AXES_FAILURE_LIMIT"] == 3
    bad = run(tmp_path, ["-c", "import django; django.setup()"], AMITY_LOGIN_FAILURES="none")
    assert bad.returncode != 0 and "AMITY_LOGIN_FAILURES" in bad.stderr
    bad = run(tmp_path, ["-c", "import django; django.setup()"], AMITY_HTTPS="sometimes")
    assert bad.returncode != 0 and "AMITY_HTTPS" in bad.stderr
