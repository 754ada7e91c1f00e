"""Content-Security-Policy and the other response headers; no template carries inline code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import amity

pytestmark = pytest.mark.django_db

SOURCE = Path(amity.__file__).parent


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("url", ["/", "/scorecards/", "/account/security/", "/api/v1/docs", "/api/v1/me"])
def test_every_response_carries_the_policy(url, admin, client_for):
    response = client_for(admin).get(url)
    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == ["'self'"], "scripts only from our own files: no inline code, no eval"
    assert csp["default-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["style-src-attr"] == ["'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for directive, sources in csp.items():
        assert "'unsafe-eval'" not in sources, directive
        assert not any(s.startswith("http") for s in sources), f"{directive} names another origin"


def test_the_other_security_headers(db):
    response = Client().get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_on_plain_http_cookies_are_not_secure_so_the_local_demo_works(manager):
    client = Client()
    response = client.post("/login/", {"username": manager.username, "password": "correct-horse-battery-9"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and not cookie["secure"]
    assert "Strict-Transport-Security" not in response


def test_htmx_is_configured_to_need_no_eval_and_no_style_elements(client):
    html = client.get("/login/").text
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html


def _templates() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("templates/**/*.html") if "/pdf/" not in str(p))


SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.DOTALL)


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in _templates():
        text = path.read_text()
        for match in SCRIPT.finditer(text):
            attributes = match.group(1)
            if "src=" not in attributes and "application/json" not in attributes:
                offenders.append(f"{path.relative_to(SOURCE)}: inline <script{attributes}>")
        for match in HANDLER.finditer(text):
            offenders.append(f"{path.relative_to(SOURCE)}: event handler in {match.group(0)[:80]!r}")
        for needle in ("javascript:", "hx-on"):
            if needle in text:
                offenders.append(f"{path.relative_to(SOURCE)}: {needle}")
    assert not offenders, "inline code is blocked by the Content-Security-Policy:\n" + "\n".join(offenders)


def test_the_template_scan_finds_what_it_looks_for(tmp_path):
    text = '<select onchange="go()"></select><script>alert(1)</script><script type="application/json">{}</script>'
    assert HANDLER.search(text)
    scripts = [m.group(1) for m in SCRIPT.finditer(text)]
    assert scripts == ["", ' type="application/json"']


def test_the_sign_in_page_carries_the_policy_too(db):
    assert policy(Client().get("/login/"))["script-src"] == ["'self'"]
