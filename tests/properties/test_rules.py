"""Properties of the rules that decide who a partner is and what it sees.

* **Tier rules** (the defaults installed by the migration, evaluated by ``rules.evaluate``):
  every clause's verdict is the operator applied to the fact, at most one tier rule fires and it
  is the first one (by order) whose clauses all hold, every review gets a tier, and better facts
  never give a lower tier.
* **Any rule set** a program could write: ``validate_conditions`` accepts it or refuses it
  naming ``conditions``; an accepted rule set always evaluates, whatever the facts.
* **Sharing**: after any sequence of changes (refused ones included) the four ways the code asks
  "does this partner see this kind of this alliance?" agree with the settings made, the
  defaults filling the rest, and a partner user's rows follow them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from amity.agreements.models import Commitment
from amity.alliances import rules, sharing, tiering
from amity.alliances.models import (
    ACTIVITIES,
    CRITERIA,
    SHARED_BY_DEFAULT,
    AllianceType,
    Classification,
    DataKind,
    ReviewRule,
    RuleKind,
    SharingSetting,
    Tier,
)
from tests import factories as f
from tests.agreements.factories import CommitmentFactory

from .conftest import rolled_back

SCORES = [f"score_{key}" for key, _, _ in CRITERIA]
FLAGS = [name for name, _ in ACTIVITIES]
#: The oracle: each operator as the sign of the comparison it accepts (-1 less, 0 equal, 1 more).
SIGNS = {">=": {0, 1}, ">": {1}, "<=": {-1, 0}, "<": {-1}}
OPS = [*SIGNS, "==", "!="]

money = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False)


@st.composite
def review_facts(draw) -> dict:
    """The facts ``rules.review_facts`` derives from a review, drawn directly."""
    facts = {name: draw(st.integers(0, 4)) for name in SCORES}
    facts["criteria_total"] = sum(facts[name] for name in SCORES)
    for name in FLAGS:
        facts[name] = draw(st.booleans())
    facts["activities_count"] = sum(1 for name in FLAGS if facts[name])
    facts["fte"] = draw(st.decimals(min_value=0, max_value=20, places=1, allow_nan=False))
    facts["investment"] = draw(money)
    facts["sponsorship"] = draw(st.integers(0, 4))
    facts["alliance_type"] = draw(st.sampled_from(AllianceType.values))
    facts["annual_value"] = draw(money)
    facts["objectives_count"] = draw(st.integers(0, 5))
    return facts


@st.composite
def better(draw, facts: dict) -> dict:
    """The same alliance with some facts improved: higher scores, more activities, more money."""
    improved = dict(facts)
    for name in SCORES:
        improved[name] = draw(st.integers(facts[name], 4))
    improved["criteria_total"] = sum(improved[name] for name in SCORES)
    for name in FLAGS:
        improved[name] = facts[name] or draw(st.booleans())
    improved["activities_count"] = sum(1 for name in FLAGS if improved[name])
    improved["fte"] = facts["fte"] + draw(st.decimals(min_value=0, max_value=5, places=1, allow_nan=False))
    improved["investment"] = facts["investment"] + draw(money)
    improved["sponsorship"] = draw(st.integers(facts["sponsorship"], 4))
    improved["annual_value"] = facts["annual_value"] + draw(money)
    return improved


def _expected_ok(clause: dict, actual) -> bool:
    expected = clause["value"]
    if isinstance(actual, Decimal) and isinstance(expected, (int, str)):
        expected = Decimal(str(expected))
    op = clause["op"]
    if op == "in":
        return actual in expected
    if op in ("==", "!="):
        return (actual == expected) == (op == "==")
    try:
        sign = (actual > expected) - (actual < expected)
    except TypeError:  # a number against text, or a missing fact: the clause does not hold
        return False
    return sign in SIGNS[op]


def _rank(result: dict) -> int:
    return Tier.objects.get(pk=result["tier_id"]).rank if result["tier_id"] is not None else 10**6


@pytest.fixture
def default_rules(db):
    installed = rules.active_rules()
    assert {r.kind for r in installed} >= {RuleKind.TIER, RuleKind.CLASSIFICATION, RuleKind.SIGNAL}
    return installed


@given(facts=review_facts())
def test_the_default_rules_explain_every_verdict_and_give_exactly_one_tier(facts, default_rules):
    result = rules.evaluate(facts, default_rules)

    by_id = {r.pk: r for r in default_rules}
    # The facts as the rules saw them: the drawn ones plus the two derived on the way.
    seen = {**facts, **{k: result["facts"][k] for k in ("commitment_signals", "classification")}}
    for outcome in result["rules"]:
        for clause in outcome["clauses"]:
            actual = seen.get(clause["fact"])
            assert clause["ok"] == _expected_ok(clause, actual), clause
        assert outcome["matched"] == all(c["ok"] for c in outcome["clauses"])
        assert not outcome["fired"] or outcome["matched"]  # nothing fires unexplained

    tier_results = [r for r in result["rules"] if r["kind"] == RuleKind.TIER]
    fired = [r for r in tier_results if r["fired"]]
    assert len(fired) == 1, "the catch-all rule gives every alliance a tier"
    first = next(r for r in tier_results if r["matched"])
    assert fired[0] is first
    assert result["tier_id"] == by_id[first["id"]].tier_id and result["tier_rule_id"] == first["id"]
    assert tiering.fired_tier_rule(result) is first
    assert result["classification"] in Classification.values
    assert result["facts"]["commitment_signals"] == len(result["signals"]) <= 3


@given(data=st.data())
def test_better_facts_never_give_a_lower_tier_under_the_default_rules(data, default_rules):
    facts = data.draw(review_facts(), label="facts")
    improved = data.draw(better(facts), label="improved")

    before = rules.evaluate(facts, default_rules)
    after = rules.evaluate(improved, default_rules)

    assert _rank(after) <= _rank(before), (before["tier"], after["tier"])
    if before["classification"] == Classification.STRATEGIC:
        assert after["classification"] == Classification.STRATEGIC


fact_names = st.sampled_from(sorted(rules.FACTS)) | st.sampled_from(["", "nope", "score_goals "])
values = st.one_of(
    st.integers(-5, 25),
    st.decimals(min_value=-10, max_value=10**7, places=2, allow_nan=False).map(str),
    st.sampled_from(["strategic", "tactical", "channel", "gtm", "", "x", None, True]),
    st.lists(st.sampled_from(["channel", "gtm", "strategic", 1, 2]), max_size=3),
)
clause = st.one_of(
    st.fixed_dictionaries(
        {"fact": fact_names, "op": st.sampled_from([*OPS, "in", "=>", "~"]), "value": values}
    ),
    st.sampled_from(
        [{}, {"fact": "fte"}, {"fact": "fte", "op": ">=", "value": 1, "extra": 2}, "fte >= 1", 3]
    ),
)
conditions = st.lists(clause, max_size=4) | st.sampled_from([None, {}, "x", 7])


@given(
    rule_sets=st.lists(st.tuples(st.sampled_from(RuleKind.values), conditions), max_size=6),
    facts=review_facts(),
)
def test_any_rule_a_program_writes_is_refused_naming_conditions_or_evaluates(rule_sets, facts, db):
    tiers = [Tier(name="Top", rank=1), Tier(name="Rest", rank=2)]
    accepted = []
    for i, (kind, conds) in enumerate(rule_sets):
        try:
            rules.validate_conditions(conds)
        except ValidationError as exc:
            assert set(exc.message_dict) == {"conditions"} and all(exc.message_dict["conditions"])
            continue
        accepted.append(
            ReviewRule(
                kind=kind,
                order=i,
                name=f"rule {i}",
                conditions=conds,
                outcome="strategic" if kind == RuleKind.CLASSIFICATION else "x",
                tier=tiers[i % 2] if kind == RuleKind.TIER else None,
            )
        )
    result = rules.evaluate(facts, accepted)
    assert len(result["rules"]) == len(accepted)
    assert sum(1 for r in result["rules"] if r["kind"] == RuleKind.TIER and r["fired"]) <= 1
    for outcome in result["rules"]:
        assert all(isinstance(c["ok"], bool) and c["text"] for c in outcome["clauses"])


# --- sharing ----------------------------------------------------------------------------------------


@pytest.fixture
def sharing_world(db, manager, home, partner_org, other_partner_org):
    """Two alliances, each with both partners; one partner user; a commitment per alliance."""
    alliances = [f.AllianceFactory(name=f"Sharing {i}", partner=partner_org) for i in range(2)]
    for alliance in alliances:
        alliance.parties.create(organization=other_partner_org, role="partner")
        CommitmentFactory(alliance=alliance)
    user = f.partner_user(partner_org)
    return alliances, [partner_org, other_partner_org], user


changes = st.lists(
    st.lists(
        st.tuples(
            st.integers(0, 2),  # 2: an organization that is no partner of the alliance
            st.sampled_from([*DataKind.values, "salaries"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    ),
    max_size=5,
)


@given(steps=st.lists(st.tuples(st.integers(0, 1), changes), max_size=3))
def test_what_a_partner_sees_is_what_was_set_else_the_default(steps, sharing_world, manager, home):
    alliances, partners, user = sharing_world
    orgs = [*partners, home]
    with rolled_back():
        expected: dict[tuple[int, int, str], bool] = {}
        for which, batches in steps:
            alliance = alliances[which]
            for batch in batches:
                wanted = [(orgs[o].pk, kind, shared) for o, kind, shared in batch]
                valid = all(o < 2 for o, _, _ in batch) and all(k in DataKind.values for _, k, _ in batch)
                rows_before = SharingSetting.objects.count()
                try:
                    sharing.set_sharing(alliance=alliance, changes=wanted, user=manager)
                except ValidationError as exc:
                    assert not valid and set(exc.message_dict) == {"sharing"}
                    assert SharingSetting.objects.count() == rows_before  # nothing half-written
                    continue
                assert valid
                for org_id, kind, shared in wanted:
                    expected[(alliance.pk, org_id, kind)] = shared

        for organization in partners:
            sees_kind = sharing.kind_filter(organization.pk)
            for alliance in alliances:
                kinds = sharing.shared_kinds(organization.pk, alliance.pk)
                for kind in DataKind.values:
                    want = expected.get(
                        (alliance.pk, organization.pk, kind), SHARED_BY_DEFAULT[DataKind(kind)]
                    )
                    assert kinds[kind] == want
                    assert sees_kind(alliance.pk, kind) == want
                    assert sharing.sees(organization.pk, alliance.pk, kind) == want
                row = next(r for r in sharing.matrix(alliance) if r.organization.pk == organization.pk)
                assert row.shared == kinds
        # And the rows the partner user reads through visible_to follow the same settings.
        seen = set(Commitment.objects.visible_to(user).values_list("alliance_id", flat=True))
        for alliance in alliances:
            want = expected.get((alliance.pk, partners[0].pk, DataKind.COMMITMENTS), True)
            assert (alliance.pk in seen) == want
