"""An alliance's parties (organizations) and members (people) through the API."""

from __future__ import annotations

import pytest

from amity.alliances.models import AllianceMember, AllianceParty
from tests import factories as f

from .helpers import delete, field_errors, get, ids, post

pytestmark = pytest.mark.django_db


def test_everyone_who_sees_the_alliance_sees_its_parties(
    api_for, manager, partner, alliance, home, partner_org
):
    for user in (manager, partner):
        response = get(api_for(user), f"/alliances/{alliance.pk}/parties")
        assert response.status_code == 200
        assert [p["organization"]["id"] for p in response.json()["items"]] == [home.pk, partner_org.pk]


def test_parties_of_another_partners_alliance_are_not_found(api_for, partner, other_alliance):
    assert get(api_for(partner), f"/alliances/{other_alliance.pk}/parties").status_code == 404
    assert get(api_for(partner), f"/alliances/{other_alliance.pk}/members").status_code == 404


def test_manager_adds_a_consortium_member(api_for, manager, alliance, other_partner_org):
    response = post(
        api_for(manager),
        f"/alliances/{alliance.pk}/parties",
        {"organization_id": other_partner_org.pk, "role": "member"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["organization"]["id"] == other_partner_org.pk
    assert response.json()["role_label"] == "Consortium member"
    assert AllianceParty.objects.get(pk=response.json()["id"]).history.first().history_user == manager


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organization_id": "PARTNER"}, "organization_id"),  # already a party
        ({"organization_id": "HOME"}, "organization_id"),  # our company is the host
        ({"organization_id": 999999}, "organization_id"),
        ({}, "organization_id"),
        ({"organization_id": "OTHER", "role": "host"}, "role"),
        ({"organization_id": "OTHER", "role": "boss"}, "role"),
    ],
)
def test_adding_a_party_with_bad_input_names_the_field(
    api_for, manager, alliance, home, partner_org, other_partner_org, body, field
):
    refs = {"PARTNER": partner_org.pk, "HOME": home.pk, "OTHER": other_partner_org.pk}
    body = {k: refs.get(v, v) for k, v in body.items()}
    assert field in field_errors(post(api_for(manager), f"/alliances/{alliance.pk}/parties", body))


def test_executive_and_partner_user_may_not_add_parties(
    api_for, executive, partner, alliance, other_partner_org
):
    body = {"organization_id": other_partner_org.pk}
    assert post(api_for(executive), f"/alliances/{alliance.pk}/parties", body).status_code == 403
    # The partner cannot see the other organization, so it is simply not found.
    assert "organization_id" in field_errors(
        post(api_for(partner), f"/alliances/{alliance.pk}/parties", body)
    )


def test_manager_removes_a_party_which_is_archived(api_for, manager, alliance, other_partner_org):
    party = alliance.parties.create(organization=other_partner_org, role="member")
    assert delete(api_for(manager), f"/alliances/{alliance.pk}/parties/{party.pk}").status_code == 204
    party.refresh_from_db()
    assert party.archived_at is not None
    assert party.pk not in ids(get(api_for(manager), f"/alliances/{alliance.pk}/parties"))


def test_the_last_partner_and_the_host_cannot_leave(api_for, manager, alliance):
    client = api_for(manager)
    for party in alliance.parties.all():
        assert "organization" in field_errors(delete(client, f"/alliances/{alliance.pk}/parties/{party.pk}"))


def test_a_party_of_another_alliance_is_not_found(api_for, manager, alliance, other_alliance):
    party = other_alliance.parties.exclude(role="host").get()
    assert delete(api_for(manager), f"/alliances/{alliance.pk}/parties/{party.pk}").status_code == 404


def test_manager_adds_a_sponsor_from_a_party_organization(api_for, manager, partner, alliance, partner_org):
    contact = f.ContactFactory(organization=partner_org)
    response = post(
        api_for(manager),
        f"/alliances/{alliance.pk}/members",
        {"contact_id": contact.pk, "role": "sponsor", "area": "sales"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["contact_id"], body["role"], body["organization"]["id"]) == (
        contact.pk,
        "sponsor",
        partner_org.pk,
    )
    assert ids(get(api_for(partner), f"/alliances/{alliance.pk}/members")) == {body["id"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contact_id": "STRANGER"}, "contact_id"),  # works for an organization that is not a party
        ({"contact_id": 999999}, "contact_id"),
        ({"contact_id": "PARTNER", "role": "boss"}, "role"),
        ({"contact_id": "PARTNER", "area": "x" * 101}, "area"),
        ({"role": "team"}, "contact_id"),
    ],
)
def test_adding_a_member_with_bad_input_names_the_field(
    api_for, manager, alliance, partner_org, other_partner_org, body, field
):
    refs = {
        "STRANGER": f.ContactFactory(organization=other_partner_org).pk,
        "PARTNER": f.ContactFactory(organization=partner_org).pk,
    }
    body = {k: refs.get(v, v) for k, v in body.items()}
    assert field in field_errors(post(api_for(manager), f"/alliances/{alliance.pk}/members", body))
    assert not AllianceMember.objects.exists()


def test_the_same_person_in_the_same_role_twice_is_refused(api_for, manager, alliance, partner_org):
    contact = f.ContactFactory(organization=partner_org)
    client = api_for(manager)
    body = {"contact_id": contact.pk, "role": "sponsor"}
    assert post(client, f"/alliances/{alliance.pk}/members", body).status_code == 201
    assert "contact_id" in field_errors(post(client, f"/alliances/{alliance.pk}/members", body))


def test_executive_may_not_add_or_remove_members(api_for, executive, alliance, partner_org):
    member = f.add_sponsor(alliance, partner_org)
    client = api_for(executive)
    body = {"contact_id": member.contact_id, "role": "team"}
    assert post(client, f"/alliances/{alliance.pk}/members", body).status_code == 403
    assert delete(client, f"/alliances/{alliance.pk}/members/{member.pk}").status_code == 403


def test_manager_removes_a_member(api_for, manager, alliance, partner_org):
    member = f.add_sponsor(alliance, partner_org)
    assert delete(api_for(manager), f"/alliances/{alliance.pk}/members/{member.pk}").status_code == 204
    member.refresh_from_db()
    assert member.archived_at is not None


def test_a_member_of_another_alliance_is_not_found(
    api_for, manager, alliance, other_alliance, other_partner_org
):
    member = f.add_sponsor(other_alliance, other_partner_org)
    assert delete(api_for(manager), f"/alliances/{alliance.pk}/members/{member.pk}").status_code == 404
