"""Contacts through the API: CRUD, organization resolution and visibility."""

from __future__ import annotations

import pytest

from amity.partners.models import Contact
from tests import factories as f

from .helpers import delete, field_errors, get, ids, patch, post

pytestmark = pytest.mark.django_db


def test_manager_creates_a_contact_at_a_visible_organization(api_for, manager, partner_org):
    response = post(
        api_for(manager),
        "/contacts",
        {
            "organization_id": partner_org.pk,
            "first_name": "Ada",
            "last_name": "Byron",
            "function": "executive",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"] == {"id": partner_org.pk, "name": partner_org.name}
    assert body["full_name"] == "Ada Byron"
    assert body["function"] == "executive"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "A", "last_name": "B"}, "organization_id"),
        ({"organization_id": 999999, "first_name": "A", "last_name": "B"}, "organization_id"),
        ({"organization_id": "x", "first_name": "A", "last_name": "B"}, "organization_id"),
        ({"organization_id": 10**30, "first_name": "A", "last_name": "B"}, "organization_id"),
        ({"organization_id": "ORG", "last_name": "B"}, "first_name"),
        ({"organization_id": "ORG", "first_name": "A", "last_name": "B", "email": "not-an-email"}, "email"),
        ({"organization_id": "ORG", "first_name": "A", "last_name": "B", "function": "boss"}, "function"),
    ],
)
def test_creating_a_contact_with_bad_input_names_the_field(api_for, manager, partner_org, body, field):
    body = {k: (partner_org.pk if v == "ORG" else v) for k, v in body.items()}
    assert field in field_errors(post(api_for(manager), "/contacts", body))
    assert not Contact.objects.exists()


def test_an_invisible_organization_reads_exactly_like_a_missing_one(api_for, partner, other_partner_org):
    client = api_for(partner)
    body = {"first_name": "A", "last_name": "B"}
    invisible = field_errors(post(client, "/contacts", body | {"organization_id": other_partner_org.pk}))
    missing = field_errors(post(client, "/contacts", body | {"organization_id": 999999}))
    assert invisible["organization_id"] == [f"Organization {other_partner_org.pk} not found."]
    assert missing["organization_id"] == ["Organization 999999 not found."]


def test_an_archived_organization_takes_no_new_contacts(api_for, admin, other_alliance):
    org = other_alliance.parties.exclude(role="host").get().organization
    org.archived_at = org.created_at
    org.save()
    errors = field_errors(
        post(api_for(admin), "/contacts", {"organization_id": org.pk, "first_name": "A", "last_name": "B"})
    )
    assert "archived" in errors["organization_id"][0]


def test_partner_user_sees_contacts_of_visible_organizations_only(
    api_for, partner, alliance, other_alliance, partner_org, other_partner_org
):
    mine = f.ContactFactory(organization=partner_org)
    theirs = f.ContactFactory(organization=other_partner_org)
    client = api_for(partner)
    assert mine.pk in ids(get(client, "/contacts"))
    assert theirs.pk not in ids(get(client, "/contacts"))
    assert get(client, f"/contacts/{theirs.pk}").status_code == 404
    assert get(client, f"/contacts/{mine.pk}").status_code == 200


def test_list_filters_by_organization_function_and_search(api_for, manager, partner_org, other_partner_org):
    ada = f.ContactFactory(organization=partner_org, first_name="Ada", function="executive")
    f.ContactFactory(organization=other_partner_org, first_name="Bob", function="sales")
    client = api_for(manager)
    assert ids(get(client, "/contacts", {"organization": partner_org.pk})) == {ada.pk}
    assert ids(get(client, "/contacts", {"function": "executive"})) == {ada.pk}
    assert ids(get(client, "/contacts", {"q": "ada"})) == {ada.pk}
    assert "organization" in field_errors(get(client, "/contacts", {"organization": "abc"}))


def test_manager_moves_a_contact_to_another_organization(api_for, manager, partner_org, other_partner_org):
    contact = f.ContactFactory(organization=partner_org)
    response = patch(api_for(manager), f"/contacts/{contact.pk}", {"organization_id": other_partner_org.pk})
    assert response.status_code == 200, response.content
    assert response.json()["organization"]["id"] == other_partner_org.pk
    assert response.json()["version"] == 2


def test_updating_a_contact_to_a_missing_organization_names_the_field(api_for, manager, partner_org):
    contact = f.ContactFactory(organization=partner_org)
    errors = field_errors(patch(api_for(manager), f"/contacts/{contact.pk}", {"organization_id": 999999}))
    assert errors == {"organization_id": ["Organization 999999 not found."]}


def test_partner_user_may_not_edit_a_contact_they_can_see(api_for, partner, partner_org):
    contact = f.ContactFactory(organization=partner_org)
    assert patch(api_for(partner), f"/contacts/{contact.pk}", {"title": "CEO"}).status_code == 403
    assert delete(api_for(partner), f"/contacts/{contact.pk}").status_code == 403


def test_delete_archives_a_contact_and_restore_brings_it_back(api_for, manager, partner_org):
    contact = f.ContactFactory(organization=partner_org)
    client = api_for(manager)
    assert delete(client, f"/contacts/{contact.pk}").status_code == 204
    assert Contact.objects.filter(pk=contact.pk, archived_at__isnull=False).exists()
    assert contact.pk not in ids(get(client, "/contacts"))
    assert post(client, f"/contacts/{contact.pk}/restore").json()["archived"] is False
