"""Real-browser tests: Playwright driving Debian's /usr/bin/chromium, headless.

Skipped (with a message) when Chromium is missing, unless AMITY_REQUIRE_BROWSER=1, in
which case they fail - CI sets it so browser tests can never silently vanish.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("AMITY_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (factories) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    missing = not CHROMIUM.exists()
    required = os.environ.get("AMITY_REQUIRE_BROWSER") == "1"
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)
            if missing and not required:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)"
                    )
                )


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found but AMITY_REQUIRE_BROWSER=1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _program_defaults(request):
    """The data migrations' rows (stage rules, gates, tiers, review rules, cadence templates).

    Browser tests run on a live server with a transactional database, which is flushed after
    each test; the defaults are re-installed (idempotently) so no test depends on the order.
    """
    if "live_server" not in request.fixturenames and "page" not in request.fixturenames:
        return
    request.getfixturevalue("live_server")
    from django.apps import apps

    from amity.alliances.defaults import install as install_alliance_defaults
    from amity.governance.defaults import install as install_governance_defaults

    install_alliance_defaults(apps)
    install_governance_defaults(apps)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
