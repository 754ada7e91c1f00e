"""The portal over the API: invitations and partner users for admins and alliance managers, the
partner home for partner users. Success, bad input (422 per field) and permissions for each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amity.accounts.models import User
from amity.portal import services
from amity.portal.models import Invitation, InvitationStatus
from tests import factories as f
from tests.api.helpers import field_errors, get, ids, post

from .helpers import accept, link_in


def invite_body(organization, **overrides):
    return {"email": "api.person@partner.example", "organization_id": organization.pk, **overrides}


def test_invitations_are_created_listed_resent_and_revoked(
    api_for, manager, partner_org, django_capture_on_commit_callbacks
):
    api = api_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        created = post(api, "/invitations", invite_body(partner_org, first_name="Api"))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["organization"]["id"] == partner_org.pk
    assert body["invited_by"]["username"] == manager.username
    assert "/invitations/inv_" in body["accept_url"]
    assert link_in(mail.outbox[0]) in body["accept_url"]

    assert ids(get(api, "/invitations")) == {body["id"]}
    assert ids(get(api, "/invitations", {"status": "open"})) == {body["id"]}
    assert ids(get(api, "/invitations", {"status": "revoked"})) == set()
    assert "accept_url" not in get(api, f"/invitations/{body['id']}").json()  # shown once only

    with django_capture_on_commit_callbacks(execute=True):
        resent = post(api, f"/invitations/{body['id']}/resend")
    assert resent.status_code == 200 and resent.json()["accept_url"] != body["accept_url"]
    assert Invitation.objects.get().sent_count == 2  # e-mailed on commit, after the answer here

    revoked = post(api, f"/invitations/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert revoked.json()["revoked_by"]["username"] == manager.username
    assert Client().get(resent.json()["accept_url"].split("8000", 1)[-1]).status_code == 410


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"organization_id": 999999}, "organization_id"),
        ({"organization_id": 0}, "organization_id"),
        ({"email": "x\x00@partner.example"}, "email"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_invitations_are_422_naming_the_field(api_for, manager, partner_org, body, field):
    response = post(api_for(manager), "/invitations", invite_body(partner_org, **body))
    assert field in field_errors(response)
    assert not Invitation.objects.exists()


def test_inviting_an_existing_user_or_our_company_is_422(api_for, manager, partner_org, partner, home):
    api = api_for(manager)
    errors = field_errors(post(api, "/invitations", invite_body(partner_org, email=partner.email)))
    assert "already has access" in errors["email"][0]
    errors = field_errors(post(api, "/invitations", invite_body(home, email="someone@halcyon.test")))
    assert "organization_id" in errors


def test_only_admins_and_alliance_managers_manage_invitations(
    api_for, admin, executive, partner, partner_org, manager
):
    invitation, _ = services.invitation_create(
        organization=partner_org, email="p@partner.example", user=manager, send=False
    )
    assert (
        post(api_for(admin), "/invitations", invite_body(partner_org, email="a@partner.example")).status_code
        == 201
    )
    for user in (executive, partner):
        api = api_for(user)
        assert (
            post(api, "/invitations", invite_body(partner_org, email="z@partner.example")).status_code == 403
        )
        assert get(api, "/invitations").status_code == 403
        assert get(api, f"/invitations/{invitation.pk}").status_code == 403
        assert post(api, f"/invitations/{invitation.pk}/revoke").status_code == 403
    anonymous = Client()
    assert get(anonymous, "/invitations").status_code == 401
    assert post(anonymous, "/invitations", invite_body(partner_org)).status_code == 401
    assert get(api_for(manager), "/invitations/999999").status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.OPEN


def test_revoking_an_accepted_invitation_is_422(api_for, manager, partner_org, invite):
    invitation, path = invite(partner_org)
    accept(path)
    assert field_errors(post(api_for(manager), f"/invitations/{invitation.pk}/revoke"))["__all__"]


def test_partner_users_are_listed_with_their_last_sign_in_and_switched_off_and_on(
    api_for, manager, partner, other_partner, other_partner_org
):
    User.objects.filter(pk=partner.pk).update(last_login=timezone.now() - timedelta(days=1))
    api = api_for(manager)
    listed = get(api, "/partner-users")
    assert listed.status_code == 200
    rows = {r["username"]: r for r in listed.json()["items"]}
    assert set(rows) == {partner.username, other_partner.username}  # partner users only
    assert rows[partner.username]["last_login"] is not None
    assert rows[other_partner.username]["last_login"] is None
    assert ids(get(api, "/partner-users", {"organization_id": other_partner_org.pk})) == {other_partner.pk}
    assert ids(get(api, "/partner-users", {"signed_in": "never"})) == {other_partner.pk}

    off = post(api, f"/partner-users/{partner.pk}/deactivate")
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert (
        off.json()["access_action"] == "deactivated" and off.json()["access_changed_by"] == manager.username
    )
    assert ids(get(api, "/partner-users", {"is_active": False})) == {partner.pk}
    on = post(api, f"/partner-users/{partner.pk}/reactivate")
    assert on.json()["is_active"] is True


def test_partner_user_endpoints_refuse_others_and_internal_users(api_for, manager, executive, partner, admin):
    assert post(api_for(manager), f"/partner-users/{admin.pk}/deactivate").status_code == 404
    assert get(api_for(manager), "/partner-users", {"signed_in": "sometimes"}).status_code == 422
    for user in (executive, partner):
        assert get(api_for(user), "/partner-users").status_code == 403
        assert post(api_for(user), f"/partner-users/{partner.pk}/deactivate").status_code == 403
    partner.refresh_from_db()
    assert partner.is_active and User.objects.get(pk=admin.pk).is_active


def test_the_partner_home_answers_partner_users_only(api_for, partner, manager, alliance, other_alliance):
    response = get(api_for(partner), "/partner/home")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organization"]["id"] == partner.organization_id
    [a] = body["alliances"]
    assert a["id"] == alliance.pk and a["shared"]["plan"] is True and a["shared"]["revenue"] is False
    assert a["dashboard_url"] == f"/partner/alliances/{alliance.pk}/"
    assert body["due"]["total"] == 0 and body["registrations"]["total"] == 0
    assert get(api_for(manager), "/partner/home").status_code == 403
    assert get(Client(), "/partner/home").status_code == 401


def test_list_endpoints_run_the_same_queries_for_more_rows(api_for, manager, partner_org):
    api = api_for(manager)
    services.invitation_create(
        organization=partner_org, email="one@partner.example", user=manager, send=False
    )
    f.partner_user(partner_org)
    get(api, "/invitations")
    with CaptureQueriesContext(connection) as few:
        get(api, "/invitations")
        get(api, "/partner-users")
    for n in range(4):
        services.invitation_create(
            organization=partner_org, email=f"n{n}@partner.example", user=manager, send=False
        )
        f.partner_user(partner_org)
    with CaptureQueriesContext(connection) as many:
        assert len(get(api, "/invitations").json()["items"]) == 5
        assert len(get(api, "/partner-users").json()["items"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
