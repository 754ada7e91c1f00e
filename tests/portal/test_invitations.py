"""Invitations: invite by e-mail, the link works once until it expires, the invitee sets a password
and lands signed in on the partner home. Used, expired, withdrawn and tampered links answer a
clear page, and nothing is created."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amity.accounts.models import User
from amity.core.roles import Role
from amity.portal import services
from amity.portal.models import Invitation, InvitationStatus
from tests import factories as f

from .helpers import STRONG, accept, link_in


def org_page(organization) -> str:
    return reverse("portal:organization_access", args=[organization.pk])


def test_invite_mails_a_link_and_accepting_it_signs_in_a_new_partner_user(
    client_for, manager, partner_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            org_page(partner_org),
            {"email": "Jana.Klein@Stratus.example", "first_name": "Jana", "last_name": "Klein"},
        )
    assert response.status_code == 200
    assert b'data-testid="new-link"' in response.content  # shown once to the inviter
    [message] = mail.outbox
    assert message.to == ["Jana.Klein@stratus.example"]
    assert partner_org.name in message.subject
    path = link_in(message)
    invitation = Invitation.objects.get()
    assert invitation.last_sent_at is not None and invitation.sent_count == 1

    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200
    assert b"Jana.Klein@stratus.example" in page.content
    assert page.context["form"].initial["username"] == "jana.klein@stratus.example"

    _, done = accept(path, username="jana.klein@stratus.example", client=visitor)
    assert done.status_code == 302 and done.url == reverse("portal:home")
    user = User.objects.get(username="jana.klein@stratus.example")
    assert (user.role, user.organization, user.email, user.is_active) == (
        Role.PARTNER,
        partner_org,
        "Jana.Klein@stratus.example",
        True,
    )
    assert (user.first_name, user.last_name) == ("Jana", "Klein")
    assert user.check_password(STRONG)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.user == user
    home = visitor.get(reverse("portal:home"))
    assert home.status_code == 200 and home.context["user"] == user


def test_a_reused_link_answers_gone_and_creates_nothing(invite, partner_org):
    _, path = invite(partner_org)
    accept(path, username="first")
    users = User.objects.count()
    again = Client().get(path)
    assert again.status_code == 410
    assert again.context["reason"] == "accepted"
    assert b"already used" in again.content
    _, second = accept(path, username="second")
    assert second.status_code == 410
    assert User.objects.count() == users
    assert not User.objects.filter(username="second").exists()


def test_an_expired_link_answers_gone_and_creates_nothing(invite, partner_org):
    invitation, path = invite(partner_org)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    users = User.objects.count()
    page = Client().get(path)
    assert page.status_code == 410 and page.context["reason"] == "expired"
    assert b"expired" in page.content
    _, posted = accept(path)
    assert posted.status_code == 410
    assert User.objects.count() == users
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.EXPIRED and invitation.accepted_at is None


def test_the_expiry_is_checked_against_the_time_of_use(invite, partner_org):
    invitation, path = invite(partner_org)
    raw = path.rstrip("/").rsplit("/", 1)[-1]
    later = invitation.expires_at + timedelta(seconds=1)
    with pytest.raises(services.InvitationInvalid) as exc:
        services.invitation_accept(token=raw, username="late", password=STRONG, now=later)
    assert exc.value.reason == InvitationStatus.EXPIRED
    assert not User.objects.filter(username="late").exists()


def test_a_revoked_link_answers_gone(invite, partner_org, manager):
    invitation, path = invite(partner_org)
    services.invitation_revoke(invitation=invitation, user=manager)
    page = Client().get(path)
    assert page.status_code == 410 and page.context["reason"] == "revoked"
    assert b"withdrawn" in page.content
    _, posted = accept(path)
    assert posted.status_code == 410
    assert not User.objects.filter(username="new.person").exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda p: p[:-3] + ("A" if p[-3] != "A" else "B") + p[-2:],  # one character changed
        lambda p: p.replace("/inv_", "/"),  # prefix removed
        lambda p: "/invitations/inv_" + "x" * 200 + "/",  # absurdly long
        lambda p: "/invitations/not-a-token/",
    ],
    ids=["one-character", "no-prefix", "too-long", "garbage"],
)
def test_a_tampered_link_is_not_found_and_creates_nothing(invite, partner_org, mangle):
    _, path = invite(partner_org)
    bad = mangle(path)
    assert bad != path
    page = Client().get(bad)
    assert page.status_code == 404
    assert b"not valid" in page.content
    _, posted = accept(bad)
    assert posted.status_code == 404
    assert not User.objects.filter(username="new.person").exists()
    assert Invitation.objects.get().status == InvitationStatus.OPEN


def test_a_weak_password_is_refused_with_a_field_error(invite, partner_org):
    invitation, path = invite(partner_org, email="weak@partner.example")
    _, response = accept(path, username="weak", password="password")
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "password" in errors
    assert any("too common" in e or "too short" in e for e in errors["password"])
    assert not User.objects.filter(username="weak").exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.OPEN  # the link still works


def test_a_password_like_the_email_is_refused(invite, partner_org):
    _, path = invite(partner_org, email="wilhelmina.vandenberg@partner.example")
    _, response = accept(path, username="wvdb", password="wilhelmina.vandenberg")
    assert response.status_code == 422
    assert any("similar" in e for e in response.context["form"].errors["password"])


def test_two_different_passwords_are_refused(invite, partner_org):
    _, path = invite(partner_org)
    response = Client().post(path, {"username": "x1", "password": STRONG, "password_confirm": STRONG + "!"})
    assert response.status_code == 422
    assert "password_confirm" in response.context["form"].errors


def test_a_taken_username_is_a_clear_field_error(invite, partner_org, partner):
    _, path = invite(partner_org)
    _, response = accept(path, username=partner.username.upper())
    assert response.status_code == 422
    assert "is taken" in response.context["form"].errors["username"][0]
    _, ok = accept(path, username="another-name")
    assert ok.status_code == 302


def test_inviting_the_email_of_an_active_user_is_refused_on_the_email_field(
    client_for, manager, partner_org, partner
):
    response = client_for(manager).post(org_page(partner_org), {"email": partner.email.upper()})
    assert response.status_code == 422
    assert "already has access" in response.context["form"].errors["email"][0]
    assert not Invitation.objects.exists() and not mail.outbox


def test_inviting_a_deactivated_user_says_to_reactivate_instead(manager, partner_org, partner):
    services.partner_user_deactivate(target=partner, user=manager)
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(organization=partner_org, email=partner.email, user=manager)
    assert "reactivate" in exc.value.message_dict["email"][0]


def test_an_invalid_email_is_a_field_error(client_for, manager, partner_org):
    response = client_for(manager).post(org_page(partner_org), {"email": "not an address"})
    assert response.status_code == 422
    assert response.context["form"].errors["email"]


def test_inviting_again_revokes_the_earlier_open_invitation(invite, partner_org, other_partner_org):
    first, first_path = invite(partner_org, email="twice@partner.example")
    second, second_path = invite(other_partner_org, email="TWICE@partner.example")
    first.refresh_from_db()
    assert first.status == InvitationStatus.REVOKED
    assert Client().get(first_path).status_code == 410
    assert Client().get(second_path).status_code == 200
    assert len(mail.outbox) == 2


def test_resend_gives_a_new_link_and_the_old_one_stops_working(
    invite, partner_org, manager, django_capture_on_commit_callbacks
):
    invitation, old_path = invite(partner_org)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        resent, raw = services.invitation_resend(invitation=invitation, user=manager)
    assert resent.status == InvitationStatus.OPEN  # an expired invitation gets a fresh period
    assert Client().get(old_path).status_code == 404
    new_path = link_in(mail.outbox[-1])
    assert new_path == reverse("portal:invitation_accept", args=[raw])
    assert accept(new_path)[1].status_code == 302
    assert Invitation.objects.get().sent_count == 2


def test_the_resend_button_shows_the_new_link_once(client_for, invite, partner_org, manager):
    invitation, _ = invite(partner_org)
    response = client_for(manager).post(reverse("portal:invitation_resend", args=[invitation.pk]))
    assert response.status_code == 200
    assert response.context["new_link"].startswith("http") and response.context["resent"]


def test_the_token_is_stored_only_as_a_digest(invite, partner_org):
    invitation, path = invite(partner_org)
    raw = path.rstrip("/").rsplit("/", 1)[-1]
    invitation.refresh_from_db()
    assert invitation.token_digest == hashlib.sha256(raw.encode()).hexdigest()
    stored = " ".join(str(getattr(invitation, field.attname)) for field in Invitation._meta.concrete_fields)
    assert raw not in stored


def test_invitations_last_the_configured_number_of_days(settings, manager, partner_org):
    settings.AMITY_INVITATION_DAYS = 3
    now = timezone.now()
    invitation, _ = services.invitation_create(
        organization=partner_org, email="three@partner.example", user=manager, send=False, now=now
    )
    assert invitation.expires_at == now + timedelta(days=3)


def test_open_invitations_are_limited_per_organization(settings, manager, partner_org):
    settings.AMITY_INVITATIONS_OPEN_MAX = 2
    for n in range(2):
        services.invitation_create(
            organization=partner_org, email=f"p{n}@partner.example", user=manager, send=False
        )
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(
            organization=partner_org, email="p3@partner.example", user=manager, send=False
        )
    assert "at most 2" in exc.value.message_dict["organization"][0]


def test_our_own_company_and_archived_partners_cannot_be_invited_to(manager, home, partner_org):
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(organization=home, email="x@halcyon.test", user=manager, send=False)
    assert "partner organization" in exc.value.message_dict["organization"][0]
    partner_org.archived_at = timezone.now()
    partner_org.save()
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(
            organization=partner_org, email="y@partner.example", user=manager, send=False
        )
    assert "archived" in exc.value.message_dict["organization"][0]


def test_a_link_of_an_organization_archived_since_is_no_longer_valid(invite, partner_org):
    _, path = invite(partner_org)
    partner_org.archived_at = timezone.now()
    partner_org.save()
    page = Client().get(path)
    assert page.status_code == 410 and page.context["reason"] == "organization"


def test_partner_users_and_executives_cannot_invite(client_for, partner, executive, partner_org, admin):
    assert client_for(partner).post(org_page(partner_org), {"email": "a@b.example"}).status_code == 404
    assert client_for(executive).post(org_page(partner_org), {"email": "a@b.example"}).status_code == 403
    for user in (partner, executive):
        with pytest.raises(PermissionDenied):
            services.invitation_create(organization=partner_org, email="a@b.example", user=user, send=False)
    assert not Invitation.objects.exists()
    # Admins may, like alliance managers.
    assert client_for(admin).post(org_page(partner_org), {"email": "a@b.example"}).status_code == 200


def test_someone_signed_in_is_asked_to_sign_out_before_accepting(client_for, invite, partner_org, manager):
    _, path = invite(partner_org)
    response = client_for(manager).get(path)
    assert response.status_code == 200
    assert b'data-testid="signed-in-as"' in response.content
    assert "form" not in response.context
    response = client_for(manager).post(
        path, {"username": "x", "password": STRONG, "password_confirm": STRONG}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="x").exists()


def test_a_mail_server_failure_leaves_the_invitation_unsent(manager, partner_org, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    invitation, raw = services.invitation_create(
        organization=partner_org, email="down@partner.example", user=manager, send=False
    )
    assert services._send(invitation.pk, raw) is False
    invitation.refresh_from_db()
    assert invitation.last_sent_at is None and invitation.sent_count == 0


def test_the_invitation_history_records_who_did_what(invite, partner_org, manager):
    invitation, path = invite(partner_org)
    accept(path)
    reasons = list(
        invitation.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["invited", "accepted"]
    assert invitation.history.earliest("history_date").history_user == manager


def test_accepted_invitations_cannot_be_revoked(invite, partner_org, manager):
    invitation, path = invite(partner_org)
    accept(path)
    with pytest.raises(ValidationError):
        services.invitation_revoke(invitation=invitation, user=manager)


def test_a_partner_user_created_from_another_organization_keeps_to_it(invite, partner_org, other_partner_org):
    _, path = invite(other_partner_org, email="k@kestrel.example")
    accept(path, username="kestrel-person")
    assert User.objects.get(username="kestrel-person").organization == other_partner_org
    assert f.home_org() != other_partner_org
