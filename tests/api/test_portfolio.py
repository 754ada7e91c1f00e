"""Portfolio summary and the portfolio strategic review."""

from __future__ import annotations

import pytest

from amity.alliances.models import Alliance, Tier
from tests import factories as f

from .helpers import get

pytestmark = pytest.mark.django_db


def test_portfolio_summary_totals_the_visible_portfolio(api_for, manager, alliance, other_alliance):
    Alliance.objects.filter(pk=alliance.pk).update(tier=Tier.objects.get(name="Gold"), annual_value=100)
    f.ReviewFactory(alliance=alliance, score_goals=4)
    body = get(api_for(manager), "/portfolio/summary").json()
    assert body["total"] == 2
    assert body["annual_value"] == "100.00"
    assert {t["tier"]: t["count"] for t in body["by_tier"]}["Gold"] == 1
    assert {s["stage"]: s["count"] for s in body["by_stage"]}["manage"] == 2
    assert {t["type"]: t["count"] for t in body["by_type"]}["gtm"] == 2
    assert sum(c["count"] for c in body["by_classification"]) == 2


def test_partner_users_get_a_summary_of_their_alliances_without_classifications(
    api_for, partner, alliance, other_alliance
):
    f.ReviewFactory(alliance=alliance)
    body = get(api_for(partner), "/portfolio/summary").json()
    assert body["total"] == 1
    assert body["by_classification"] == []


def test_portfolio_strategic_review_ranks_reviewed_alliances(api_for, executive, alliance, other_alliance):
    f.ReviewFactory(alliance=alliance, score_goals=4, score_competency=4)
    f.ReviewFactory(alliance=other_alliance, score_goals=1)
    body = get(api_for(executive), "/portfolio/strategic-review").json()
    assert [(r["rank"], r["alliance"]["id"]) for r in body["rows"]] == [
        (1, alliance.pk),
        (2, other_alliance.pk),
    ]
    assert body["rows"][0]["partners"] == "Stratus Test Cloud"
    assert body["rows"][0]["criteria_total"] == 8
    assert [t["tier"]["name"] for t in body["tiers"]][0] == "Strategic"
    assert body["unreviewed"] == []


def test_unreviewed_alliances_are_listed_separately(api_for, manager, alliance):
    assert get(api_for(manager), "/portfolio/strategic-review").json()["unreviewed"] == [
        {"id": alliance.pk, "name": alliance.name}
    ]


def test_partner_users_may_not_see_the_portfolio_strategic_review(api_for, partner, client, alliance):
    assert get(api_for(partner), "/portfolio/strategic-review").status_code == 403
    assert get(client, "/portfolio/strategic-review").status_code == 401
    assert get(client, "/portfolio/summary").status_code == 401
