"""The strategic-review rules engine: facts in, explained outcomes out.

Rules are rows (:class:`ReviewRule`); this module only interprets them. Every evaluation
returns the facts it used and, for every rule, each clause with the actual value and
whether it held, so the UI can show exactly which rules fired and why.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from .models import (
    ACTIVITIES,
    CRITERIA,
    Alliance,
    Classification,
    ReviewRule,
    RuleKind,
    StrategicReview,
    Tier,
)

OPERATORS: dict[str, Any] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda actual, expected: actual in expected,
}

#: Facts a rule may test, with a description shown in the rules help.
FACTS: dict[str, str] = {
    **{f"score_{key}": f"Score 0–4: {label}" for key, label, _ in CRITERIA},
    "criteria_total": "Sum of the five criteria scores (0–20)",
    **{field: f"Activity present: {label}" for field, label in ACTIVITIES},
    "activities_count": "Number of seed 001 strategic activities present (0–6)",
    "fte": "Alliance-management FTEs",
    "investment": "Annual investment, reporting currency",
    "sponsorship": "Top-executive sponsorship level (0 none … 4 C-level)",
    "commitment_signals": "Number of commitment signals present (0–3): time, investment, sponsorship",
    "classification": "The classification decided by the classification rules",
    "alliance_type": "Alliance type code (marketing, gtm, development, channel, consortium)",
    "annual_value": "Expected annual revenue through the alliance",
    "objectives_count": "Number of corporate objectives the alliance serves",
}

#: Facts known only after an earlier kind of rule ran.
DERIVED = {"commitment_signals": RuleKind.SIGNAL, "classification": RuleKind.CLASSIFICATION}


# --- performance facts from other apps ------------------------------------------------------


@dataclass(frozen=True)
class FactProvider:
    """Facts another app computes for an alliance over a period (KPIs, scorecard, certifications).

    ``describe()`` names the facts it offers (they may be data, like the KPIs); ``compute(alliance,
    start, end)`` returns their values, ``None`` where a fact has no value (a clause on it fails).
    """

    name: str
    describe: Callable[[], dict[str, str]]
    compute: Callable[[Alliance, date, date], dict[str, Any]]


_PROVIDERS: dict[str, FactProvider] = {}


def register_facts(provider: FactProvider) -> None:
    _PROVIDERS[provider.name] = provider


def all_facts() -> dict[str, str]:
    """Every fact a rule may test: the review's own and those of the registered providers."""
    facts = dict(FACTS)
    for provider in _PROVIDERS.values():
        facts.update(provider.describe())
    return facts


