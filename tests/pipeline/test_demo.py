"""The pipeline in the demo story: accounts and opportunities across alliances, and the two
competing resellers registering the same customer. Loading the demo again adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.db import transaction
from django.test.utils import override_settings

from amity.demo.loader import load
from amity.pipeline.demo import MODELS
from amity.pipeline.models import (
    Account,
    DealRegistration,
    MatchKind,
    Opportunity,
    OpportunityAlliance,
    RegistrationStatus,
)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load()
        counts = {model: model._default_manager.count() for model in MODELS}
        load()
        yield counts
        transaction.set_rollback(True)


def test_loading_the_demo_twice_adds_no_pipeline_rows(demo, db):
    assert {model: model._default_manager.count() for model in MODELS} == demo


def test_about_sixty_accounts_of_both_sides_and_ninety_opportunities(demo, db):
    assert 60 <= Account.objects.count() <= 72
    assert Account.objects.filter(owner_organization__is_home=False).count() >= 10
    assert 80 <= Opportunity.objects.count() <= 100
    by_alliance = Counter(OpportunityAlliance.objects.values_list("alliance__name", flat=True))
    assert by_alliance.most_common(1)[0][0] == "Stratus Cloud Co-Sell"
    assert Opportunity.objects.filter(stage="closed_won").exists()
    assert Opportunity.objects.filter(stage="closed_lost").exists()
    won = Opportunity.objects.filter(stage="closed_won").first()
    assert won.stage_changes.count() >= 2


def test_the_second_reseller_is_flagged_with_the_first_for_the_reviewer(demo, db):
    kestrel = DealRegistration.objects.get(
        organization__name="Kestrel IT", company_name="Nordwind Logistik GmbH"
    )
    norte = DealRegistration.objects.get(organization__name="Norte Sistemas")
    assert kestrel.status == RegistrationStatus.APPROVED and kestrel.protection_until.year == 2027
    assert norte.status == RegistrationStatus.SUBMITTED
    assert norte.decision_deadline.isoformat() < "2026-11-01"  # past its deadline on the story's day
    [match] = norte.matches.all()
    assert (match.kind, match.other_registration) == (MatchKind.COMPETING_REGISTRATION, kestrel)
    assert match.on_name and match.on_domain


def test_one_registration_was_rejected_with_a_reason_and_one_converted(demo, db):
    rejected = DealRegistration.objects.get(status=RegistrationStatus.REJECTED)
    assert "direct named account" in rejected.rejection_reason
    assert DealRegistration.objects.filter(opportunity__isnull=False).count() == 1


def test_direct_deals_win_less_often_than_deals_with_a_partner(demo, db):
    """The partner-impact panel has a story to tell: our direct deals close less often."""
    direct = Opportunity.objects.filter(links__isnull=True, stage__in=["closed_won", "closed_lost"])
    partnered = Opportunity.objects.filter(
        links__isnull=False, stage__in=["closed_won", "closed_lost"]
    ).distinct()

    def rate(qs):
        return qs.filter(stage="closed_won").count() / qs.count()

    assert direct.count() >= 8
    assert rate(direct) < rate(partnered)


def test_the_stratus_account_mapping_finds_the_shared_customers(demo, db):
    from amity.pipeline.models import MappingRun

    run = MappingRun.objects.get(alliance__name="Stratus Cloud Co-Sell")
    assert run.status == "done" and run.matrix["total"] >= 5
    assert {"Orion Retail Group", "Northwind Traders"} <= {m["our_name"] for m in run.matches}


def test_leads_tell_routing_declines_rerouting_and_acceptance(demo, db):
    from amity.pipeline import selectors_leads
    from amity.pipeline.models import Lead
    from tests import factories as f

    hanseatic = Lead.objects.get(company_name="Hanseatic Health GmbH")
    assert hanseatic.status == "accepted" and hanseatic.organization.name == "Meridian Consulting"
    assert hanseatic.history.filter(status="declined", organization__name="Kestrel IT").exists()
    assert Lead.objects.get(company_name="Nordic Freight AB").status == "new"
    assert Lead.objects.get(company_name="Bergwerk Logistik AG").opportunity is not None
    stats = {
        r.organization.name: r
        for r in selectors_leads.acceptance_stats(user=f.admin_user(), today=date(2026, 11, 1))
    }
    assert stats["Kestrel IT"].declined == 1 and stats["Kestrel IT"].overdue == 1
    assert (
        stats["Meridian Consulting"].accepted == 2 and stats["Meridian Consulting"].median_hours is not None
    )
