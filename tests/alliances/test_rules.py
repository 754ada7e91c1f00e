"""The strategic-review rules engine: rules are data, results are explained."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from amity.alliances import rules
from amity.alliances.models import ReviewRule, RuleKind, Tier
from tests import factories as f

STRONG = dict(
    score_goals=4,
    score_competency=4,
    score_opportunities=3,
    score_sustainability=2,
    score_innovation=3,
    act_bundled=True,
    act_joint_teams=True,
    act_joint_planning=True,
    act_knowledge=True,
    fte=Decimal("1.5"),
    annual_investment=Decimal("250000"),
    sponsorship=4,
)


def test_strong_review_is_strategic_and_recommended_for_the_strategic_tier(db, home):
    review = f.ReviewFactory(**STRONG)
    assert review.criteria_total == 16
    assert review.activities_count == 4
    assert review.commitment_signals == 3
    assert review.classification == "strategic"
    assert review.recommended_tier.name == "Strategic"


def test_explanation_names_the_deciding_rule_and_each_clause_with_its_actual_value(db, home):
    review = f.ReviewFactory(**STRONG)
    fired = [r for r in review.explanation["rules"] if r["fired"]]
    classification = [r for r in fired if r["kind"] == "classification"]
    assert len(classification) == 1
    clause_texts = {c["text"]: c for c in classification[0]["clauses"]}
    assert clause_texts["criteria_total >= 13"]["actual"] == 16
    assert clause_texts["criteria_total >= 13"]["ok"] is True
    assert review.explanation["signals"] == ["time", "investment", "sponsorship"]


def test_weak_review_is_tactical_and_registered(db, home):
    review = f.ReviewFactory(score_goals=1, score_competency=1)
    assert review.classification == "tactical"
    assert review.recommended_tier.name == "Registered"


def test_middle_review_without_a_matching_rule_is_undetermined(db, home):
    # criteria 12, two activities, no commitment signals: no classification rule matches.
    review = f.ReviewFactory(
        score_goals=3,
        score_competency=3,
        score_opportunities=2,
        score_sustainability=2,
        score_innovation=2,
        act_bundled=True,
        act_knowledge=True,
    )
    assert review.classification == "undetermined"
    assert review.explanation["classification_decided"] is False
    assert review.recommended_tier.name == "Gold"


def test_channel_partner_with_strategic_potential_is_flagged_to_alliancize(db, home):
    alliance = f.AllianceFactory(alliance_type="channel")
    review = f.ReviewFactory(
        alliance=alliance,
        score_goals=3,
        score_competency=2,
        score_opportunities=3,
        score_sustainability=1,
        score_innovation=1,
    )
    assert review.criteria_total == 10
    assert "alliancize" in review.explanation["flags"]


def test_changing_a_rule_row_changes_the_outcome_without_code(db, home):
    rule = ReviewRule.objects.get(kind=RuleKind.CLASSIFICATION, order=10)
    rule.conditions = [{"fact": "criteria_total", "op": ">=", "value": 5}]
    rule.save()
    review = f.ReviewFactory(score_goals=3, score_competency=3)
    assert review.classification == "strategic"


def test_archived_rules_are_ignored(db, home):
    ReviewRule.objects.filter(kind=RuleKind.TIER).exclude(tier__name="Registered").update(
        archived_at="2026-01-01T00:00Z"
    )
    review = f.ReviewFactory(**STRONG)
    assert review.recommended_tier.name == "Registered"


@pytest.mark.parametrize(
    "conditions, message",
    [
        ("not a list", "must be a list"),
        ([{"fact": "criteria_total", "op": ">="}], "exactly fact, op and value"),
        ([{"fact": "nonsense", "op": ">=", "value": 1}], "unknown fact"),
        ([{"fact": "criteria_total", "op": "~", "value": 1}], "unknown operator"),
        ([{"fact": "alliance_type", "op": "in", "value": "channel"}], "needs a list"),
    ],
)
def test_malformed_conditions_are_rejected_naming_the_field(db, conditions, message):
    rule = ReviewRule(kind=RuleKind.FLAG, name="x", conditions=conditions, outcome="x")
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert message in str(exc.value.message_dict["conditions"])


def test_tier_rule_without_tier_is_rejected(db):
    rule = ReviewRule(kind=RuleKind.TIER, name="x", conditions=[])
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert "tier" in exc.value.message_dict


def test_evaluate_accepts_in_operator_and_decimal_facts(db):
    tier = Tier.objects.get(name="Gold")
    rule = ReviewRule(
        kind=RuleKind.TIER,
        name="r",
        order=1,
        tier=tier,
        pk=999,
        conditions=[
            {"fact": "alliance_type", "op": "in", "value": ["gtm", "channel"]},
            {"fact": "annual_value", "op": ">", "value": "10.5"},
        ],
    )
    result = rules.evaluate({"alliance_type": "gtm", "annual_value": Decimal("11")}, rules=[rule])
    assert result["tier"] == "Gold"


def test_evaluate_treats_a_type_mismatch_as_not_met(db):
    rule = ReviewRule(
        kind=RuleKind.FLAG,
        name="r",
        order=1,
        outcome="x",
        pk=998,
        conditions=[{"fact": "criteria_total", "op": ">=", "value": "abc"}],
    )
    result = rules.evaluate({"criteria_total": 10}, rules=[rule])
    assert result["flags"] == []