def performance_period(on: date) -> tuple[date, date]:
    """Performance facts are measured over the twelve months up to and including ``on``."""
    try:
        start = on.replace(year=on.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        start = on.replace(year=on.year - 1, day=28) + timedelta(days=1)
    return start, on


def referenced_facts(rules: Iterable[ReviewRule]) -> set[str]:
    return {c.get("fact") for r in rules for c in (r.conditions or []) if isinstance(c, dict)}


def performance_facts(alliance: Alliance, on: date, needed: set[str]) -> dict[str, Any]:
    """The providers' facts for ``alliance`` - only from providers whose facts a rule uses."""
    start, end = performance_period(on)
    facts: dict[str, Any] = {}
    for provider in _PROVIDERS.values():
        if needed & set(provider.describe()):
            facts.update(provider.compute(alliance, start, end))
    return facts


def validate_conditions(conditions: Any) -> None:
    """Raise ValidationError naming ``conditions`` when a clause is malformed."""
    if not isinstance(conditions, list):
        raise ValidationError({"conditions": "Conditions must be a list of clauses."})
    known = all_facts()
    for i, clause in enumerate(conditions, start=1):
        if not isinstance(clause, dict) or set(clause) != {"fact", "op", "value"}:
            raise ValidationError({"conditions": f"Clause {i} must have exactly fact, op and value."})
        if clause["fact"] not in known:
            raise ValidationError({"conditions": f"Clause {i}: unknown fact {clause['fact']!r}."})
        if clause["op"] not in OPERATORS:
            raise ValidationError({"conditions": f"Clause {i}: unknown operator {clause['op']!r}."})
        if clause["op"] == "in" and not isinstance(clause["value"], list):
            raise ValidationError({"conditions": f"Clause {i}: 'in' needs a list value."})


def _coerce(actual: Any, expected: Any) -> Any:
    if isinstance(actual, Decimal) and isinstance(expected, (int, float, str)):
        try:
            return Decimal(str(expected))
        except InvalidOperation:
            return expected
    return expected


def describe_clause(clause: dict) -> str:
    value = clause["value"]
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return f"{clause['fact']} {clause['op']} {value}"


def evaluate_rule(rule: ReviewRule, facts: dict[str, Any]) -> dict[str, Any]:
    clauses = []
    for clause in rule.conditions:
        actual = facts.get(clause["fact"])
        expected = _coerce(actual, clause["value"])
        try:
            ok = bool(OPERATORS[clause["op"]](actual, expected))
        except TypeError:
            ok = False
        clauses.append(
            {
                "text": describe_clause(clause),
                "fact": clause["fact"],
                "op": clause["op"],
                "value": clause["value"],
                "actual": _jsonable(actual),
                "ok": ok,
            }
        )
    return {
        "id": rule.pk,
        "kind": rule.kind,
        "name": rule.name,
        "description": rule.description,
        "outcome": rule.tier.name if rule.kind == RuleKind.TIER and rule.tier else rule.outcome,
        "matched": all(c["ok"] for c in clauses),
        "fired": False,
        "clauses": clauses,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


def review_facts(review: StrategicReview) -> dict[str, Any]:
    alliance = review.alliance
    facts: dict[str, Any] = {f"score_{key}": getattr(review, f"score_{key}") for key, _, _ in CRITERIA}
    facts["criteria_total"] = sum(facts[f"score_{key}"] for key, _, _ in CRITERIA)
    for field, _ in ACTIVITIES:
        facts[field] = bool(getattr(review, field))
    facts["activities_count"] = sum(1 for field, _ in ACTIVITIES if facts[field])
    facts["fte"] = Decimal(review.fte or 0)
    facts["investment"] = Decimal(review.annual_investment or 0)
    facts["sponsorship"] = int(review.sponsorship or 0)
    facts["alliance_type"] = alliance.alliance_type
    facts["annual_value"] = Decimal(alliance.annual_value or 0)
    facts["objectives_count"] = alliance.objectives.count() if alliance.pk else 0
    return facts


def active_rules() -> list[ReviewRule]:
    return list(ReviewRule.objects.active().select_related("tier").order_by("kind", "order", "id"))


def alliance_facts(
    review: StrategicReview, on: date | None = None, rules: list[ReviewRule] | None = None
) -> dict[str, Any]:
    """The review's facts plus the performance facts the rules use, measured up to ``on``."""
    facts = review_facts(review)
    if review.alliance_id:
        needed = referenced_facts(rules if rules is not None else active_rules())
        on = on or review.review_date
        if isinstance(on, str):  # an unsaved review built from raw input
            on = date.fromisoformat(on)
        facts.update(performance_facts(review.alliance, on, needed))
    return facts


def evaluate(facts: dict[str, Any], rules: list[ReviewRule] | None = None) -> dict[str, Any]:
    """Run signal → classification → tier → flag rules over ``facts``.

    Returns ``{"facts", "rules", "signals", "classification", "tier_id", "tier", "flags"}``.
    """
    if rules is None:
        rules = active_rules()
    by_kind: dict[str, list[ReviewRule]] = {k: [] for k in RuleKind.values}
    for rule in sorted(rules, key=lambda r: (r.order, r.pk or 0)):
        by_kind[rule.kind].append(rule)
    facts = dict(facts)
    results: list[dict[str, Any]] = []

    signals = []
    for rule in by_kind[RuleKind.SIGNAL]:
        result = evaluate_rule(rule, facts)
        if result["matched"] and rule.outcome not in signals:
            result["fired"] = True
            signals.append(rule.outcome)
        results.append(result)
    facts["commitment_signals"] = len(signals)

    classification = Classification.UNDETERMINED.value
    decided = False
    for rule in by_kind[RuleKind.CLASSIFICATION]:
        result = evaluate_rule(rule, facts)
        if result["matched"] and not decided:
            result["fired"] = True
            classification = rule.outcome
            decided = True
        results.append(result)
    facts["classification"] = classification

    tier: Tier | None = None
    tier_rule: ReviewRule | None = None
    for rule in by_kind[RuleKind.TIER]:
        result = evaluate_rule(rule, facts)
        if result["matched"] and tier_rule is None:
            result["fired"] = True
            tier, tier_rule = rule.tier, rule
        results.append(result)

    flags = []
    for rule in by_kind[RuleKind.FLAG]:
        result = evaluate_rule(rule, facts)
        if result["matched"]:
            result["fired"] = True
            if rule.outcome not in flags:
                flags.append(rule.outcome)
        results.append(result)

    return {
        "facts": {k: _jsonable(v) for k, v in facts.items()},
        "rules": results,
        "signals": signals,
        "classification": classification,
        "classification_decided": decided,
        "tier_id": tier.pk if tier else None,
        "tier": tier.name if tier else None,
        "tier_rule_id": tier_rule.pk if tier_rule else None,
        "flags": flags,
    }
