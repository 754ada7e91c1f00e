"""Alliances through the API: create with partners, read, filter, edit, archive, history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from amity.alliances.models import Alliance, StageChange, Tier
from tests import factories as f

from .helpers import delete, field_errors, get, ids, patch, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_alliance(partner_org):
    """A valid create body; tests change one thing."""
    return {
        "name": "Nimbus Co-sell",
        "alliance_type": "gtm",
        "partners": [{"organization_id": partner_org.pk, "role": "lead"}],
    }


def test_manager_creates_an_alliance_with_our_company_as_host(api_for, manager, new_alliance, home):
    objective = f.ObjectiveFactory()
    gold = Tier.objects.get(name="Gold")
    body = new_alliance | {"annual_value": "1250000.5", "objective_ids": [objective.pk], "tier_id": gold.pk}
    response = post(api_for(manager), "/alliances", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["owner"] == manager.username
    assert created["stage"] == "identify"
    assert created["stage_label"] == "Identify"
    assert created["annual_value"] == "1250000.50"
    assert created["tier"]["name"] == "Gold"
    assert created["objectives"] == [{"id": objective.pk, "code": objective.code, "title": objective.title}]
    assert [(p["organization"]["id"], p["role"]) for p in created["parties"]] == [
        (home.pk, "host"),
        (new_alliance["partners"][0]["organization_id"], "lead"),
    ]
    alliance = Alliance.objects.get(pk=created["id"])
    assert alliance.history.first().history_user == manager
    assert StageChange.objects.get(alliance=alliance).to_stage == "identify"


def test_an_alliance_may_start_in_a_later_stage(api_for, manager, new_alliance):
    response = post(api_for(manager), "/alliances", new_alliance | {"stage": "manage"})
    assert response.json()["stage"] == "manage"


def test_an_explicit_null_owner_creates_an_unowned_alliance(api_for, manager, new_alliance):
    assert post(api_for(manager), "/alliances", new_alliance | {"owner_id": None}).json()["owner"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"alliance_type": "friendship"}, "alliance_type"),
        ({"stage": "dreaming"}, "stage"),
        ({"annual_value": "-1"}, "annual_value"),
        ({"annual_value": "abc"}, "annual_value"),
        ({"annual_value": "1.234"}, "annual_value"),
        ({"annual_value": "NaN"}, "annual_value"),
        ({"start_date": "2025-13-01"}, "start_date"),
        ({"start_date": "2025-06-01", "end_date": "2025-01-01"}, "end_date"),
        ({"tier_id": 999999}, "tier_id"),
        ({"tier_id": "gold"}, "tier_id"),
        ({"owner_id": 999999}, "owner_id"),
        ({"objective_ids": [999998, 999999]}, "objective_ids"),
        ({"objective_ids": "all"}, "objective_ids"),
        ({"partners": []}, "partners"),
        ({"partners": [{"organization_id": 999999}]}, "partners.0.organization_id"),
        ({"partners": [{"organization_id": "HOME"}]}, "partners"),
        ({"partners": [{"organization_id": "PARTNER", "role": "host"}]}, "partners.0.role"),
        ({"partners": [{"organization_id": "PARTNER"}, {"organization_id": "PARTNER"}]}, "partners"),
        ({"stage_changed_at": "2020-01-01T00:00:00Z"}, "stage_changed_at"),
    ],
)
def test_creating_an_alliance_with_bad_input_names_the_field(
    api_for, manager, new_alliance, home, partner_org, change, field
):
    def swap(value):
        return {"HOME": home.pk, "PARTNER": partner_org.pk}.get(value, value)

    if "partners" in change:
        change = {"partners": [{k: swap(v) for k, v in p.items()} for p in change["partners"]]}
    response = post(api_for(manager), "/alliances", new_alliance | change)
    assert field in field_errors(response)
    assert not Alliance.objects.filter(name=new_alliance["name"]).exists()


def test_the_owner_must_be_an_alliance_manager_or_admin(api_for, manager, new_alliance, executive):
    errors = field_errors(post(api_for(manager), "/alliances", new_alliance | {"owner_id": executive.pk}))
    assert list(errors) == ["owner_id"]


def test_an_alliance_name_is_unique(api_for, manager, new_alliance, alliance):
    assert "name" in field_errors(
        post(api_for(manager), "/alliances", new_alliance | {"name": alliance.name})
    )


def test_executive_may_not_create_alliances(api_for, executive, new_alliance):
    assert post(api_for(executive), "/alliances", new_alliance).status_code == 403


def test_partner_user_may_not_create_alliances(api_for, partner, new_alliance):
    assert post(api_for(partner), "/alliances", new_alliance).status_code == 403


def test_anonymous_callers_may_not_list_or_create_alliances(client, new_alliance):
    assert get(client, "/alliances").status_code == 401
    assert post(client, "/alliances", new_alliance).status_code == 401


def test_an_invalid_bearer_token_is_refused(alliance):
    from django.test import Client

    assert Client(HTTP_AUTHORIZATION="Bearer amity_nonsense").get("/api/v1/alliances").status_code == 401


def test_a_session_signed_in_user_may_use_the_api_too(client_for, manager, alliance, new_alliance):
    client = client_for(manager)
    assert alliance.pk in ids(get(client, "/alliances"))
    assert post(client, "/alliances", new_alliance).status_code == 201


def test_partner_user_lists_only_alliances_of_their_organization(api_for, partner, alliance, other_alliance):
    assert ids(get(api_for(partner), "/alliances")) == {alliance.pk}


def test_partner_user_gets_404_for_another_partners_alliance(api_for, partner, other_alliance):
    client = api_for(partner)
    assert get(client, f"/alliances/{other_alliance.pk}").status_code == 404
    assert patch(client, f"/alliances/{other_alliance.pk}", {"description": "x"}).status_code == 404
    assert delete(client, f"/alliances/{other_alliance.pk}").status_code == 404
    assert get(client, f"/alliances/{other_alliance.pk}/history").status_code == 404


def test_list_filters_by_stage_type_tier_organization_and_name(
    api_for, manager, alliance, other_alliance, partner_org
):
    gold = Tier.objects.get(name="Gold")
    marketing = f.AllianceFactory(
        name="Marketing Push", alliance_type="marketing", stage="identify", tier=gold
    )
    client = api_for(manager)
    assert ids(get(client, "/alliances", {"stage": "identify"})) == {marketing.pk}
    assert ids(get(client, "/alliances", {"type": "marketing"})) == {marketing.pk}
    assert ids(get(client, "/alliances", {"tier": gold.pk})) == {marketing.pk}
    assert ids(get(client, "/alliances", {"q": "stratus"})) == {alliance.pk}
    assert ids(get(client, "/alliances", {"organization": partner_org.pk})) == {alliance.pk}
    assert get(client, "/alliances").json()["count"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "dreaming"}, "stage"),
        ({"type": "x"}, "type"),
        ({"tier": "gold"}, "tier"),
        ({"tier": 0}, "tier"),
    ],
)
def test_a_bad_list_filter_names_the_parameter(api_for, manager, params, field):
    assert field in field_errors(get(api_for(manager), "/alliances", params))


def test_internal_users_see_the_latest_review_summary(api_for, manager, alliance):
    review = f.ReviewFactory(alliance=alliance, score_goals=4, score_competency=4)
    client = api_for(manager)
    detail = get(client, f"/alliances/{alliance.pk}").json()["latest_review"]
    listed = get(client, "/alliances").json()["items"][0]["latest_review"]
    assert detail == listed
    assert detail["id"] == review.pk
    assert detail["criteria_total"] == 8
    assert detail["classification"] == review.classification
    assert detail["recommended_tier"] == (review.recommended_tier.name if review.recommended_tier else None)


def test_partner_users_never_see_reviews_or_objectives(api_for, partner, alliance):
    f.ReviewFactory(alliance=alliance, score_goals=4)
    alliance.objectives.add(f.ObjectiveFactory())
    client = api_for(partner)
    detail = get(client, f"/alliances/{alliance.pk}").json()
    listed = get(client, "/alliances").json()["items"][0]
    for body in (detail, listed):
        assert body["latest_review"] is None
        assert body["objectives"] == []


def test_manager_updates_an_alliance_partially(api_for, manager, alliance):
    gold = Tier.objects.get(name="Gold")
    objective = f.ObjectiveFactory()
    response = patch(
        api_for(manager),
        f"/alliances/{alliance.pk}",
        {
            "tier_id": gold.pk,
            "tier_reason": "Agreed at the portfolio review",
            "annual_value": 5000,
            "objective_ids": [objective.pk],
            "version": 1,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["tier"]["id"] == gold.pk
    assert body["annual_value"] == "5000.00"
    assert [o["id"] for o in body["objectives"]] == [objective.pk]
    assert body["version"] == 2
    assert body["name"] == alliance.name
    alliance.refresh_from_db()
    assert alliance.history.first().history_user == manager
    change = alliance.tier_changes.get()
    assert (change.to_tier, change.source, change.reason) == (
        gold,
        "manual",
        "Agreed at the portfolio review",
    )


def test_a_tier_change_by_hand_needs_a_reason_and_writes_nothing_without(api_for, manager, alliance):
    gold = Tier.objects.get(name="Gold")
    response = patch(api_for(manager), f"/alliances/{alliance.pk}", {"tier_id": gold.pk, "annual_value": 7})
    assert response.status_code == 422, response.content
    assert "tier_reason" in response.content.decode()
    alliance.refresh_from_db()
    assert alliance.tier_id is None and alliance.annual_value != 7 and not alliance.tier_changes.exists()


def test_a_null_tier_clears_it(api_for, manager, alliance):
    alliance.tier = Tier.objects.get(name="Gold")
    alliance.save()
    body = patch(
        api_for(manager), f"/alliances/{alliance.pk}", {"tier_id": None, "tier_reason": "Paused"}
    ).json()
    assert body["tier"] is None


def test_a_stale_version_is_a_conflict_and_writes_nothing(api_for, manager, alliance):
    client = api_for(manager)
    assert (
        patch(client, f"/alliances/{alliance.pk}", {"description": "first", "version": 1}).status_code == 200
    )
    response = patch(client, f"/alliances/{alliance.pk}", {"description": "second", "version": 1})
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    alliance.refresh_from_db()
    assert alliance.description == "first"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stage": "retired"}, "stage"),
        ({"name": None}, "name"),
        ({"objective_ids": None}, "objective_ids"),
        ({"tier_id": 999999}, "tier_id"),
        ({"end_date": "1999-01-01", "start_date": "2000-01-01"}, "end_date"),
        ({"annual_value": -5}, "annual_value"),
        ({"partners": []}, "partners"),
    ],
)
def test_updating_an_alliance_with_bad_input_names_the_field(api_for, manager, alliance, body, field):
    assert field in field_errors(patch(api_for(manager), f"/alliances/{alliance.pk}", body))
    alliance.refresh_from_db()
    assert alliance.version == 1


def test_executive_and_partner_user_may_not_update_a_visible_alliance(api_for, executive, partner, alliance):
    assert patch(api_for(executive), f"/alliances/{alliance.pk}", {"description": "x"}).status_code == 403
    assert patch(api_for(partner), f"/alliances/{alliance.pk}", {"description": "x"}).status_code == 403


def test_delete_archives_and_restore_brings_the_alliance_back(api_for, manager, alliance):
    client = api_for(manager)
    assert delete(client, f"/alliances/{alliance.pk}").status_code == 204
    assert Alliance.objects.get(pk=alliance.pk).archived_at is not None
    assert alliance.pk not in ids(get(client, "/alliances"))
    assert alliance.pk in ids(get(client, "/alliances", {"include_archived": "true"}))
    assert get(client, f"/alliances/{alliance.pk}").json()["archived"] is True
    restored = post(client, f"/alliances/{alliance.pk}/restore")
    assert restored.status_code == 200
    assert restored.json()["archived"] is False


def test_executive_may_not_archive_an_alliance(api_for, executive, alliance):
    assert delete(api_for(executive), f"/alliances/{alliance.pk}").status_code == 403
    assert Alliance.objects.get(pk=alliance.pk).archived_at is None


def test_history_lists_changes_with_the_token_user_as_author(api_for, manager, alliance):
    client = api_for(manager)
    patch(client, f"/alliances/{alliance.pk}", {"annual_value": "10"})
    response = get(client, f"/alliances/{alliance.pk}/history")
    assert response.status_code == 200
    latest = response.json()[0]
    assert (latest["what"], latest["action"], latest["who"]) == ("Alliance", "changed", str(manager))
    assert latest["changes"] == [{"field": "expected annual revenue", "old": "0.00", "new": "10.00"}]


def test_history_limit_is_validated(api_for, manager, alliance):
    assert "limit" in field_errors(get(api_for(manager), f"/alliances/{alliance.pk}/history", {"limit": 0}))


def test_absurd_ids_are_not_found_rather_than_errors(api_for, manager):
    client = api_for(manager)
    assert get(client, f"/alliances/{10**30}").status_code == 404
    assert get(client, f"/alliances/{2**63}").status_code == 404
    assert get(client, "/alliances/0").status_code == 404


def test_money_is_serialised_as_a_decimal_string(api_for, manager, alliance):
    Alliance.objects.filter(pk=alliance.pk).update(annual_value=Decimal("1234567.89"))
    assert get(api_for(manager), f"/alliances/{alliance.pk}").json()["annual_value"] == "1234567.89"
