"""In a real browser: the manager opens a two-sided health check, both sides answer, and the
assessment page shows both sides' scores and the perception gap."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_sided_health_check_shows_the_perception_gap(browser, live_server):
    from amity.assessments.instruments import sync
    from amity.assessments.models import Assessment

    sync()  # a transactional test database starts without the synced rows
    f.home_org()
    org = f.OrganizationFactory(name="Browser Health Partner")
    alliance = f.AllianceFactory(name="Browser health alliance", partner=org)
    f.manager_user(username="hcmanager")
    f.partner_user(org, username="hcpartner")

    def session(username):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        sign_in(page, username, f.PASSWORD)
        return context, page

    ours, mpage = session("hcmanager")
    mpage.goto(f"/alliances/{alliance.pk}/assessments/")
    mpage.select_option("#id_instrument", label="Alliance health check (v1)")
    mpage.fill("#id_wave", "H2 2026")
    with mpage.expect_navigation():
        mpage.click("[data-testid=open-wave]")
    wave = Assessment.objects.get(wave="H2 2026")

    # Our side: information flows well (5), the power balance is fine (4).
    mpage.click("[data-testid=answer]")
    mpage.check("label[for='visibility-pipeline-v5']")
    mpage.check("label[for='power-use-v4']")
    mpage.check("label[for='visibility-position-v4']")
    mpage.check("label[for='visibility-position-w4']")
    with mpage.expect_navigation():
        mpage.click("[data-testid=submit-answers]")

    # The partner's side sees it differently.
    theirs, ppage = session("hcpartner")
    ppage.goto(f"/assessments/{wave.pk}/")
    ppage.click("[data-testid=answer]")
    ppage.check("label[for='visibility-pipeline-v1']")
    ppage.check("label[for='power-use-v4']")
    ppage.check("label[for='visibility-position-v2']")
    ppage.check("label[for='visibility-position-w5']")
    with ppage.expect_navigation():
        ppage.click("[data-testid=submit-answers]")

    mpage.goto(f"/assessments/{wave.pk}/")
    assert mpage.inner_text("[data-testid=score-ours]") != "—"
    assert mpage.inner_text("[data-testid=score-partner]") != "—"
    gaps = mpage.inner_text("[data-testid=largest-gaps]")
    assert "We see the joint pipeline" in gaps and "gap 4.00" in gaps
    mpage.wait_for_selector("[data-chart=chart-radar] svg path")
    gap_chart = mpage.locator("[data-chart=chart-gaps] svg")
    gap_chart.wait_for()
    assert "Visibility and information access" in gap_chart.inner_html()
    ours.close()
    theirs.close()
