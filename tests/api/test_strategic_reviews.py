"""Strategic reviews through the API: recorded, classified, explained; internal only."""

from __future__ import annotations

import pytest

from amity.alliances.models import StrategicReview
from tests import factories as f

from .helpers import delete, field_errors, get, ids, post

pytestmark = pytest.mark.django_db

STRATEGIC = {
    "score_goals": 4,
    "score_competency": 3,
    "score_opportunities": 2,
    "score_sustainability": 2,
    "score_innovation": 2,
    "evidence_goals": "Opens the public-sector market.",
    "act_bundled": True,
    "act_joint_teams": True,
    "act_joint_planning": True,
    "fte": "1",
    "annual_investment": "100000",
    "sponsorship": 4,
    "review_date": "2025-03-01",
}


def test_manager_records_a_review_and_gets_its_explained_result(api_for, manager, alliance):
    response = post(api_for(manager), f"/alliances/{alliance.pk}/strategic-reviews", STRATEGIC)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["classification"] == "strategic"
    assert body["classification_label"] == "Strategic"
    assert body["recommended_tier"]["name"] == "Platinum"
    assert (body["criteria_total"], body["activities_count"], body["commitment_signals"]) == (13, 3, 3)
    assert body["reviewed_by"] == manager.username
    assert body["review_date"] == "2025-03-01"
    assert body["annual_investment"] == "100000.00"
    explanation = body["explanation"]
    assert explanation["classification"] == "strategic"
    fired = [r for r in explanation["rules"] if r["fired"]]
    assert fired and all(all(c["ok"] for c in r["clauses"]) for r in fired)
    assert StrategicReview.objects.get(pk=body["id"]).history.first().history_user == manager


def test_a_review_without_scores_is_undetermined_or_tactical(api_for, manager, alliance):
    response = post(api_for(manager), f"/alliances/{alliance.pk}/strategic-reviews", {})
    assert response.status_code == 201
    assert response.json()["criteria_total"] == 0
    assert response.json()["classification"] != "strategic"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"score_goals": 5}, "score_goals"),
        ({"score_innovation": -1}, "score_innovation"),
        ({"score_competency": "high"}, "score_competency"),
        ({"sponsorship": 9}, "sponsorship"),
        ({"fte": "-1"}, "fte"),
        ({"fte": "1000"}, "fte"),
        ({"annual_investment": "-0.01"}, "annual_investment"),
        ({"act_bundled": "perhaps"}, "act_bundled"),
        ({"review_date": "yesterday"}, "review_date"),
        ({"review_date": None}, "review_date"),
        ({"classification": "strategic"}, "classification"),
    ],
)
def test_recording_a_review_with_bad_input_names_the_field(api_for, manager, alliance, change, field):
    response = post(api_for(manager), f"/alliances/{alliance.pk}/strategic-reviews", STRATEGIC | change)
    assert field in field_errors(response)
    assert not StrategicReview.objects.exists()


def test_executive_may_read_but_not_record_reviews(api_for, executive, alliance):
    review = f.ReviewFactory(alliance=alliance)
    client = api_for(executive)
    assert ids(get(client, f"/alliances/{alliance.pk}/strategic-reviews")) == {review.pk}
    assert post(client, f"/alliances/{alliance.pk}/strategic-reviews", STRATEGIC).status_code == 403


def test_partner_users_get_404_for_reviews_even_of_their_own_alliance(api_for, partner, alliance):
    review = f.ReviewFactory(alliance=alliance)
    client = api_for(partner)
    assert get(client, f"/alliances/{alliance.pk}/strategic-reviews").status_code == 404
    assert get(client, f"/alliances/{alliance.pk}/strategic-reviews/{review.pk}").status_code == 404
    assert post(client, f"/alliances/{alliance.pk}/strategic-reviews", STRATEGIC).status_code == 404


def test_reviews_are_listed_newest_first(api_for, manager, alliance):
    old = f.ReviewFactory(alliance=alliance, review_date="2023-01-01")
    new = f.ReviewFactory(alliance=alliance, review_date="2025-01-01")
    items = get(api_for(manager), f"/alliances/{alliance.pk}/strategic-reviews").json()["items"]
    assert [r["id"] for r in items] == [new.pk, old.pk]


def test_a_review_is_read_under_its_own_alliance_only(api_for, manager, alliance, other_alliance):
    review = f.ReviewFactory(alliance=alliance)
    client = api_for(manager)
    assert get(client, f"/alliances/{alliance.pk}/strategic-reviews/{review.pk}").json()["id"] == review.pk
    assert get(client, f"/alliances/{other_alliance.pk}/strategic-reviews/{review.pk}").status_code == 404


def test_a_review_recorded_in_error_is_archived_not_deleted(api_for, manager, alliance):
    review = f.ReviewFactory(alliance=alliance)
    client = api_for(manager)
    assert delete(client, f"/alliances/{alliance.pk}/strategic-reviews/{review.pk}").status_code == 204
    assert StrategicReview.objects.filter(pk=review.pk, archived_at__isnull=False).exists()
    assert ids(get(client, f"/alliances/{alliance.pk}/strategic-reviews")) == set()
    assert get(client, f"/alliances/{alliance.pk}").json()["latest_review"] is None
    restored = post(client, f"/alliances/{alliance.pk}/strategic-reviews/{review.pk}/restore")
    assert restored.json()["archived"] is False


def test_the_latest_review_shows_on_the_alliance(api_for, manager, alliance):
    client = api_for(manager)
    created = post(client, f"/alliances/{alliance.pk}/strategic-reviews", STRATEGIC).json()
    latest = get(client, f"/alliances/{alliance.pk}").json()["latest_review"]
    assert (latest["id"], latest["classification"], latest["recommended_tier"]) == (
        created["id"],
        "strategic",
        "Platinum",
    )
