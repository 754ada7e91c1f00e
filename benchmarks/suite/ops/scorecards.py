"""The balanced-scorecard roll-up: every alliance past identification × the KPIs and five
dimension scores, and the portfolio's scorecard (the Balanced scorecard page)."""

from __future__ import annotations

import ast
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..sql import converted_sql, converted_total, date_sql, local_day_bounds, rows, utc_date_sql
from .base import Operation

BATCH = "SELECT id FROM alliances_alliance WHERE archived_at IS NULL AND stage NOT IN ('retired', 'identify')"
LINKS = f"SELECT opportunity_id FROM pipeline_opportunityalliance WHERE archived_at IS NULL AND alliance_id IN ({BATCH})"
OPEN = "('prospecting', 'qualification', 'proposal', 'negotiation')"
DIMENSIONS = ("commercial", "technical", "strategic", "cultural", "operational")
POINTS = {"green": Decimal(100), "amber": Decimal(50), "red": Decimal(0)}
ZERO = Decimal(0)


class ScorecardRollup(Operation):
    name = "scorecard_rollup"
    title = "Scorecard roll-up, all alliances"
    amity_path = (
        "scorecards.views.portfolio_rows(admin, this fiscal year): kpis.scorecards over one "
        "measures.Batch - the view without its template; page: GET /scorecards/"
    )
    baseline_path = (
        "one query per measure source, aggregated per alliance in SQL (UNION ALL the portfolio's "
        "row, each deal once) with the exchange-rate conversion in SQL; KPI formulas, thresholds and "
        "dimension scores in plain Python"
    )

    def prepare(self, env: Any) -> None:
        from django.conf import settings

        from amity.core import periods
        from amity.scorecards import kpis

        super().prepare(env)
        self.today = env.today
        self.period = kpis.period_of("fy", self.today)
        self.fiscal_year = periods.fiscal_year_of(self.period.end)
        self.currency = settings.AMITY_REPORTING_CURRENCY
        self.margin = Decimal(str(settings.AMITY_GROSS_MARGIN_PERCENT))

    def describe(self) -> dict:
        return {"period": f"{self.period.start}..{self.period.end}"}

    def amity(self) -> Any:
        from amity.scorecards.views import portfolio_rows

        return portfolio_rows(self.env.user, self.period)

    # --- the baseline ---------------------------------------------------------------------------

    def conv(self, amount: str, currency: str, day: str) -> str:
        return converted_sql(amount, currency, day, self.currency)

    def baseline(self) -> dict:
        start, end, today = self.period.start, self.period.end, self.today
        alliances = [
            r[0]
            for r in rows(
                "SELECT a.id FROM alliances_alliance a LEFT JOIN alliances_tier t ON t.id = a.tier_id "
                f"WHERE a.id IN ({BATCH}) ORDER BY t.rank IS NULL, t.rank, a.name"
            )
        ]
        # alliance id (None: the portfolio) → its measures
        m: dict[Any, dict[str, Decimal | None]] = defaultdict(dict)

        def put(found: list[tuple], *names: str, money: tuple[int, ...] = (1,)) -> None:
            for key, *values in found:
                for i, (name, value) in enumerate(zip(names, values, strict=True), start=1):
                    m[key][name] = converted_total(value) if i in money else Decimal(value or 0)

        won_cte = (
            "WITH won AS (SELECT o.id, o.account_id, o.amount, o.currency, o.close_date FROM pipeline_opportunity o "
            "WHERE o.archived_at IS NULL AND o.stage = 'closed_won' AND o.close_date BETWEEN %s AND %s "
            f"AND o.id IN ({LINKS})), "
            "firsts AS (SELECT account_id FROM pipeline_opportunity WHERE archived_at IS NULL AND stage = 'closed_won' "
            "AND account_id IN (SELECT account_id FROM won) GROUP BY account_id "
            "HAVING MIN(close_date) >= %s AND MIN(close_date) <= %s) "
        )
        won_figures = (
            f"SUM({self.conv('w.amount', 'w.currency', 'w.close_date')}), "
            "COUNT(DISTINCT CASE WHEN acc.country <> '' THEN acc.country END), "
            "COUNT(DISTINCT CASE WHEN acc.industry <> '' THEN acc.industry END), "
            "COUNT(DISTINCT CASE WHEN f.account_id IS NOT NULL THEN w.account_id END) "
        )
        joins = "LEFT JOIN pipeline_account acc ON acc.id = w.account_id LEFT JOIN firsts f ON f.account_id = w.account_id "
        put(
            rows(
                won_cte
                + f"SELECT l.alliance_id, {won_figures} FROM won w JOIN pipeline_opportunityalliance l "
                f"ON l.opportunity_id = w.id AND l.archived_at IS NULL AND l.alliance_id IN ({BATCH}) {joins}"
                f"GROUP BY l.alliance_id UNION ALL SELECT NULL, {won_figures} FROM won w {joins}",
                [start, end, start, end],
            ),
            "won_revenue",
            "countries",
            "segments",
            "new_customers",
        )
        company = rows(
            f"SELECT SUM({self.conv('o.amount', 'o.currency', 'o.close_date')}) FROM pipeline_opportunity o "
            "WHERE o.archived_at IS NULL AND o.stage = 'closed_won' AND o.close_date BETWEEN %s AND %s",
            [start, end],
        )[0][0]
        open_cte = (
            "WITH pipe AS (SELECT o.id, o.amount, o.currency FROM pipeline_opportunity o WHERE o.archived_at IS NULL "
            f"AND o.stage IN {OPEN} AND o.close_date BETWEEN %s AND %s AND o.id IN ({LINKS})) "
        )
        open_sum = f"SUM({self.conv('w.amount', 'w.currency', date_sql(today))})"
        put(
            rows(
                open_cte
                + f"SELECT l.alliance_id, {open_sum} FROM pipe w JOIN pipeline_opportunityalliance l "
                f"ON l.opportunity_id = w.id AND l.archived_at IS NULL AND l.alliance_id IN ({BATCH}) "
                f"GROUP BY l.alliance_id UNION ALL SELECT NULL, {open_sum} FROM pipe w",
                [today, today + _year()],
            ),
            "open_pipeline",
        )
        put(
            rows(
                f"SELECT alliance_id, SUM({self.conv('amount', 'currency', 'period_start')}) FROM scorecards_alliancecost "
                f"WHERE alliance_id IN ({BATCH}) AND archived_at IS NULL AND period_start BETWEEN %s AND %s "
                "GROUP BY alliance_id",
                [start, end],
            ),
            "entered_costs",
        )
        after, before = local_day_bounds(start, end)
        put(
            rows(
                f"SELECT b.alliance_id, SUM({self.conv('e.amount', 'b.currency', utc_date_sql('e.at'))}) "
                "FROM funds_ledgerentry e JOIN funds_budget b ON b.id = e.budget_id "
                f"WHERE e.kind = 'pay' AND b.alliance_id IN ({BATCH}) AND e.at >= %s AND e.at < %s GROUP BY b.alliance_id",
                [after, before],
            ),
            "mdf_paid",
        )
        lines = (
            "FROM funds_statementline sl JOIN funds_statement s ON s.id = sl.statement_id {join} "
            "WHERE s.status = 'paid' AND s.paid_on BETWEEN %s AND %s {where}"
        )
        paid = f"SUM({self.conv('sl.amount', 's.currency', 's.paid_on')})"
        put(
            rows(
                f"SELECT l.alliance_id, {paid} "
                + lines.format(
                    join="JOIN pipeline_opportunityalliance l ON l.opportunity_id = sl.opportunity_id "
                    f"AND l.archived_at IS NULL AND l.alliance_id IN ({BATCH})",
                    where="GROUP BY l.alliance_id",
                )
                + f" UNION ALL SELECT NULL, {paid} "
                + lines.format(join="", where=f"AND sl.opportunity_id IN ({LINKS})"),
                [start, end, start, end],
            ),
            "incentives_paid",
        )
        put(
            rows(
                f"SELECT alliance_id, SUM({self.conv('revenue_target', 'currency', date_sql(end))}), COUNT(*) "
                f"FROM planning_jointbusinessplan WHERE alliance_id IN ({BATCH}) AND archived_at IS NULL "
                "AND fiscal_year = %s AND revenue_target IS NOT NULL GROUP BY alliance_id",
                [self.fiscal_year],
            ),
            "plan_target",
            "plans",
        )
        put(
            rows(
                "SELECT c.alliance_id, COUNT(*), SUM(CASE WHEN c.status = 'met' AND c.met_on IS NOT NULL "
                "AND c.met_on <= c.due_date THEN 1 ELSE 0 END) FROM agreements_commitment c "
                "JOIN partners_organization o ON o.id = c.party_id "
                f"WHERE c.alliance_id IN ({BATCH}) AND c.archived_at IS NULL AND NOT o.is_home "
                "AND c.due_date BETWEEN %s AND %s AND c.status NOT IN ('waived', 'renegotiated') GROUP BY c.alliance_id",
                [start, min(end, today)],
            ),
            "commitments_due",
            "commitments_met_on_time",
            money=(),
        )
        deals = (
            "SELECT DISTINCT {key} o.id, o.amount, o.currency, o.close_date FROM funds_fundrequest_opportunities t "
            "JOIN funds_fundrequest fr ON fr.id = t.fundrequest_id JOIN funds_budget b ON b.id = fr.budget_id "
            "JOIN pipeline_opportunity o ON o.id = t.opportunity_id "
            f"WHERE b.alliance_id IN ({BATCH}) AND fr.archived_at IS NULL AND o.archived_at IS NULL "
            "AND o.stage = 'closed_won' AND o.close_date BETWEEN %s AND %s"
        )
        mdf_sum = f"SUM({self.conv('x.amount', 'x.currency', 'x.close_date')})"
        put(
            rows(
                f"SELECT x.alliance_id, {mdf_sum} FROM ({deals.format(key='b.alliance_id,')}) x GROUP BY x.alliance_id "
                f"UNION ALL SELECT NULL, {mdf_sum} FROM ({deals.format(key='')}) x",
                [start, end, start, end],
            ),
            "mdf_revenue",
        )
        put(
            rows(
                "SELECT alliance_id, COUNT(*), SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) FROM planning_milestone "
                f"WHERE alliance_id IN ({BATCH}) AND archived_at IS NULL "
                "AND category IN ('integration', 'shared_dashboard') AND status <> 'cancelled' GROUP BY alliance_id"
            ),
            "integration_total",
            "integration_done",
            money=(),
        )
        certified = (
            "FROM alliances_allianceparty p JOIN partners_contact ct ON ct.organization_id = p.organization_id "
            "JOIN partners_certification c ON c.contact_id = ct.id "
            f"WHERE p.alliance_id IN ({BATCH}) AND p.archived_at IS NULL AND p.role <> 'host' "
            "AND c.kind = 'certification' AND c.archived_at IS NULL AND ct.archived_at IS NULL "
            "AND c.completed_on <= %s AND (c.expires_on IS NULL OR c.expires_on >= %s)"
        )
        put(
            rows(
                f"SELECT p.alliance_id, COUNT(DISTINCT c.contact_id) {certified} GROUP BY p.alliance_id "
                f"UNION ALL SELECT NULL, COUNT(DISTINCT c.contact_id) {certified}",
                [end, end, end, end],
            ),
            "certified_people",
            money=(),
        )
        health, practices = self._assessments(end)
        kpis = rows(
            "SELECT key, dimension, formula, unit, higher_is_better, green_at, amber_at, weight "
            "FROM scorecards_kpi WHERE active AND archived_at IS NULL"
        )
        return {
            "alliances": alliances,
            "measures": m,
            "company": converted_total(company),
            "health": health,
            "practices": practices,
            "kpis": kpis,
        }

    def _assessments(self, end: Any) -> tuple[dict, dict]:
        """Latest health check (with a score by either side, opened by ``end``) and latest
        best-practice benchmark per alliance, scored from their answers in plain Python."""
        waves = (
            "SELECT a.id, a.alliance_id, a.instrument_id, i.key, a.opened_on FROM assessments_assessment a "
            f"JOIN assessments_instrument i ON i.id = a.instrument_id WHERE a.alliance_id IN ({BATCH}) "
            "AND a.archived_at IS NULL AND ((i.key = 'alliance-health' AND a.opened_on <= %s) "
            "OR i.key = 'best-practices')"
        )
        found = rows(waves + " ORDER BY a.alliance_id, a.opened_on DESC, a.id DESC", [end])
        if not found:
            return {}, {}
        instruments = {
            pk: (lo, hi, _json(dims))
            for pk, lo, hi, dims in rows(
                "SELECT id, scale_min, scale_max, dimensions FROM assessments_instrument "
                "WHERE key IN ('alliance-health', 'best-practices')"
            )
        }
        items: dict[int, list] = defaultdict(list)
        for pk, instrument_id, dimension, kind, weight, reverse in rows(
            "SELECT id, instrument_id, dimension, type, weight, reverse FROM assessments_instrumentitem "
            "WHERE instrument_id IN (SELECT id FROM assessments_instrument WHERE key IN ('alliance-health', 'best-practices')) "
            'ORDER BY instrument_id, "order"'
        ):
            items[instrument_id].append((pk, dimension, kind, Decimal(str(weight)), bool(reverse)))
        answers: dict[int, list] = defaultdict(list)
        for assessment_id, *answer in rows(
            "SELECT r.assessment_id, an.item_id, r.side, r.id, an.value, an.want FROM assessments_answer an "
            "JOIN assessments_response r ON r.id = an.response_id WHERE r.submitted_at IS NOT NULL "
            f"AND r.archived_at IS NULL AND r.assessment_id IN (SELECT id FROM ({waves}) w)",
            [end],
        ):
            answers[assessment_id].append(answer)
        health: dict[int, tuple] = {}
        practices: dict[int, Decimal | None] = {}
        for pk, alliance_id, instrument_id, key, _opened in found:
            lo, hi, dims = instruments[instrument_id]
            if key == "alliance-health":
                if alliance_id in health:
                    continue
                overall = _score(items[instrument_id], answers[pk], lo, hi, dims)
                if overall["ours"] is not None or overall["partner"] is not None:
                    health[alliance_id] = overall
            elif alliance_id not in practices:
                practices[alliance_id] = _score(items[instrument_id], answers[pk], lo, hi, dims)["ours"]
        return health, practices

    # --- answers ------------------------------------------------------------------------------------

    def amity_answer(self, raw: tuple) -> dict:
        cards, total = raw

        def card(scorecard: Any) -> dict:
            return {
                "dimensions": {d.dimension: d.score for d in scorecard.dimensions},
                "kpis": {r.kpi.key: (r.value, r.status) for d in scorecard.dimensions for r in d.kpis},
            }

        return {"alliances": [(a.pk, card(c)) for a, c in cards], "portfolio": card(total)}

    def baseline_answer(self, raw: dict) -> dict:
        kpis = raw["kpis"]
        groups = [(pk, [pk]) for pk in raw["alliances"]]
        cards = {key: self._card(key, ids, raw, kpis) for key, ids in [*groups, (None, raw["alliances"])]}
        return {"alliances": [(pk, cards[pk]) for pk in raw["alliances"]], "portfolio": cards[None]}

    def _card(self, key: Any, ids: list[int], raw: dict, kpis: list) -> dict:
        got = raw["measures"].get(key, {})
        alliances = raw["measures"]

        def summed(name: str) -> Decimal:
            if key is not None:
                return got.get(name, ZERO)
            return sum((alliances.get(a, {}).get(name, ZERO) for a in ids), ZERO)

        won = got.get("won_revenue", ZERO)
        cost = summed("entered_costs") + summed("mdf_paid") + got.get("incentives_paid", ZERO)
        plans = summed("plans")
        health = [raw["health"][a] for a in ids if a in raw["health"]]
        practices = [raw["practices"][a] for a in ids if raw["practices"].get(a) is not None]
        values: dict[str, Decimal | None] = {
            "won_revenue": won,
            "company_won_revenue": raw["company"],
            "attributed_margin": (won * self.margin / 100).quantize(Decimal("0.01")),
            "entered_costs": summed("entered_costs"),
            "mdf_paid": summed("mdf_paid"),
            "incentives_paid": got.get("incentives_paid", ZERO),
            "alliance_cost": cost,
            "open_pipeline": got.get("open_pipeline", ZERO),
            "plan_target": summed("plan_target") if plans else None,
            "commitments_due": summed("commitments_due"),
            "commitments_met_on_time": summed("commitments_met_on_time"),
            "new_customers": got.get("new_customers", ZERO),
            "countries": got.get("countries", ZERO),
            "segments": got.get("segments", ZERO),
            "mdf_revenue": got.get("mdf_revenue", ZERO),
            "integration_done": summed("integration_done"),
            "integration_total": summed("integration_total"),
            "certified_people": got.get("certified_people", ZERO),
            "health_ours": _mean([h["ours"] for h in health if h["ours"] is not None]),
            "health_partner": _mean([h["partner"] for h in health if h["partner"] is not None]),
            "practices_adopted": _mean(practices),
        }
        results: dict[str, tuple] = {}
        scored: dict[str, list] = defaultdict(list)
        for kpi_key, dimension, formula, unit, higher, green, amber, weight in kpis:
            value = _evaluate(formula, values)
            if value is not None:
                places = Decimal("0.01") if unit in ("money", "ratio") else Decimal("0.1")
                value = value.quantize(places, rounding=ROUND_HALF_UP)
            status = _status(value, _d(green), _d(amber), bool(higher))
            results[kpi_key] = (value, status)
            if status:
                scored[dimension].append((Decimal(str(weight)), POINTS[status]))
        dimensions = {}
        for dimension in DIMENSIONS:
            pairs = scored.get(dimension)
            if pairs:
                total = sum(w for w, _ in pairs)
                dimensions[dimension] = (sum(w * p for w, p in pairs) / total).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                )
            else:
                dimensions[dimension] = None
        return {"dimensions": dimensions, "kpis": results}

    def page_url(self) -> str:
        return "/scorecards/"

    def size(self, answer: dict) -> int:
        return len(answer["alliances"])


