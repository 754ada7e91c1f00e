"""Strategic-review ranking: every active alliance's latest review, ranked, with tier fit."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from ..sql import json_text_sql, rows
from .base import Operation
from .portfolio import LATEST_REVIEW


def _flags(value: Any) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    return tuple(value) if isinstance(value, list) else ()


class StrategicReviewRanking(Operation):
    name = "strategic_review_ranking"
    title = "Strategic-review ranking"
    amity_path = "alliances.selectors.strategic_review_ranking(user=admin); page: GET /strategic-review/"
    baseline_path = (
        "one query: active alliances LEFT JOIN their latest review (ROW_NUMBER window) with the "
        "flags read from the explanation JSON in SQL; the partners' names; the tiers; ranking, "
        "tier fit and counts in plain Python"
    )

    def amity(self) -> Any:
        from amity.alliances.selectors import strategic_review_ranking

        return strategic_review_ranking(user=self.env.user)

    def baseline(self) -> dict:
        alliances = rows(
            "SELECT a.id, a.name, a.tier_id, r.id, r.criteria_total, r.activities_count, "
            f"r.commitment_signals, r.classification, r.recommended_tier_id, {json_text_sql('r.explanation', 'flags')} "
            f"FROM alliances_alliance a LEFT JOIN ({LATEST_REVIEW}) r ON r.alliance_id = a.id AND r.n = 1 "
            "WHERE a.archived_at IS NULL ORDER BY a.name"
        )
        partners: dict[int, list[str]] = defaultdict(list)
        for alliance_id, name in rows(
            "SELECT p.alliance_id, o.name FROM alliances_allianceparty p "
            "JOIN alliances_alliance a ON a.id = p.alliance_id "
            "JOIN partners_organization o ON o.id = p.organization_id "
            "WHERE p.archived_at IS NULL AND a.archived_at IS NULL AND p.role <> 'host' ORDER BY p.id"
        ):
            partners[alliance_id].append(name)
        tiers = {
            pk: (rank, target)
            for pk, rank, target in rows(
                "SELECT id, rank, target_count FROM alliances_tier WHERE archived_at IS NULL"
            )
        }
        ranked, unreviewed = [], []
        for pk, name, tier_id, review_id, total, acts, signals, cls, rec, flags in alliances:
            if review_id is None:
                unreviewed.append(pk)
                continue
            current, recommended = tiers.get(tier_id), tiers.get(rec)
            if current and recommended:
                fit = "match" if tier_id == rec else ("over" if current[0] < recommended[0] else "under")
            else:
                fit = "unknown"
            ranked.append(
                (
                    pk,
                    name,
                    total,
                    acts,
                    signals,
                    cls,
                    tier_id if current else None,
                    rec if recommended else None,
                    fit,
                    _flags(flags),
                    ", ".join(partners.get(pk, ())),
                )
            )
        ranked.sort(key=lambda r: (-r[2], -r[3], -r[4], r[1]))
        current_counts = Counter(a[2] for a in alliances)
        recommended_counts = Counter(r[7] for r in ranked if r[7])
        tier_rows = [
            (pk, current_counts.get(pk, 0), recommended_counts.get(pk, 0), target)
            for pk, (_rank, target) in sorted(tiers.items(), key=lambda kv: kv[1][0])
        ]
        return {"ranked": ranked, "tiers": tier_rows, "unreviewed": unreviewed}

    def amity_answer(self, raw: dict) -> dict:
        return {
            "rows": [
                (
                    i,
                    r["alliance"].pk,
                    r["criteria_total"],
                    r["activities_count"],
                    r["commitment_signals"],
                    r["classification"],
                    r["current_tier"].pk if r["current_tier"] else None,
                    r["recommended_tier"].pk if r["recommended_tier"] else None,
                    r["fit"],
                    tuple(r["flags"]),
                    r["partners"],
                )
                for i, r in enumerate(raw["rows"], start=1)
            ],
            "tiers": [(t["tier"].pk, t["current"], t["recommended"], t["target"]) for t in raw["tiers"]],
            "oversubscribed": [t["tier"].pk for t in raw["oversubscribed"]],
            "unreviewed": [a.pk for a in raw["unreviewed"]],
            "alliancize": [r["alliance"].pk for r in raw["alliancize"]],
            "strategic_count": raw["strategic_count"],
        }

    def baseline_answer(self, raw: dict) -> dict:
        ranked = raw["ranked"]
        return {
            "rows": [(i, r[0], *r[2:]) for i, r in enumerate(ranked, start=1)],
            "tiers": raw["tiers"],
            "oversubscribed": [t[0] for t in raw["tiers"] if t[3] is not None and t[1] > t[3]],
            "unreviewed": raw["unreviewed"],
            "alliancize": [r[0] for r in ranked if "alliancize" in r[9]],
            "strategic_count": sum(1 for r in ranked if r[5] == "strategic"),
        }

    def page_url(self) -> str:
        return "/strategic-review/"

    def size(self, answer: dict) -> int:
        return len(answer["rows"]) + len(answer["unreviewed"])
