"""People with access: each partner's users with their last sign-in and who invited them, open
invitations, and switching a user's access off (never deleting) - which ends their session at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amity.accounts.models import User
from amity.portal import services
from amity.portal.models import AccessAction, AccessChange
from tests import factories as f

from .helpers import accept


def test_a_deactivated_partner_is_refused_at_once_and_cannot_sign_in_again(
    client_for, api_for, manager, partner
):
    session = client_for(partner)
    api = api_for(partner)
    assert session.get(reverse("portal:home")).status_code == 200
    assert api.get("/api/v1/partner/home").status_code == 200

    response = client_for(manager).post(reverse("portal:user_deactivate", args=[partner.pk]))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.is_active is False and User.objects.filter(pk=partner.pk).exists()  # never deleted

    # The open session is anonymous now (ModelBackend.get_user refuses inactive users) ...
    after = session.get(reverse("portal:home"))
    assert after.status_code == 302 and after.url.startswith(reverse("login"))
    # ... the API token too, and signing in again fails.
    assert api.get("/api/v1/partner/home").status_code == 401
    signin = Client().post(reverse("login"), {"username": partner.username, "password": f.PASSWORD})
    assert signin.status_code == 200 and not signin.wsgi_request.user.is_authenticated

    change = AccessChange.objects.get()
    assert (change.user, change.action, change.changed_by) == (partner, AccessAction.DEACTIVATED, manager)

    client_for(manager).post(reverse("portal:user_reactivate", args=[partner.pk]))
    partner.refresh_from_db()
    assert partner.is_active
    again = Client()
    assert (
        again.post(reverse("login"), {"username": partner.username, "password": f.PASSWORD}).status_code
        == 302
    )
    assert AccessChange.objects.filter(action=AccessAction.REACTIVATED).count() == 1


def test_only_partner_users_are_switched_off_here(client_for, manager, admin, executive):
    assert client_for(manager).post(reverse("portal:user_deactivate", args=[executive.pk])).status_code == 404
    with pytest.raises(ValidationError):
        services.partner_user_deactivate(target=admin, user=manager)
    executive.refresh_from_db()
    assert executive.is_active


def test_deactivating_twice_records_it_once(manager, partner):
    services.partner_user_deactivate(target=partner, user=manager)
    services.partner_user_deactivate(target=partner, user=manager)
    assert AccessChange.objects.count() == 1


def test_the_people_page_lists_each_user_with_last_sign_in_and_who_invited_them(
    client_for, manager, partner_org, partner, other_partner, invite
):
    User.objects.filter(pk=partner.pk).update(last_login=timezone.now() - timedelta(days=3))
    invitation, path = invite(partner_org, email="newbie@partner.example")
    accept(path, username="newbie")
    open_one, _ = invite(partner_org, email="pending@partner.example")

    response = client_for(manager).get(reverse("portal:organization_access", args=[partner_org.pk]))
    assert response.status_code == 200
    users = {u.username: u for u in response.context["users"]}
    assert set(users) == {partner.username, "newbie"}  # not the other partner's people
    assert users[partner.username].last_login is not None
    assert users["newbie"].last_login is not None  # accepting signed them in
    assert users["newbie"].invited_by_name == manager.username  # no names on the factory user
    assert [i.email for i in response.context["open_invitations"]] == ["pending@partner.example"]
    assert [i.email for i in response.context["past_invitations"]] == ["newbie@partner.example"]
    content = response.content.decode()
    assert other_partner.username not in content
    assert "pending@partner.example" in content


def test_revoking_from_the_page_stops_the_link(client_for, manager, partner_org, invite):
    invitation, path = invite(partner_org)
    response = client_for(manager).post(reverse("portal:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    assert Client().get(path).status_code == 410


def test_access_pages_are_for_admins_and_alliance_managers(
    client_for, admin, manager, executive, partner, partner_org, invite
):
    invitation, _ = invite(partner_org)
    pages = [
        reverse("portal:access_list"),
        reverse("portal:organization_access", args=[partner_org.pk]),
    ]
    posts = [
        reverse("portal:invitation_revoke", args=[invitation.pk]),
        reverse("portal:invitation_resend", args=[invitation.pk]),
        reverse("portal:user_deactivate", args=[partner.pk]),
        reverse("portal:user_reactivate", args=[partner.pk]),
    ]
    for url in pages:
        assert client_for(admin).get(url).status_code == 200
        assert client_for(manager).get(url).status_code == 200
        assert client_for(executive).get(url).status_code == 403
        assert client_for(partner).get(url).status_code == 404
        assert Client().get(url).status_code == 302  # to sign in
    for url in posts:
        assert client_for(executive).post(url).status_code == 403
        assert client_for(partner).post(url).status_code == 404
    partner.refresh_from_db()
    assert partner.is_active


def test_our_own_company_has_no_people_with_access_page(client_for, manager, home):
    assert client_for(manager).get(reverse("portal:organization_access", args=[home.pk])).status_code == 404


def test_an_archived_partner_keeps_its_people_page_without_the_invite_form(
    client_for, manager, partner_org, partner
):
    partner_org.archived_at = timezone.now()
    partner_org.save()
    response = client_for(manager).get(reverse("portal:organization_access", args=[partner_org.pk]))
    assert response.status_code == 200
    assert [u.username for u in response.context["users"]] == [partner.username]
    assert (
        b'data-testid="archived"' in response.content and b'data-testid="invite-form"' not in response.content
    )


def test_the_portfolio_list_filters_by_organization_status_and_sign_in(
    client_for, manager, partner, other_partner, other_partner_org
):
    stale = f.partner_user(other_partner_org, username="stale1")
    User.objects.filter(pk=stale.pk).update(last_login=timezone.now() - timedelta(days=200))
    User.objects.filter(pk=partner.pk).update(last_login=timezone.now())
    services.partner_user_deactivate(target=other_partner, user=manager)
    client = client_for(manager)

    def usernames(**params):
        response = client.get(reverse("portal:access_list"), params)
        assert response.status_code == 200
        return {u.username for u in response.context["page"].object_list}

    assert usernames() == {partner.username, "stale1"}  # active by default
    assert usernames(status="all") == {partner.username, "stale1", other_partner.username}
    assert usernames(status="inactive") == {other_partner.username}
    assert usernames(organization=other_partner_org.pk, status="all") == {"stale1", other_partner.username}
    assert usernames(signed_in="stale") == {"stale1"}
    assert usernames(signed_in="never", status="all") == {other_partner.username}
    assert usernames(q="stale") == {"stale1"}
    partial = client.get(reverse("portal:access_list"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content


def test_the_portfolio_list_runs_the_same_queries_for_more_users(client_for, manager, partner_org, invite):
    client = client_for(manager)
    f.partner_user(partner_org)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:access_list"))
    for n in range(5):
        _, path = invite(partner_org, email=f"many{n}@partner.example")
        accept(path, username=f"many{n}")
    services.partner_user_deactivate(target=User.objects.get(username="many0"), user=manager)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("portal:access_list"), {"status": "all"})
    assert len(response.context["page"].object_list) == 6
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_the_organization_page_links_to_the_people_for_managers_only(
    client_for, manager, executive, partner, partner_org, home
):
    url = reverse("partners:organization_detail", args=[partner_org.pk])
    response = client_for(manager).get(url)
    assert b'data-testid="access-card"' in response.content
    assert reverse("portal:organization_access", args=[partner_org.pk]).encode() in response.content
    for user in (executive, partner):
        assert b'data-testid="access-card"' not in client_for(user).get(url).content
    home_page = client_for(manager).get(reverse("partners:organization_detail", args=[home.pk]))
    assert b'data-testid="access-card"' not in home_page.content


def test_the_navigation_offers_partner_access_to_managers_and_the_home_to_partners(
    client_for, manager, executive, partner
):
    portfolio = reverse("alliances:portfolio")
    assert b'data-testid="nav-partner-access"' in client_for(manager).get(portfolio).content
    assert b"nav-partner" not in client_for(executive).get(portfolio).content
    page = client_for(partner).get(portfolio)
    assert b'data-testid="nav-partner-home"' in page.content
    assert b'data-testid="partner-home-link"' in page.content
