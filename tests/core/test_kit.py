"""The shared kit: visibility rule, generic services, CSV escaping, tokens."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from amity.accounts.services import token_authenticate, token_create, token_revoke
from amity.alliances.models import Alliance, CorporateObjective, StrategicReview, Tier
from amity.core.export import escape_cell
from amity.core.services import model_archive, model_restore
from amity.partners.models import Contact, Organization
from tests import factories as f


def test_anonymous_and_inactive_users_see_nothing(alliance, manager):
    assert not Alliance.objects.visible_to(AnonymousUser()).exists()
    manager.is_active = False
    assert not Alliance.objects.visible_to(manager).exists()


def test_partner_sees_own_org_home_and_co_parties_but_not_other_partners(
    partner, alliance, other_alliance, home, partner_org, other_partner_org
):
    visible = set(Organization.objects.visible_to(partner))
    assert visible == {partner_org, home}
    assert other_partner_org not in visible


def test_consortium_members_see_each_other(partner, partner_org, home, manager):
    from amity.alliances.services import alliance_create

    peer = f.OrganizationFactory(name="Peer Member")
    alliance_create(
        user=manager,
        data={"name": "Consortium", "alliance_type": "consortium"},
        partners=[(partner_org, "member"), (peer, "member")],
    )
    assert peer in Organization.objects.visible_to(partner)


def test_partner_contacts_visibility(partner, partner_org, other_partner_org, alliance, other_alliance):
    mine = f.ContactFactory(organization=partner_org)
    theirs = f.ContactFactory(organization=other_partner_org)
    visible = set(Contact.objects.visible_to(partner))
    assert mine in visible and theirs not in visible


def test_partner_users_never_see_reviews_or_objectives(partner, alliance):
    f.ReviewFactory(alliance=alliance)
    f.ObjectiveFactory()
    assert not StrategicReview.objects.visible_to(partner).exists()
    assert not CorporateObjective.objects.visible_to(partner).exists()
    assert Tier.objects.visible_to(partner).exists()


def test_archive_and_restore_keep_the_row_and_record_history(manager, alliance):
    archived = model_archive(instance=alliance, user=manager, reason="paused")
    assert archived.archived_at is not None
    assert Alliance.objects.filter(pk=alliance.pk).exists()
    assert not Alliance.objects.active().filter(pk=alliance.pk).exists()
    restored = model_restore(instance=archived, user=manager)
    assert restored.archived_at is None
    reasons = list(restored.history.values_list("history_change_reason", flat=True))
    assert "restored from archive" in reasons and "paused" in reasons


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx"])
def test_csv_cells_that_look_like_formulas_are_defused(value):
    assert escape_cell(value).startswith("'")


def test_csv_plain_values_pass_through():
    assert escape_cell("Stratus") == "Stratus"
    assert escape_cell(None) == ""
    assert escape_cell(-5) == -5


def test_tokens_are_stored_hashed_and_can_be_revoked(manager):
    token, raw = token_create(user=manager, name="ci")
    assert raw not in token.digest and token.digest != raw
    assert token_authenticate(raw) == manager
    token_revoke(token=token, user=manager)
    assert token_authenticate(raw) is None
    assert token_authenticate("amity_nonsense") is None
    assert token_authenticate("") is None


def test_expired_tokens_do_not_authenticate(manager):
    from datetime import timedelta

    from django.utils import timezone

    token, raw = token_create(user=manager, days=1)
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert token_authenticate(raw) is None


def test_superuser_is_an_admin_and_only_admins_reach_django_admin(db):
    from amity.accounts.models import User

    su = User.objects.create_superuser("root", "root@example.com", "x-very-long-pass")
    assert su.role == "admin" and su.is_staff
    manager = f.manager_user()
    assert not manager.is_staff
