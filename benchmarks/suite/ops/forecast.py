"""Forecast and attribution by fiscal quarter for the whole portfolio (the Forecast page)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ..sql import local_date_sql, money, rows, vendor
from .base import Operation

WON, LOST = "closed_won", "closed_lost"
OPEN = ("prospecting", "qualification", "proposal", "negotiation")
INFLUENCE = ("influenced", "co_sell", "resell", "referral")


def _quarters(today: Any) -> list:
    """Three fiscal quarters back, this one, three ahead (7 contiguous periods)."""
    from amity.core.periods import fiscal_quarter_of

    current = fiscal_quarter_of(today)
    periods = [current]
    for _ in range(3):
        periods.insert(0, fiscal_quarter_of(periods[0].start - timedelta(days=1)))
    for _ in range(3):
        periods.append(fiscal_quarter_of(periods[-1].end + timedelta(days=1)))
    return periods


def _rate(won: int, closed: int) -> Decimal | None:
    return (Decimal(won * 100) / closed).quantize(Decimal("0.1")) if closed else None


class Forecast(Operation):
    name = "forecast_by_quarter"
    title = "Forecast & attribution by quarter"
    amity_path = (
        "pipeline.forecast.forecast(user=admin) (everything the page shows); page: GET /pipeline/forecast/"
    )
    baseline_path = (
        "one scan of the opportunities grouped by currency, stage, quarter, sourced/partnered "
        "(EXISTS on the links) giving totals, quarters, weighted forecast, funnel and partner "
        "impact; one GROUP BY per alliance over the won links; the parties for per-partner totals"
    )

    def prepare(self, env: Any) -> None:
        from django.conf import settings

        super().prepare(env)
        self.today = env.today
        self.currency = settings.AMITY_REPORTING_CURRENCY
        self.periods = _quarters(self.today)

    def describe(self) -> dict:
        return {"today": self.today.isoformat(), "currency": self.currency}

    def amity(self) -> Any:
        from amity.pipeline.forecast import forecast

        return forecast(user=self.env.user, today=self.today)

    def baseline(self) -> dict:
        cur = self.currency
        buckets = " ".join(f"WHEN o.close_date BETWEEN %s AND %s THEN {i}" for i in range(len(self.periods)))
        bucket_params = [d for p in self.periods for d in (p.start, p.end)]
        link = (
            "EXISTS (SELECT 1 FROM pipeline_opportunityalliance l WHERE l.opportunity_id = o.id "
            "AND l.archived_at IS NULL{})"
        )
        if vendor() == "postgresql":
            cycle = f"(o.close_date - {local_date_sql('o.created_at')})"
        else:
            cycle = f"(julianday(o.close_date) - julianday({local_date_sql('o.created_at')}))"
        sourced, partnered = link.format(" AND l.role = 'sourced'"), link.format("")
        groups = rows(
            f"SELECT o.currency, o.stage, CASE {buckets} END, "
            f"CASE WHEN o.currency = %s THEN {sourced} END, "
            f"CASE WHEN o.currency = %s THEN {partnered} END, "
            "COUNT(*), SUM(o.amount), SUM(o.amount * o.probability), "
            f"SUM(CASE WHEN o.stage = '{WON}' AND o.currency = %s THEN {cycle} END) "
            "FROM pipeline_opportunity o WHERE o.archived_at IS NULL GROUP BY 1, 2, 3, 4, 5",
            [*bucket_params, cur, cur, cur],
        )
        by_alliance = rows(
            "SELECT l.alliance_id, a.name, "
            "SUM(CASE WHEN l.role = 'sourced' THEN o.amount END), "
            f"SUM(CASE WHEN l.role IN ({', '.join(repr(r) for r in INFLUENCE)}) THEN o.amount END), "
            "COUNT(DISTINCT l.opportunity_id) "
            "FROM pipeline_opportunityalliance l JOIN pipeline_opportunity o ON o.id = l.opportunity_id "
            "JOIN alliances_alliance a ON a.id = l.alliance_id "
            "WHERE l.archived_at IS NULL AND o.archived_at IS NULL AND o.currency = %s AND o.stage = %s "
            "GROUP BY l.alliance_id, a.name ORDER BY a.name",
            [cur, WON],
        )
        ids = [r[0] for r in by_alliance]
        parties = (
            rows(
                "SELECT p.organization_id, o.name, p.alliance_id FROM alliances_allianceparty p "
                "JOIN partners_organization o ON o.id = p.organization_id "
                "WHERE p.archived_at IS NULL AND p.role <> 'host' AND NOT o.is_home AND p.alliance_id IN ("
                "SELECT l.alliance_id FROM pipeline_opportunityalliance l "
                "JOIN pipeline_opportunity o ON o.id = l.opportunity_id WHERE l.archived_at IS NULL "
                "AND o.archived_at IS NULL AND o.currency = %s AND o.stage = %s)",
                [cur, WON],
            )
            if ids
            else []
        )
        return {"groups": groups, "by_alliance": by_alliance, "parties": parties}

    # --- answers ----------------------------------------------------------------------------

    def amity_answer(self, r: Any) -> dict:
        return {
            "excluded": [(e["currency"], e["count"], money(e["amount"])) for e in r.excluded],
            "totals": {k: v if k == "deals" else money(v) for k, v in r.totals.items()},
            "by_alliance": [
                (a["alliance_id"], a["name"], a["sourced"], a["influenced"], a["total"], a["deals"])
                for a in r.by_alliance
            ],
            "by_partner": [
                (p["organization_id"], p["name"], p["sourced"], p["influenced"], p["total"])
                for p in r.by_partner
            ],
            "by_quarter": [(q["start"], q["sourced"], q["influenced"], q["total"]) for q in r.by_quarter],
            "forecast": [(q["start"], q["count"], q["open"], q["weighted"]) for q in r.forecast],
            "won_this_quarter": r.won_this_quarter,
            "by_stage": {s["stage"]: (s["count"], s["amount"]) for s in r.by_stage if s["count"]},
            "impact": {
                side: {
                    "won": i["won"],
                    "closed": i["closed"],
                    "win_rate": i["win_rate"],
                    "average_deal": i["average_deal"],
                    "average_cycle_days": i["average_cycle_days"],
                }
                for side, i in r.impact.items()
            },
        }

    def baseline_answer(self, raw: dict) -> dict:
        cur = self.currency
        excluded: dict[str, list] = defaultdict(lambda: [0, Decimal(0)])
        totals = dict.fromkeys(("sourced", "influenced", "direct", "total"), Decimal(0)) | {"deals": 0}
        past = [[Decimal(0)] * 3 for _ in range(4)]  # sourced, influenced, total
        ahead = [[0, Decimal(0), Decimal(0)] for _ in range(4)]  # count, open, amount × probability
        won_now = Decimal(0)
        stages: dict[str, list] = defaultdict(lambda: [0, Decimal(0)])
        impact = {True: [0, 0, Decimal(0), Decimal(0)], False: [0, 0, Decimal(0), Decimal(0)]}
        for currency, stage, bucket, sourced, partnered, count, amount, weighted, cycle in raw["groups"]:
            amount = _dec(amount)
            if currency != cur:
                excluded[currency][0] += count
                excluded[currency][1] += amount
                continue
            sourced, partnered = bool(sourced), bool(partnered)
            stages[stage][0] += count
            stages[stage][1] += amount
            side = impact[partnered]
            if stage in (WON, LOST):
                side[1] += count
            if stage == WON:
                side[0] += count
                side[2] += amount
                side[3] += _dec(cycle)
                totals["deals"] += count
                totals["total"] += amount
                key = "sourced" if sourced else "influenced" if partnered else "direct"
                totals[key] += amount
                if bucket is not None and bucket < 4:
                    past[bucket][2] += amount
                    if sourced:
                        past[bucket][0] += amount
                    elif partnered:
                        past[bucket][1] += amount
                if bucket == 3:
                    won_now += amount
            elif stage in OPEN and bucket is not None and bucket >= 3:
                q = ahead[bucket - 3]
                q[0] += count
                q[1] += amount
                q[2] += _dec(weighted)
        by_alliance = [
            (pk, name, money(s), money(i), money(s) + money(i), deals)
            for pk, name, s, i, deals in raw["by_alliance"]
        ]
        figures = {row[0]: row for row in by_alliance}
        partners: dict[int, list] = {}
        for org, name, alliance_id in raw["parties"]:
            row = partners.setdefault(org, [org, name, Decimal("0.00"), Decimal("0.00")])
            row[2] += figures[alliance_id][2]
            row[3] += figures[alliance_id][3]
        return {
            "excluded": [(c, v[0], money(v[1])) for c, v in sorted(excluded.items())],
            "totals": {k: v if k == "deals" else money(v) for k, v in totals.items()},
            "by_alliance": by_alliance,
            "by_partner": sorted(
                ((o, nm, s, i, s + i) for o, nm, s, i in partners.values()), key=lambda r: r[1]
            ),
            "by_quarter": [(self.periods[i].start, *(money(v) for v in past[i])) for i in range(4)],
            "forecast": [
                (self.periods[3 + i].start, q[0], money(q[1]), money(q[2] / 100)) for i, q in enumerate(ahead)
            ],
            "won_this_quarter": money(won_now),
            "by_stage": {s: (v[0], money(v[1])) for s, v in stages.items() if v[0]},
            "impact": {
                key: {
                    "won": v[0],
                    "closed": v[1],
                    "win_rate": _rate(v[0], v[1]),
                    "average_deal": money(v[2] / v[0]) if v[0] else None,
                    "average_cycle_days": (v[3] / v[0]).quantize(Decimal("0.1")) if v[0] else None,
                }
                for key, v in (("with", impact[True]), ("without", impact[False]))
            },
        }

    def page_url(self) -> str:
        return "/pipeline/forecast/"

    def size(self, answer: dict) -> int:
        return sum(v[0] for v in answer["by_stage"].values())


def _dec(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)
