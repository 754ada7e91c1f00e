"""Tier rules on performance and the periodic re-tier review.

The rules in these tests (the default tier rules are archived first):

1. Gold when ``certified_people >= 2`` (partner people with a valid certification)
2. Silver otherwise

* ``promoted`` is Silver and its partner has two certified people → promotion to Gold, effective
  on approval;
* ``demoted`` is Gold and its partner has none → demotion to Silver after Gold's 90-day grace
  period, once approved;
* ``unreviewed`` has no strategic review → not evaluated.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from amity.alliances import rules, tiering
from amity.alliances.models import (
    ProposalStatus,
    ReviewRule,
    RuleKind,
    Tier,
    TierChangeSource,
    TierProposal,
    TierReview,
)
from amity.partners.models import Certification
from tests.agreements.factories import CommitmentFactory
from tests.api.helpers import get, post
from tests.factories import AllianceFactory, ContactFactory, OrganizationFactory, ReviewFactory

RUN_ON = date(2026, 10, 1)


@pytest.fixture
def tiers(db):
    ReviewRule.objects.filter(kind=RuleKind.TIER).update(archived_at=timezone.now())
    gold, silver = Tier.objects.get(name="Gold"), Tier.objects.get(name="Silver")
    ReviewRule.objects.create(
        kind=RuleKind.TIER, order=1, name="Gold: certified people", tier=gold,
        conditions=[{"fact": "certified_people", "op": ">=", "value": 2}],
    )  # fmt: skip
    ReviewRule.objects.create(kind=RuleKind.TIER, order=2, name="Silver: everyone else", tier=silver)
    return gold, silver


def _alliance(name, tier, *, certified=0, reviewed=True):
    partner = OrganizationFactory(name=f"{name} Partner")
    alliance = AllianceFactory(name=name, tier=tier, stage="manage", partner=partner)
    for i in range(certified):
        person = ContactFactory(organization=partner)
        Certification.objects.create(contact=person, course=f"Architect {i}", completed_on=date(2026, 1, 10))
    if reviewed:
        ReviewFactory(alliance=alliance, review_date=date(2026, 6, 1))
    return alliance


@pytest.fixture
def portfolio(tiers, home):
    gold, silver = tiers
    return {
        "promoted": _alliance("Promoted", silver, certified=2),
        "demoted": _alliance("Demoted", gold),
        "unreviewed": _alliance("Unreviewed", silver, reviewed=False),
    }


def _proposal(review, alliance):
    return TierProposal.objects.get(review=review, alliance=alliance)


def test_performance_facts_are_known_to_the_rules_and_unknown_ones_are_refused(db):
    known = rules.all_facts()
    assert {"certified_people", "kpi_partner_commitment", "scorecard_overall", "kpis_red"} <= set(known)
    rules.validate_conditions([{"fact": "kpi_alliance_roi", "op": ">=", "value": 100}])
    with pytest.raises(ValidationError) as exc:
        rules.validate_conditions([{"fact": "kpi_nonsense", "op": ">=", "value": 1}])
    assert "unknown fact 'kpi_nonsense'" in str(exc.value)


def test_the_review_proposes_promotions_demotions_and_explains_each(portfolio, tiers, admin):
    gold, silver = tiers
    review = tiering.run_review(on=RUN_ON, user=admin)
    assert review.period_start == date(2025, 10, 2) and review.period_end == RUN_ON

    up = _proposal(review, portfolio["promoted"])
    assert (up.current_tier, up.proposed_tier, up.direction, up.status) == (
        silver,
        gold,
        "promote",
        "proposed",
    )
    assert up.effective_on == RUN_ON and up.rule.name == "Gold: certified people"
    fired = tiering.fired_tier_rule(up.explanation)
    assert fired["clauses"][0]["text"] == "certified_people >= 2" and fired["clauses"][0]["actual"] == 2

    down = _proposal(review, portfolio["demoted"])
    assert (down.proposed_tier, down.direction, down.status) == (silver, "demote", "proposed")
    assert down.effective_on == RUN_ON + timedelta(days=90)  # Gold's grace period
    gold_rule = next(r for r in down.explanation["rules"] if r["name"] == "Gold: certified people")
    assert gold_rule["clauses"][0] == {**gold_rule["clauses"][0], "actual": 0, "ok": False}

    skipped = _proposal(review, portfolio["unreviewed"])
    assert skipped.status == ProposalStatus.NOT_EVALUATED and "No strategic review" in skipped.note


def test_approving_a_promotion_applies_it_and_records_the_rule(portfolio, tiers, admin):
    gold, _ = tiers
    review = tiering.run_review(on=RUN_ON, user=admin)
    tiering.approve(
        proposal=_proposal(review, portfolio["promoted"]), user=admin, note="Well earned", today=RUN_ON
    )
    alliance = portfolio["promoted"]
    alliance.refresh_from_db()
    assert alliance.tier == gold
    change = alliance.tier_changes.get(source=TierChangeSource.RETIER)
    assert change.rule.name == "Gold: certified people" and change.rule_name == "Gold: certified people"
    assert change.clauses[0]["actual"] == 2 and change.changed_by == admin
    assert _proposal(review, alliance).status == ProposalStatus.APPLIED


def test_a_demotion_waits_for_the_grace_period_then_applies(portfolio, tiers, admin):
    gold, silver = tiers
    review = tiering.run_review(on=RUN_ON, user=admin)
    proposal = tiering.approve(proposal=_proposal(review, portfolio["demoted"]), user=admin, today=RUN_ON)
    assert proposal.status == ProposalStatus.APPROVED
    alliance = portfolio["demoted"]
    assert tiering.apply_due(RUN_ON + timedelta(days=89)) == 0
    alliance.refresh_from_db()
    assert alliance.tier == gold
    assert tiering.apply_due(RUN_ON + timedelta(days=90)) == 1
    alliance.refresh_from_db()
    assert alliance.tier == silver
    change = alliance.tier_changes.get()
    assert (change.from_tier, change.to_tier, change.rule_name) == (gold, silver, "Silver: everyone else")
    assert tiering.apply_due(RUN_ON + timedelta(days=91)) == 0  # applied once


def test_an_alliance_that_recovers_in_the_grace_period_keeps_its_tier(portfolio, tiers, admin):
    gold, _ = tiers
    review = tiering.run_review(on=RUN_ON, user=admin)
    proposal = tiering.approve(proposal=_proposal(review, portfolio["demoted"]), user=admin, today=RUN_ON)
    partner = portfolio["demoted"].parties.exclude(role="host").get().organization
    for i in range(2):
        Certification.objects.create(
            contact=ContactFactory(organization=partner),
            course=f"C{i}",
            completed_on=RUN_ON + timedelta(days=10),
        )
    assert tiering.apply_due(proposal.effective_on) == 0
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.LAPSED and "Meets the rules of Gold again" in proposal.note
    portfolio["demoted"].refresh_from_db()
    assert portfolio["demoted"].tier == gold


def test_a_later_review_keeps_the_grace_clock_and_the_approval(portfolio, admin):
    first = tiering.run_review(on=RUN_ON, user=admin)
    tiering.approve(proposal=_proposal(first, portfolio["demoted"]), user=admin, today=RUN_ON)
    second = tiering.run_review(on=RUN_ON + timedelta(days=30), user=admin)
    old, new = _proposal(first, portfolio["demoted"]), _proposal(second, portfolio["demoted"])
    assert old.status == ProposalStatus.SUPERSEDED
    assert new.status == ProposalStatus.APPROVED and new.decided_by == admin
    assert new.effective_on == RUN_ON + timedelta(days=90)
    # The promotion nobody decided on is carried into the new review, undecided.
    assert _proposal(first, portfolio["promoted"]).status == ProposalStatus.SUPERSEDED
    assert _proposal(second, portfolio["promoted"]).status == ProposalStatus.PROPOSED


def test_only_admins_decide_and_a_rejection_needs_a_reason(portfolio, admin, manager):
    review = tiering.run_review(on=RUN_ON, user=manager)  # an alliance manager may run one
    proposal = _proposal(review, portfolio["promoted"])
    with pytest.raises(PermissionDenied):
        tiering.approve(proposal=proposal, user=manager)
    with pytest.raises(ValidationError) as exc:
        tiering.reject(proposal=proposal, user=admin, note=" ")
    assert "decision_note" in exc.value.message_dict
    tiering.reject(proposal=proposal, user=admin, note="Certifications are a year old")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    with pytest.raises(ValidationError):
        tiering.approve(proposal=proposal, user=admin)


def test_a_tier_change_whose_tier_was_changed_meanwhile_lapses(portfolio, tiers, admin):
    gold, silver = tiers
    review = tiering.run_review(on=RUN_ON, user=admin)
    proposal = _proposal(review, portfolio["demoted"])
    tiering.set_tier(
        alliance=portfolio["demoted"], tier=silver, user=admin, source="manual", reason="Board decision"
    )
    tiering.approve(proposal=proposal, user=admin, today=proposal.effective_on)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.LAPSED and "changed to Silver meanwhile" in proposal.note


def test_kpi_facts_come_from_the_scorecard(tiers, home, admin):
    _, silver = tiers
    ReviewRule.objects.create(
        kind=RuleKind.TIER, order=0, name="Platinum: commitments kept", tier=Tier.objects.get(name="Platinum"),
        conditions=[{"fact": "kpi_partner_commitment", "op": ">=", "value": 80}],
    )  # fmt: skip
    alliance = _alliance("Kept", silver)
    CommitmentFactory(alliance=alliance, status="met", due_date=date(2026, 3, 31), met_on=date(2026, 3, 1))
    CommitmentFactory(alliance=alliance, status="missed", due_date=date(2026, 5, 31))
    review = tiering.run_review(on=RUN_ON, user=admin)
    proposal = _proposal(review, alliance)
    assert proposal.explanation["facts"]["kpi_partner_commitment"] == "50"
    platinum = next(r for r in proposal.explanation["rules"] if r["name"] == "Platinum: commitments kept")
    assert platinum["matched"] is False and proposal.proposed_tier == silver
    assert proposal.status == ProposalStatus.NO_CHANGE


def test_the_daily_pass_runs_one_review_per_quarter_and_applies_what_is_due(portfolio, admin):
    assert tiering.daily(RUN_ON)["review"] is not None
    assert tiering.daily(RUN_ON + timedelta(days=5))["review"] is None  # same quarter
    review = TierReview.objects.get()
    assert review.scheduled and review.started_by is None
    assert tiering.daily(date(2027, 1, 2))["review"] is not None  # next quarter


def test_a_manual_tier_change_needs_a_reason(client_for, manager, tiers, home):
    gold, silver = tiers
    alliance = _alliance("By hand", silver)
    client = client_for(manager)
    data = {"name": alliance.name, "alliance_type": alliance.alliance_type, "tier": gold.pk, "annual_value": "0",
            "version": alliance.version}  # fmt: skip
    response = client.post(f"/alliances/{alliance.pk}/edit/", data)
    assert response.status_code == 422 and "Say why the tier changes" in response.content.decode()
    alliance.refresh_from_db()
    assert alliance.tier == silver
    response = client.post(f"/alliances/{alliance.pk}/edit/", {**data, "tier_reason": "Board decision"})
    assert response.status_code == 302
    change = alliance.tier_changes.get()
    assert (change.to_tier, change.source, change.reason) == (gold, "manual", "Board decision")
    page = client.get(f"/alliances/{alliance.pk}/history/").content.decode()
    assert "Board decision" in page and 'data-testid="tier-history"' in page


def test_pages_show_the_review_and_let_an_admin_approve(client_for, portfolio, admin, partner):
    client = client_for(admin)
    assert "No re-tier review has run yet" in client.get("/tier-reviews/").content.decode()
    response = client.post("/tier-reviews/run/")
    review = TierReview.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Awaiting approval" in page and "Gold: certified people" in page and "Not evaluated" in page
    proposal = _proposal(review, portfolio["promoted"])
    assert client.post(f"/tier-proposals/{proposal.pk}/approve/", {"note": "ok"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPLIED
    detail = client.get(f"/alliances/{portfolio['promoted'].pk}/").content.decode()
    assert "Gold: certified people" in detail  # the tier history names the rule
    demoted = client.get(f"/alliances/{portfolio['demoted'].pk}/").content.decode()
    assert 'data-testid="open-proposal"' in demoted and "Grace period until" in demoted
    partner_client = client_for(partner)
    assert partner_client.get("/tier-reviews/").status_code == 404
    assert partner_client.get(review.get_absolute_url()).status_code == 404


def test_api_runs_lists_and_decides(api_for, portfolio, admin, manager, partner):
    response = post(api_for(manager), "/tier-reviews", {"on": RUN_ON.isoformat()})
    assert response.status_code == 201, response.content
    body = response.json()
    up = next(p for p in body["proposals"] if p["alliance_name"] == "Promoted")
    assert up["direction"] == "promote" and up["rule"]["name"] == "Gold: certified people"
    assert up["facts"]["certified_people"] == 2
    assert post(api_for(manager), f"/tier-proposals/{up['id']}/approve", {}).status_code == 403
    decided = post(api_for(admin), f"/tier-proposals/{up['id']}/approve", {"note": "ok"})
    assert decided.status_code == 200 and decided.json()["status"] == "applied"
    changes = get(api_for(admin), f"/alliances/{portfolio['promoted'].pk}/tier-changes").json()
    assert changes[0]["rule_name"] == "Gold: certified people" and changes[0]["source"] == "retier"
    assert get(api_for(admin), "/tier-reviews").json()["count"] == 1
    assert get(api_for(partner), f"/tier-reviews/{body['id']}").status_code == 404
    assert get(api_for(partner), "/tier-reviews").json()["count"] == 0


def test_the_command_runs_a_review_and_applies_what_is_due(portfolio, admin):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("tiers", "review", "--on", RUN_ON.isoformat(), "--user", admin.username, stdout=out)
    text = out.getvalue()
    assert "Promoted: Silver → Gold, awaiting approval" in text and "1 keep" not in text
    review = TierReview.objects.get()
    assert review.started_by == admin and not review.scheduled
    tiering.approve(proposal=_proposal(review, portfolio["demoted"]), user=admin, today=RUN_ON)
    out = StringIO()
    call_command("tiers", "apply", "--on", (RUN_ON + timedelta(days=90)).isoformat(), stdout=out)
    assert out.getvalue().strip() == "tier changes applied: 1"
