"""Deal registration: the duplicate/conflict check, the decision, protection and conversion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amity.core import agenda
from amity.pipeline import services
from amity.pipeline.models import (
    DealRegistration,
    MatchKind,
    OpportunityStage,
    PartnerRole,
    RegistrationStatus,
)
from tests import factories as f
from tests.pipeline.factories import AccountFactory, opportunity, register

pytestmark = pytest.mark.django_db


def test_a_partner_registers_a_deal_under_review_with_a_decision_deadline(partner, alliance):
    registration = register(user=partner, alliance=alliance)
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.organization == partner.organization
    assert registration.domain == "nordwind-logistik.de"
    assert registration.normalized_name == "nordwind logistik"
    assert registration.decision_deadline == services.add_business_days(registration.submitted_on, 2)
    assert registration.matches.count() == 0


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 23), 2, date(2026, 11, 25)),  # Monday + 2 → Wednesday
        (date(2026, 11, 26), 2, date(2026, 11, 30)),  # Thursday + 2 → Monday
        (date(2026, 11, 27), 2, date(2026, 12, 1)),  # Friday + 2 → Tuesday
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # Saturday + 1 → Monday
    ],
)
def test_the_decision_deadline_counts_business_days(start, days, expected):
    assert services.add_business_days(start, days) == expected


def test_the_review_period_is_configurable(settings, partner, alliance):
    settings.AMITY_DEAL_REVIEW_DAYS = 5
    registration = register(user=partner, alliance=alliance)
    assert registration.decision_deadline == services.add_business_days(registration.submitted_on, 5)


def test_a_partner_cannot_register_under_someone_elses_alliance(partner, other_alliance):
    with pytest.raises(ValidationError) as exc:
        register(user=partner, alliance=other_alliance)
    assert "alliance" in exc.value.error_dict
    assert not DealRegistration.objects.exists()


def test_an_executive_cannot_register(executive, alliance):
    with pytest.raises(PermissionDenied):
        register(user=executive, alliance=alliance)


def test_a_manager_registers_on_behalf_of_the_alliance_partner(manager, alliance, partner_org):
    registration = register(user=manager, alliance=alliance)
    assert registration.organization == partner_org


def test_bad_input_names_the_field_and_writes_nothing(partner, alliance):
    with pytest.raises(ValidationError) as exc:
        register(user=partner, alliance=alliance, company_name="GmbH", domain="not a domain")
    assert "company_name" in exc.value.error_dict or "domain" in exc.value.error_dict
    assert not DealRegistration.objects.exists()


def test_an_open_opportunity_with_the_same_customer_is_flagged(manager, partner, alliance):
    account = AccountFactory(name="Nordwind Logistik AG", domain="other.example")
    opp = opportunity(user=manager, account=account, alliance=alliance)
    registration = register(user=partner, alliance=alliance)
    [match] = registration.matches.all()
    assert match.kind == MatchKind.OPEN_OPPORTUNITY
    assert match.opportunity == opp
    assert match.on_name and not match.on_domain


def test_a_closed_opportunity_is_no_conflict(manager, partner, alliance):
    account = AccountFactory(name="Nordwind Logistik", domain="nordwind-logistik.de")
    opportunity(user=manager, account=account, stage=OpportunityStage.CLOSED_LOST)
    assert register(user=partner, alliance=alliance).matches.count() == 0


def test_another_partners_active_registration_is_flagged_by_domain(
    partner, alliance, other_partner, other_alliance
):
    first = register(user=other_partner, alliance=other_alliance, company_name="Nordwind Holding")
    second = register(user=partner, alliance=alliance, domain="www.NORDWIND-LOGISTIK.de")
    [match] = second.matches.all()
    assert match.kind == MatchKind.COMPETING_REGISTRATION
    assert match.other_registration == first
    assert match.on_domain and not match.on_name


def test_the_same_partners_earlier_registration_is_a_duplicate(partner, alliance):
    first = register(user=partner, alliance=alliance)
    second = register(user=partner, alliance=alliance, company_name="Nordwind-Logistik G.m.b.H.")
    [match] = second.matches.all()
    assert match.kind == MatchKind.DUPLICATE
    assert match.other_registration == first
    assert match.on_name and match.on_domain


def test_an_expired_or_rejected_registration_is_no_conflict(
    manager, partner, alliance, other_partner, other_alliance
):
    old = register(user=other_partner, alliance=other_alliance)
    old = services.registration_approve(
        registration=old, user=manager, today=date.today() - timedelta(days=200)
    )
    services.registrations_expire(date.today())
    rejected = register(user=other_partner, alliance=other_alliance)
    services.registration_reject(registration=rejected, reason="Direct account", user=manager)
    old.refresh_from_db()
    assert old.status == RegistrationStatus.EXPIRED
    assert register(user=partner, alliance=alliance).matches.count() == 0


def test_approval_opens_the_protection_window(settings, manager, partner, alliance):
    settings.AMITY_DEAL_PROTECTION_DAYS = 30
    registration = services.registration_approve(
        registration=register(user=partner, alliance=alliance), user=manager
    )
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.protection_until == registration.approved_on + timedelta(days=30)
    assert registration.decided_by == manager


def test_a_decision_is_made_once(manager, partner, alliance):
    registration = services.registration_approve(
        registration=register(user=partner, alliance=alliance), user=manager
    )
    with pytest.raises(ValidationError) as exc:
        services.registration_reject(registration=registration, reason="no", user=manager)
    assert "status" in exc.value.error_dict


def test_rejection_needs_a_reason(manager, partner, alliance):
    registration = register(user=partner, alliance=alliance)
    with pytest.raises(ValidationError) as exc:
        services.registration_reject(registration=registration, reason="  ", user=manager)
    assert "reason" in exc.value.error_dict
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_partners_cannot_decide(partner, alliance):
    registration = register(user=partner, alliance=alliance)
    with pytest.raises(PermissionDenied):
        services.registration_approve(registration=registration, user=partner)


def test_the_daily_pass_expires_protection_windows_idempotently(manager, partner, alliance):
    registration = register(user=partner, alliance=alliance)
    services.registration_approve(registration=registration, user=manager, today=date(2026, 1, 5))
    assert agenda.run_daily(date(2026, 4, 5))["pipeline"] == 0  # 90 days end on 5 Apr: still protected
    assert agenda.run_daily(date(2026, 4, 6))["pipeline"] == 1
    assert agenda.run_daily(date(2026, 4, 6))["pipeline"] == 0
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EXPIRED
    assert registration.expired_on == date(2026, 4, 6)


def test_conversion_creates_the_account_and_a_sourced_opportunity(manager, partner, alliance, partner_org):
    registration = services.registration_approve(
        registration=register(user=partner, alliance=alliance), user=manager
    )
    opp = services.registration_convert(registration=registration, user=manager)
    registration.refresh_from_db()
    assert registration.opportunity == opp
    assert opp.account.owner_organization == partner_org
    assert opp.account.domain == "nordwind-logistik.de"
    [link] = opp.links.all()
    assert (link.alliance, link.role) == (alliance, PartnerRole.SOURCED)
    assert opp.amount == registration.amount
    with pytest.raises(ValidationError):
        services.registration_convert(registration=registration, user=manager)


def test_conversion_reuses_a_matching_account(manager, partner, alliance):
    account = AccountFactory(name="Nordwind Logistik B.V.", domain="elsewhere.example")
    registration = services.registration_approve(
        registration=register(user=partner, alliance=alliance), user=manager
    )
    assert services.registration_convert(registration=registration, user=manager).account == account


def test_a_submitted_registration_cannot_be_converted(manager, partner, alliance):
    with pytest.raises(ValidationError) as exc:
        services.registration_convert(registration=register(user=partner, alliance=alliance), user=manager)
    assert "status" in exc.value.error_dict


def test_partners_see_only_their_own_registrations(partner, alliance, other_partner, other_alliance):
    mine = register(user=partner, alliance=alliance)
    register(user=other_partner, alliance=other_alliance)
    assert list(DealRegistration.objects.visible_to(partner)) == [mine]


def test_a_partner_sees_no_matches_even_of_their_own_registration(
    partner, alliance, other_partner, other_alliance
):
    from amity.pipeline import selectors

    register(user=other_partner, alliance=other_alliance)
    mine = register(user=partner, alliance=alliance)
    assert mine.matches.count() == 1
    assert selectors.registration_matches(registration=mine, user=partner) == []


def test_a_consortium_alliance_shows_no_registration_dates_on_the_shared_agenda(
    manager, home, partner_org, other_partner_org
):
    from amity.alliances.models import AllianceParty, PartyRole

    consortium = f.AllianceFactory(partner=partner_org)
    AllianceParty.objects.create(alliance=consortium, organization=other_partner_org, role=PartyRole.PARTNER)
    register(user=f.partner_user(partner_org), alliance=consortium)
    kinds = {i.kind for i in agenda.items([consortium.pk])}
    assert "registration_decision" not in kinds
