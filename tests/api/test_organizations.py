"""Organizations through the API: CRUD, filters, validation and visibility."""

from __future__ import annotations

import pytest

from amity.partners.models import Organization
from tests import factories as f

from .helpers import delete, field_errors, get, ids, patch, post

pytestmark = pytest.mark.django_db


def test_manager_creates_an_organization(api_for, manager):
    response = post(
        api_for(manager),
        "/organizations",
        {"name": "Nimbus AG", "partner_kind": "isv", "country": "ch", "website": "https://nimbus.example"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Nimbus AG"
    assert body["country"] == "CH"
    assert body["is_home"] is False
    assert body["version"] == 1
    assert body["archived"] is False
    assert Organization.objects.get(pk=body["id"]).history.first().history_user == manager


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "A", "country": "Netherlands"}, "country"),
        ({"name": "A", "country": "1X"}, "country"),
        ({"name": "A", "partner_kind": "friend"}, "partner_kind"),
        ({"name": "A", "size": "huge"}, "size"),
        ({"name": "A", "website": "not a url"}, "website"),
        ({"name": "A", "is_home": True}, "is_home"),
        ({"name": 12}, "name"),
        ({"name": "A\x00B"}, "name"),
    ],
)
def test_creating_an_organization_with_bad_input_names_the_field(api_for, manager, body, field):
    assert field in field_errors(post(api_for(manager), "/organizations", body))
    assert not Organization.objects.filter(name="A").exists()


def test_an_organization_name_is_unique(api_for, manager, partner_org):
    errors = field_errors(post(api_for(manager), "/organizations", {"name": partner_org.name}))
    assert "name" in errors


def test_executive_may_not_create_organizations(api_for, executive):
    assert post(api_for(executive), "/organizations", {"name": "Nimbus AG"}).status_code == 403


def test_partner_user_may_not_create_organizations(api_for, partner):
    assert post(api_for(partner), "/organizations", {"name": "Nimbus AG"}).status_code == 403


def test_anonymous_callers_must_authenticate(client):
    assert get(client, "/organizations").status_code == 401
    assert post(client, "/organizations", {"name": "Nimbus AG"}).status_code == 401


def test_list_is_paginated_with_items_and_count(api_for, manager, home):
    for _ in range(3):
        f.OrganizationFactory()
    body = get(api_for(manager), "/organizations", {"limit": 2, "offset": 1}).json()
    assert body["count"] == 4
    assert len(body["items"]) == 2


def test_list_filters_by_kind_and_search(api_for, manager, home):
    isv = f.OrganizationFactory(name="Quasar Software", partner_kind="isv", domain="quasar.example")
    f.OrganizationFactory(name="Other Integrator", partner_kind="si")
    client = api_for(manager)
    assert ids(get(client, "/organizations", {"kind": "isv"})) == {isv.pk}
    assert ids(get(client, "/organizations", {"q": "quasar"})) == {isv.pk}
    assert ids(get(client, "/organizations", {"is_home": "true"})) == {home.pk}


def test_an_unknown_kind_filter_is_a_field_error(api_for, manager):
    assert "kind" in field_errors(get(api_for(manager), "/organizations", {"kind": "friend"}))


def test_pagination_limits_are_validated(api_for, manager):
    assert "limit" in field_errors(get(api_for(manager), "/organizations", {"limit": 0}))
    assert "offset" in field_errors(get(api_for(manager), "/organizations", {"offset": -1}))
    assert "offset" in field_errors(get(api_for(manager), "/organizations", {"offset": 10**30}))


def test_partner_user_sees_own_home_and_co_party_organizations_only(
    api_for, partner, alliance, other_alliance, home, partner_org, other_partner_org
):
    co_party = f.OrganizationFactory(name="Co Party Ltd")
    alliance.parties.create(organization=co_party, role="member")
    f.OrganizationFactory(name="Stranger Ltd")
    assert ids(get(api_for(partner), "/organizations")) == {home.pk, partner_org.pk, co_party.pk}


def test_partner_user_gets_404_for_an_organization_they_may_not_see(api_for, partner, other_alliance):
    other = other_alliance.parties.exclude(role="host").get().organization
    assert get(api_for(partner), f"/organizations/{other.pk}").status_code == 404
    assert patch(api_for(partner), f"/organizations/{other.pk}", {"name": "x"}).status_code == 404


def test_detail_of_a_missing_or_absurd_id_is_404(api_for, manager):
    client = api_for(manager)
    assert get(client, "/organizations/999999").status_code == 404
    assert get(client, f"/organizations/{10**30}").status_code == 404


def test_manager_updates_an_organization_partially(api_for, manager, partner_org):
    response = patch(api_for(manager), f"/organizations/{partner_org.pk}", {"industry": "Cloud"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["industry"] == "Cloud"
    assert body["name"] == partner_org.name
    assert body["version"] == 2
    assert partner_org.history.first().history_user == manager


def test_update_with_a_stale_version_is_a_conflict(api_for, manager, partner_org):
    client = api_for(manager)
    assert (
        patch(client, f"/organizations/{partner_org.pk}", {"industry": "A", "version": 1}).status_code == 200
    )
    response = patch(client, f"/organizations/{partner_org.pk}", {"industry": "B", "version": 1})
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    partner_org.refresh_from_db()
    assert partner_org.industry == "A"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"country": "XYZ"}, "country"),
        ({"website": "nope"}, "website"),
        ({"version": 0}, "version"),
        ({"id": 5}, "id"),
    ],
)
def test_update_with_bad_input_names_the_field(api_for, manager, partner_org, body, field):
    assert field in field_errors(patch(api_for(manager), f"/organizations/{partner_org.pk}", body))


def test_executive_and_partner_user_may_not_update_a_visible_organization(
    api_for, executive, partner, partner_org
):
    assert patch(api_for(executive), f"/organizations/{partner_org.pk}", {"industry": "x"}).status_code == 403
    assert patch(api_for(partner), f"/organizations/{partner_org.pk}", {"industry": "x"}).status_code == 403


def test_delete_archives_and_restore_brings_it_back(api_for, manager, partner_org):
    client = api_for(manager)
    assert delete(client, f"/organizations/{partner_org.pk}").status_code == 204
    partner_org.refresh_from_db()
    assert partner_org.archived_at is not None
    assert partner_org.pk not in ids(get(client, "/organizations"))
    assert partner_org.pk in ids(get(client, "/organizations", {"include_archived": "true"}))
    assert get(client, f"/organizations/{partner_org.pk}").json()["archived"] is True

    response = post(client, f"/organizations/{partner_org.pk}/restore")
    assert response.status_code == 200
    assert response.json()["archived"] is False


def test_executive_may_not_archive_or_restore(api_for, executive, partner_org):
    assert delete(api_for(executive), f"/organizations/{partner_org.pk}").status_code == 403
    assert post(api_for(executive), f"/organizations/{partner_org.pk}/restore").status_code == 403


def test_history_shows_who_changed_what(api_for, manager, partner_org):
    client = api_for(manager)
    patch(client, f"/organizations/{partner_org.pk}", {"industry": "Cloud"})
    response = get(client, f"/organizations/{partner_org.pk}/history")
    assert response.status_code == 200
    latest = response.json()[0]
    assert latest["who"] == str(manager)
    assert latest["action"] == "changed"
    assert {"field": "industry", "old": "—", "new": "Cloud"} in latest["changes"]


def test_history_of_an_invisible_organization_is_404(api_for, other_partner, partner_org):
    assert get(api_for(other_partner), f"/organizations/{partner_org.pk}/history").status_code == 404
