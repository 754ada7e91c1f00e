"""Scorecard facts for the tier rules: each KPI's value, each dimension's score, RAG counts.

Measured for one alliance over the twelve months before the review (``rules.performance_period``).
A KPI without a value gives ``None``: a clause on it does not hold, and the explanation says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .models import KPI, Dimension


def kpi_fact(key: str) -> str:
    return "kpi_" + key.replace("-", "_")


def describe() -> dict[str, str]:
    facts = {
        kpi_fact(k.key): f"KPI {k.name} ({k.get_unit_display().lower()}), last 12 months"
        for k in KPI.objects.filter(active=True, archived_at__isnull=True).order_by("order", "pk")
    }
    for dim in Dimension:
        facts[f"scorecard_{dim.value}"] = (
            f"Scorecard: {dim.label.lower()} dimension score (0–100), last 12 months"
        )
    facts["scorecard_overall"] = "Scorecard: mean of the dimension scores that have a value (0–100)"
    facts["kpis_red"] = "Number of KPIs in the red, last 12 months"
    facts["kpis_green"] = "Number of KPIs in the green, last 12 months"
    return facts


def compute(alliance: Any, start: date, end: date) -> dict[str, Any]:
    return compute_many([alliance.pk], start, end)[alliance.pk]


def compute_many(alliance_ids: Iterable[int], start: date, end: date) -> dict[int, dict[str, Any]]:
    """``compute()`` for many alliances at once (alliance id → facts): one roll-up batch, so the
    queries do not grow with the number of alliances (the re-tier review of every alliance)."""
    from .kpis import scorecards

    cards = scorecards({pk: [pk] for pk in alliance_ids}, start, end, today=end)
    return {pk: _facts(card) for pk, card in cards.items()}


def _facts(card: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    statuses = []
    for dim in card.dimensions:
        facts[f"scorecard_{dim.dimension}"] = dim.score
        for r in dim.kpis:
            facts[kpi_fact(r.kpi.key)] = r.value
            statuses.append(r.status)
    scores = [d.score for d in card.dimensions if d.score is not None]
    facts["scorecard_overall"] = (
        (sum(scores) / len(scores)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if scores else None
    )
    facts["kpis_red"] = statuses.count("red")
    facts["kpis_green"] = statuses.count("green")
    return facts
