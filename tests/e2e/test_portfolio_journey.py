"""A newcomer's journey in a real browser: sign in, create an alliance, move it through a
stage gate, record a strategic review, see the classification; a partner sees only their own."""

from __future__ import annotations

import re

import pytest

from amity.alliances.models import Alliance, Stage
from tests import factories as f
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_manager_creates_an_alliance_records_a_review_and_sees_classification_and_tier(page):
    f.home_org()
    f.OrganizationFactory(name="Browser Partner Ltd")
    f.manager_user(username="bmanager", first_name="Bea", last_name="Manager")

    sign_in(page, "bmanager", f.PASSWORD)
    page.click("text=Alliances")
    page.click("text=New alliance")
    page.fill("#id_name", "Browser Co-sell Alliance")
    page.select_option("#id_alliance_type", "gtm")
    page.select_option("#id_partners", label="Browser Partner Ltd")
    page.click("[data-testid=save]")
    page.wait_for_url(re.compile(r"/alliances/\d+/$"))
    assert page.locator("h1").first.inner_text().strip().startswith("Browser Co-sell Alliance")
    alliance = Alliance.objects.get(name="Browser Co-sell Alliance")

    # Life cycle: identify → assess; the gate asks for a partner and an owner, both present.
    page.goto(f"/alliances/{alliance.pk}/transition/")
    page.check("input[name=to_stage][value=assess]")
    page.fill("textarea[name=reason]", "Worth assessing")
    page.click("button[type=submit]:has-text('Move')")
    page.wait_for_url(re.compile(rf"/alliances/{alliance.pk}/$"))
    alliance.refresh_from_db()
    assert alliance.stage == Stage.ASSESS
    assert "Worth assessing" in page.content()

    # Strategic review: strong scores, several activities and all three commitment signals.
    page.goto(f"/alliances/{alliance.pk}/reviews/new/")
    for key, score in {
        "goals": 4,
        "competency": 3,
        "opportunities": 3,
        "sustainability": 2,
        "innovation": 3,
    }.items():
        page.click(f"label[for=id_score_{key}_{score}]")
    for activity in ("act_bundled", "act_joint_teams", "act_joint_planning"):
        page.check(f"#id_{activity}")
    page.fill("#id_fte", "1")
    page.fill("#id_annual_investment", "120000")
    page.select_option("#id_sponsorship", "4")
    page.fill("#id_evidence_goals", "Co-sell pipeline of 4M in two quarters")
    page.click("[data-testid=save], button[type=submit]:has-text('Record')")
    page.wait_for_url(re.compile(rf"/alliances/{alliance.pk}/reviews/\d+/$"))

    body = page.locator("main").inner_text()
    assert "Strategic" in body  # classification (criteria 15, 3 activities, 3 signals)
    review = alliance.reviews.get()
    assert review.classification == "strategic"
    assert review.recommended_tier.name == "Strategic"
    assert "Strategic: strong criteria, strategic activities and commitment" in body  # the rule that fired
    page.screenshot(path="test-results/review-result.png", full_page=True)


def test_partner_user_sees_only_their_organizations_alliances_and_404_elsewhere(page):
    f.home_org()
    theirs = f.OrganizationFactory(name="Stratus Browser Cloud")
    competitor = f.OrganizationFactory(name="Kestrel Browser IT")
    own = f.AllianceFactory(name="Stratus Browser Alliance", partner=theirs)
    other = f.AllianceFactory(name="Kestrel Browser Alliance", partner=competitor)
    f.partner_user(theirs, username="bpartner")

    sign_in(page, "bpartner", f.PASSWORD)
    page.goto("/alliances/")
    table = page.locator("[data-testid=object-table]").inner_text()
    assert "Stratus Browser Alliance" in table
    assert "Kestrel Browser Alliance" not in table

    response = page.goto(f"/alliances/{other.pk}/")
    assert response.status == 404
    assert "not shared with you" in page.content()
    assert page.goto(f"/alliances/{own.pk}/").status == 200

    api = page.request.get(f"/api/v1/alliances/{other.pk}")
    assert api.status == 404
    listed = page.request.get("/api/v1/alliances").json()
    assert [a["name"] for a in listed["items"]] == ["Stratus Browser Alliance"]