# --- plain Python pieces of the baseline ---------------------------------------------------------


def _year():
    from datetime import timedelta

    return timedelta(days=365)


def _d(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _json(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.1"))


def _status(value: Decimal | None, green: Decimal | None, amber: Decimal | None, higher: bool) -> str | None:
    if value is None or green is None:
        return None

    def better(a: Decimal, b: Decimal) -> bool:
        return a >= b if higher else a <= b

    if better(value, green):
        return "green"
    if amber is not None and better(value, amber):
        return "amber"
    return "red"


def _evaluate(formula: str, values: dict[str, Decimal | None]) -> Decimal | None:
    """+ - * / over the measures in Decimal; None for a missing input or a zero divisor."""

    def ev(node: ast.AST) -> Decimal | None:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            value = values.get(node.id)
            return None if value is None else Decimal(value)
        if isinstance(node, ast.UnaryOp):
            operand = ev(node.operand)
            if operand is None:
                return None
            return -operand if isinstance(node.op, ast.USub) else operand
        assert isinstance(node, ast.BinOp)
        left, right = ev(node.left), ev(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return None if right == 0 else left / right

    return ev(ast.parse(formula, mode="eval"))


def _q1(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _score(items: list, answers: list, lo: int, hi: int, dimensions: list) -> dict[str, Decimal | None]:
    """The overall score per side of one assessment (assessments.scoring's arithmetic)."""
    by_item: dict[tuple, list] = defaultdict(list)
    for item_id, side, _response_id, value, want in answers:
        by_item[(item_id, side)].append((value, want))
    span = Decimal(hi - lo)
    per_dimension: dict[tuple, list] = defaultdict(list)
    for pk, dimension, kind, weight, reverse in items:
        for side in ("ours", "partner"):
            got = by_item.get((pk, side), [])
            values = [v for v, _ in got if v is not None]
            wants = [w for _, w in got if w is not None]
            if not values:
                continue
            mean = _q2(Decimal(sum(values)) / Decimal(len(values)))
            if kind == "tension":
                if not wants:
                    continue
                want = _q2(Decimal(sum(wants)) / Decimal(len(wants)))
                score = _q1(100 - abs(mean - want) / span * 100)
            else:
                raw = (mean - lo) / span * 100
                score = _q1(100 - raw) if reverse else _q1(raw)
            per_dimension[(dimension, side)].append((weight, score))
    overall = {}
    for side in ("ours", "partner"):
        pairs = []
        for d in dimensions:
            scores = per_dimension.get((d["key"], side))
            if scores:
                total = sum(w for w, _ in scores)
                pairs.append((Decimal(d["weight"]), _q1(sum(w * s for w, s in scores) / total)))
        overall[side] = _q1(sum(w * s for w, s in pairs) / sum(w for w, _ in pairs)) if pairs else None
    return overall
