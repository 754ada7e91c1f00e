"""Accounts and opportunities: stage history, probabilities, visibility, the agenda."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amity.core import agenda
from amity.pipeline import selectors, services
from amity.pipeline.models import Account, Opportunity, OpportunityStage, PartnerRole
from tests import factories as f
from tests.pipeline.factories import AccountFactory, opportunity, register

pytestmark = pytest.mark.django_db


def test_a_new_opportunity_takes_the_stage_probability_and_records_its_first_stage(manager, alliance):
    opp = opportunity(user=manager, alliance=alliance, stage=OpportunityStage.PROPOSAL)
    assert opp.probability == 50
    assert not opp.is_closed
    [change] = opp.stage_changes.all()
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", "proposal", manager)


def test_moving_the_stage_writes_who_when_from_and_to(manager, alliance):
    opp = opportunity(user=manager, alliance=alliance)
    opp = services.opportunity_set_stage(opportunity=opp, stage=OpportunityStage.CLOSED_WON, user=manager)
    assert opp.is_won and opp.is_closed and opp.probability == 100
    assert [(c.from_stage, c.to_stage) for c in opp.stage_changes.all()] == [
        ("", "qualification"),
        ("qualification", "closed_won"),
    ]


def test_moving_to_the_same_stage_changes_nothing(manager, alliance):
    opp = opportunity(user=manager, alliance=alliance)
    services.opportunity_set_stage(opportunity=opp, stage=opp.stage, user=manager)
    assert opp.stage_changes.count() == 1


def test_an_unknown_stage_names_the_field(manager, alliance):
    with pytest.raises(ValidationError) as exc:
        services.opportunity_set_stage(opportunity=opportunity(user=manager), stage="won-ish", user=manager)
    assert "stage" in exc.value.error_dict


def test_an_executive_cannot_move_a_stage(manager, executive):
    with pytest.raises(PermissionDenied):
        services.opportunity_set_stage(
            opportunity=opportunity(user=manager), stage="proposal", user=executive
        )


def test_a_negative_amount_names_the_field(manager):
    with pytest.raises(ValidationError) as exc:
        opportunity(user=manager, amount=Decimal("-1"))
    assert "amount" in exc.value.error_dict
    assert not Opportunity.objects.exists()


def test_account_names_and_domains_are_stored_normalized(manager, home):
    account = services.account_create(
        data={"name": "  Brightwater Retail Ltd ", "domain": "https://www.Brightwater.co.uk/"}, user=manager
    )
    assert account.domain == "brightwater.co.uk"
    assert account.normalized_name == "brightwater retail"
    assert account.owner_organization == home
    with pytest.raises(ValidationError) as exc:
        services.account_create(data={"name": "Brightwater Retail Limited"}, user=manager)
    assert "name" in exc.value.error_dict


def test_partners_see_their_alliances_opportunities_and_never_another_partners_accounts(
    manager, partner, partner_org, alliance, other_alliance, other_partner_org
):
    ours = AccountFactory()
    theirs = AccountFactory(owner_organization=partner_org)
    competitor = AccountFactory(owner_organization=other_partner_org)
    visible = opportunity(user=manager, alliance=alliance, account=ours)
    opportunity(user=manager, alliance=other_alliance, account=AccountFactory())
    opportunity(user=manager, alliance=other_alliance, account=competitor)
    assert set(Opportunity.objects.visible_to(partner)) >= {visible}
    assert other_alliance.pk not in {
        link.alliance_id for o in Opportunity.objects.visible_to(partner) for link in o.links.all()
    }
    assert set(Account.objects.visible_to(partner)) == {ours, theirs}


def test_the_alliance_summary_explains_open_weighted_and_won(manager, alliance):
    today = date.today()
    opportunity(user=manager, alliance=alliance, amount=Decimal("100000"), stage="proposal")  # 50 %
    opportunity(user=manager, alliance=alliance, amount=Decimal("40000"), stage="negotiation")  # 75 %
    opportunity(
        user=manager, alliance=alliance, amount=Decimal("70000"), stage="closed_won", close_date=today
    )
    opportunity(
        user=manager, alliance=alliance, amount=Decimal("9000"), stage="closed_lost", close_date=today
    )
    opportunity(user=manager, amount=Decimal("999999"), stage="proposal")  # another alliance's: not counted
    summary = selectors.alliance_pipeline_summary(alliance=alliance, user=manager, today=today)
    assert summary.open_amount == Decimal("140000")
    assert summary.weighted_amount == Decimal("80000.00")
    assert summary.won_this_year == Decimal("70000")
    assert (summary.open_count, summary.won_count, summary.lost_count) == (2, 1, 1)
    assert sum(q.won for q in summary.quarters) == Decimal("70000")


def test_the_agenda_shows_decisions_protection_ends_and_closing_opportunities(manager, partner, alliance):
    opp = opportunity(user=manager, alliance=alliance, close_date=date.today() + timedelta(days=10))
    opportunity(user=manager, alliance=alliance, stage="closed_won")
    pending = register(user=partner, alliance=alliance)
    approved = services.registration_approve(
        registration=register(
            user=partner, alliance=alliance, company_name="Other Co", domain="other.example"
        ),
        user=manager,
    )
    items = {(i.kind, i.uid): i for i in agenda.items([alliance.pk])}
    assert items[("registration_decision", f"dealreg-{pending.pk}-decision")].day == pending.decision_deadline
    assert items[("registration_expiry", f"dealreg-{approved.pk}-expiry")].day == approved.protection_until
    closing = [i for (kind, _), i in items.items() if kind == "opportunity_close"]
    assert [i.day for i in closing] == [opp.close_date]


def test_the_agenda_source_queries_in_bulk(manager, partner, alliance, django_assert_max_num_queries):
    for n in range(6):
        opportunity(user=manager, alliance=alliance)
        register(user=partner, alliance=alliance, company_name=f"Firm {n}", domain=f"firm{n}.example")
    with django_assert_max_num_queries(3):
        list(agenda.sources()["pipeline"]([alliance.pk], None, None))


def test_roles_on_links_are_checked(manager, alliance):
    with pytest.raises(ValidationError):
        opportunity(user=manager, alliance=alliance, role="partner-ish")
    opp = opportunity(user=manager, alliance=alliance, role=PartnerRole.RESELL)
    other = f.AllianceFactory()
    opp, changed = services.opportunity_update(
        opportunity=opp, data={}, alliances=[(other, PartnerRole.REFERRAL)], user=manager
    )
    assert changed == ["alliances"]
    assert [(link.alliance, link.role) for link in opp.links.all()] == [(other, "referral")]


def test_a_partners_account_is_never_shared_with_another_partners_alliance(
    manager, alliance, other_alliance, partner_org
):
    theirs = AccountFactory(owner_organization=partner_org)
    with pytest.raises(ValidationError) as exc:
        opportunity(user=manager, alliance=other_alliance, account=theirs)
    assert "alliances" in exc.value.error_dict
    opp = opportunity(user=manager, alliance=alliance, account=theirs)
    with pytest.raises(ValidationError):
        services.opportunity_update(
            opportunity=opp, data={}, alliances=[(other_alliance, PartnerRole.CO_SELL)], user=manager
        )
