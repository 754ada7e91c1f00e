"""In a real browser, under Amity's Content-Security-Policy (no inline scripts, no eval, no
<style> elements): the main pages render their charts, htmx swaps work, the small helpers
that replaced inline handlers work, and the browser reports no violation anywhere.

Violations are caught two ways: the console message Chromium prints for each, and the
``securitypolicyviolation`` event, listened for by a script Playwright injects before the
page's own (injected scripts are not subject to the page's policy).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Watcher:
    """Collects CSP violations and script errors seen by one page."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))

    def _on_console(self, message) -> None:
        text = message.text
        if (
            "Content Security Policy" in text
            or "Content-Security-Policy" in text
            or "htmx:evalDisallowed" in text
        ):
            self.console.append(f"{self.page.url}: {text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (
            f"{url} answered {response and response.status}"
        )
        assert "script-src 'self'" in response.headers.get("content-security-policy", "")
        self.page.wait_for_load_state("networkidle")
        self.check()

    def check(self) -> None:
        events = self.page.evaluate("window.__cspViolations || []")
        assert not self.console and not events, "CSP violations:\n" + "\n".join(self.console + events)
        assert not self.errors, "script errors:\n" + "\n".join(self.errors)


@pytest.fixture
def demo_portfolio(live_server):
    from amity.demo.loader import load

    load()


def test_main_pages_run_without_any_csp_violation(page, demo_portfolio):
    from amity.alliances.models import Alliance

    watch = Watcher(page)
    sign_in(page, "hannah", settings.DEMO_PASSWORD)
    stratus = Alliance.objects.filter(name__icontains="Stratus").order_by("pk").first()
    assert stratus is not None

    # The portfolio and its charts (ECharts draws SVG from JSON data islands).
    watch.visit("/")
    assert page.locator("[data-chart] svg").count() > 0

    # An alliance and its scorecard tab.
    watch.visit(f"/alliances/{stratus.pk}/")
    watch.visit(f"/alliances/{stratus.pk}/scorecard/")

    # The portfolio scorecard; its period select (once an inline onchange) fills two fields.
    watch.visit("/scorecards/")
    select = page.locator("#period-choice")
    options = select.locator("option")
    assert options.count() > 1
    target = options.nth(1).get_attribute("value")
    kind, day = target.split("|")
    select.select_option(target)
    page.wait_for_url(re.compile(rf"period={kind}.*day={day}"))
    page.wait_for_load_state("networkidle")
    watch.check()

    # The optimizer and its chart; the ecosystem map (a force-directed graph).
    watch.visit("/scorecards/optimizer/")
    assert page.locator("[data-chart] svg").count() > 0
    watch.visit("/scorecards/ecosystem/")
    page.locator("[data-chart] svg").first.wait_for()
    watch.check()

    # A list whose filter form swaps the table with htmx.
    watch.visit("/partners/")
    with page.expect_response(
        lambda r: "/partners/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.locator("input[type=search]").first.press_sequentially("Stratus")
    page.wait_for_load_state("networkidle")
    assert "Stratus" in page.locator("#object-table").inner_text()
    watch.check()

    # A form page, and the incentive exceptions page whose selects submit themselves.
    watch.visit("/alliances/new/")
    watch.visit("/incentives/exceptions/")
    quarter = page.locator("select[name=quarter] option")
    if quarter.count() > 1:
        value = quarter.nth(1).get_attribute("value")
        page.select_option("select[name=quarter]", value)
        page.wait_for_url(re.compile(rf"quarter={value}"))
        watch.check()

    # Two-step sign-in set-up shows its QR code as a data: image.
    watch.visit("/account/security/")
    page.click("[data-testid=otp-start]")
    page.locator("[data-testid=otp-qr]").wait_for()
    assert page.locator("[data-testid=otp-qr]").evaluate("img => img.naturalWidth") > 0
    watch.check()

    # The interactive API documentation (django-ninja's Swagger UI, served from our static files).
    watch.visit("/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    watch.check()


def test_the_policy_really_blocks_inline_code_and_the_watch_sees_it(page):
    watch = Watcher(page)
    watch.visit("/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran === undefined"), "the inline script did not run"
    events = page.evaluate("window.__cspViolations")
    assert any(e.startswith("script-src") for e in events), events
    assert any("Content Security Policy" in m for m in watch.console), watch.console
