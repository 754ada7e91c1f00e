"""Tiers and corporate objectives: admin-managed reference data."""

from __future__ import annotations

import pytest

from tests import factories as f

from .helpers import delete, field_errors, get, ids, patch, post

pytestmark = pytest.mark.django_db


def test_admin_creates_a_tier(api_for, admin):
    response = post(
        api_for(admin), "/tiers", {"name": "Bronze", "rank": 9, "target_count": 20, "color": "#cd7f32"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Bronze"


def test_manager_may_not_create_or_change_tiers(api_for, manager):
    tier = f.TierFactory()
    client = api_for(manager)
    assert post(client, "/tiers", {"name": "Bronze", "rank": 9}).status_code == 403
    assert patch(client, f"/tiers/{tier.pk}", {"name": "Copper"}).status_code == 403
    assert delete(client, f"/tiers/{tier.pk}").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rank": 9}, "name"),
        ({"name": "Bronze"}, "rank"),
        ({"name": "Bronze", "rank": 0}, "rank"),
        ({"name": "Bronze", "rank": 9, "color": "red"}, "color"),
        ({"name": "Bronze", "rank": 9, "target_count": -1}, "target_count"),
        ({"name": "Bronze", "rank": 1}, "rank"),  # rank 1 is taken by the default Strategic tier
        ({"name": "Gold", "rank": 9}, "name"),  # so is the name Gold
    ],
)
def test_creating_a_tier_with_bad_input_names_the_field(api_for, admin, body, field):
    assert field in field_errors(post(api_for(admin), "/tiers", body))


def test_every_signed_in_user_sees_the_tiers(api_for, partner):
    response = get(api_for(partner), "/tiers")
    assert [t["name"] for t in response.json()["items"]][:2] == ["Strategic", "Platinum"]


def test_admin_archives_and_restores_a_tier(api_for, admin):
    tier = f.TierFactory()
    client = api_for(admin)
    assert delete(client, f"/tiers/{tier.pk}").status_code == 204
    assert tier.pk not in ids(get(client, "/tiers"))
    assert tier.pk in ids(get(client, "/tiers", {"include_archived": True}))
    assert post(client, f"/tiers/{tier.pk}/restore").status_code == 200


def test_admin_updates_a_tier_with_optimistic_locking(api_for, admin):
    tier = f.TierFactory()
    client = api_for(admin)
    assert patch(client, f"/tiers/{tier.pk}", {"target_count": 5, "version": 1}).json()["target_count"] == 5
    assert patch(client, f"/tiers/{tier.pk}", {"target_count": 6, "version": 1}).status_code == 409


def test_admin_creates_a_corporate_objective(api_for, admin):
    response = post(api_for(admin), "/objectives", {"code": "O9", "title": "Grow recurring revenue"})
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "O9"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x"}, "code"),
        ({"code": "O9"}, "title"),
        ({"code": "O9", "title": "x", "horizon_year": 99}, "horizon_year"),
        ({"code": "O9", "title": "x", "horizon_year": "soon"}, "horizon_year"),
        ({"code": "X" * 21, "title": "x"}, "code"),
    ],
)
def test_creating_an_objective_with_bad_input_names_the_field(api_for, admin, body, field):
    assert field in field_errors(post(api_for(admin), "/objectives", body))


def test_an_objective_code_is_unique(api_for, admin):
    objective = f.ObjectiveFactory()
    assert "code" in field_errors(post(api_for(admin), "/objectives", {"code": objective.code, "title": "x"}))


def test_manager_may_not_create_objectives(api_for, manager):
    assert post(api_for(manager), "/objectives", {"code": "O9", "title": "x"}).status_code == 403


def test_objectives_are_internal_so_partner_users_see_none(api_for, partner, manager):
    objective = f.ObjectiveFactory()
    assert ids(get(api_for(partner), "/objectives")) == set()
    assert get(api_for(partner), f"/objectives/{objective.pk}").status_code == 404
    assert objective.pk in ids(get(api_for(manager), "/objectives"))


def test_objectives_can_be_searched(api_for, manager):
    growth = f.ObjectiveFactory(title="Growth in Asia")
    f.ObjectiveFactory(title="Cost")
    assert ids(get(api_for(manager), "/objectives", {"q": "asia"})) == {growth.pk}
