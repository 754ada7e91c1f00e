"""The user directory (admins only) and /me."""

from __future__ import annotations

import pytest

from .helpers import field_errors, get

pytestmark = pytest.mark.django_db


def test_admin_lists_users_with_role_and_organization(api_for, admin, manager, partner, partner_org):
    response = get(api_for(admin), "/users")
    assert response.status_code == 200
    by_name = {u["username"]: u for u in response.json()["items"]}
    assert set(by_name) == {admin.username, manager.username, partner.username}
    assert by_name[partner.username]["organization"] == {"id": partner_org.pk, "name": partner_org.name}
    assert by_name[manager.username]["role"] == "manager"
    assert by_name[manager.username]["organization"] is None


def test_admin_filters_users_by_role_and_search(api_for, admin, manager, partner):
    client = api_for(admin)
    assert [u["username"] for u in get(client, "/users", {"role": "partner"}).json()["items"]] == [
        partner.username
    ]
    assert [u["username"] for u in get(client, "/users", {"q": "manager"}).json()["items"]] == [
        manager.username
    ]
    assert "role" in field_errors(get(client, "/users", {"role": "king"}))


@pytest.mark.parametrize("role", ["manager", "executive", "partner"])
def test_only_admins_may_list_users(api_for, request, role):
    assert get(api_for(request.getfixturevalue(role)), "/users").status_code == 403


def test_anonymous_callers_may_not_list_users(client):
    assert get(client, "/users").status_code == 401


def test_me_describes_the_signed_in_user(api_for, client_for, partner, partner_org):
    for client in (api_for(partner), client_for(partner)):
        body = get(client, "/me").json()
        assert (body["username"], body["role"], body["is_internal"]) == (partner.username, "partner", False)
        assert body["organization"]["id"] == partner_org.pk


def test_me_needs_authentication(client):
    assert get(client, "/me").status_code == 401


def test_a_revoked_token_no_longer_authenticates(manager):
    from django.test import Client

    from amity.accounts.services import token_create, token_revoke

    token, raw = token_create(user=manager)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert get(client, "/me").status_code == 200
    token_revoke(token=token, user=manager)
    assert get(client, "/me").status_code == 401


def test_an_inactive_users_token_no_longer_authenticates(api_for, manager):
    client = api_for(manager)
    manager.is_active = False
    manager.save()
    assert get(client, "/me").status_code == 401
