"""Portfolio summary: the dashboard's totals by tier, stage, type and latest classification."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..sql import money, rows
from .base import Operation

LATEST_REVIEW = """
    SELECT alliance_id, id, classification, criteria_total, activities_count, commitment_signals,
           recommended_tier_id, explanation,
           ROW_NUMBER() OVER (PARTITION BY alliance_id ORDER BY review_date DESC, id DESC) AS n
    FROM alliances_strategicreview WHERE archived_at IS NULL
"""


class PortfolioSummary(Operation):
    name = "portfolio_summary"
    title = "Portfolio summary (dashboard totals)"
    amity_path = "alliances.selectors.portfolio_summary(user=admin); page: GET / (the dashboard)"
    baseline_path = (
        "one GROUP BY tier, stage, type over the active alliances, the tiers, and one GROUP BY of "
        "the latest review's classification (ROW_NUMBER window)"
    )

    def amity(self) -> Any:
        from amity.alliances.selectors import portfolio_summary

        return portfolio_summary(user=self.env.user)

    def baseline(self) -> dict:
        groups = rows(
            "SELECT tier_id, stage, alliance_type, COUNT(*), SUM(annual_value) FROM alliances_alliance "
            "WHERE archived_at IS NULL GROUP BY tier_id, stage, alliance_type"
        )
        tiers = rows(
            "SELECT id, name, rank, target_count FROM alliances_tier WHERE archived_at IS NULL ORDER BY rank"
        )
        classes = rows(
            f"SELECT r.classification, COUNT(*) FROM alliances_alliance a LEFT JOIN ({LATEST_REVIEW}) r "
            "ON r.alliance_id = a.id AND r.n = 1 WHERE a.archived_at IS NULL GROUP BY r.classification"
        )
        by_tier, by_stage, by_type = Counter(), Counter(), Counter()
        total, value = 0, 0
        for tier_id, stage, kind, n, amount in groups:
            by_tier[tier_id] += n
            by_stage[stage] += n
            by_type[kind] += n
            total += n
            value += money(amount) if amount is not None else 0
        return {
            "total": total,
            "tiers": [(pk, name, by_tier.get(pk, 0), target) for pk, name, _rank, target in tiers]
            + ([(None, "No tier", by_tier[None], None)] if by_tier.get(None) else []),
            "stages": dict(by_stage),
            "types": dict(by_type),
            "classes": dict(classes),
            "annual_value": value,
        }

    def amity_answer(self, raw: dict) -> dict:
        return {
            "total": raw["total"],
            "tiers": [(t["tier_id"], t["tier"], t["count"], t["target_count"]) for t in raw["by_tier"]],
            "stages": {s["stage"]: s["count"] for s in raw["by_stage"] if s["count"]},
            "types": {t["type"]: t["count"] for t in raw["by_type"] if t["count"]},
            "classes": {c["classification"]: c["count"] for c in raw["by_classification"] if c["count"]},
            "annual_value": money(raw["annual_value"]),
        }

    def baseline_answer(self, raw: dict) -> dict:
        return raw | {"annual_value": money(raw["annual_value"])}

    def page_url(self) -> str:
        return "/"

    def size(self, answer: dict) -> int:
        return answer["total"]
