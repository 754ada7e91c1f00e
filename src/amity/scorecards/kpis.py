"""KPIs evaluated over measures, red/amber/green against thresholds, and the balanced scorecard.

Worked example - alliance ROI, formula ``(attributed_margin - alliance_cost) / alliance_cost * 100``:
won revenue 500,000 × 60 % margin = attributed margin 300,000; costs entered 80,000 + MDF paid
15,000 + incentives paid 5,000 = alliance cost 100,000; ROI = (300,000 − 100,000) / 100,000 × 100
= 200 % - green when green_at is 100.

A dimension's score is the weighted mean of its KPIs' points (green 100, amber 50, red 0) over
the KPIs that have a value and thresholds; the calculation is shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from amity.core import periods

from . import formula as f
from .measures import MEASURES, Context, Measure
from .models import KPI, Benchmark, Dimension, Unit

POINTS = {"green": Decimal(100), "amber": Decimal(50), "red": Decimal(0)}

#: The KPIs Amity starts with (created once when missing; users edit them as data).
DEFAULTS = [
    ("revenue-contribution", "Revenue contribution", "commercial", "won_revenue", "money", True, None, None, None,
     "Closed-won revenue of deals the alliance took part in."),
    ("revenue-share", "Share of company revenue", "commercial", "won_revenue / company_won_revenue * 100", "percent",
     True, None, "10", "5", "The alliance's won revenue as a share of all won revenue."),
    ("alliance-roi", "Alliance ROI", "commercial", "(attributed_margin - alliance_cost) / alliance_cost * 100",
     "percent", True, "150", "100", "0", "Attributed margin minus what the alliance cost us, over that cost."),
    ("cost-of-alliance-sales", "Cost of alliance sales", "commercial", "alliance_cost / won_revenue * 100", "percent",
     False, "10", "15", "25", "What the alliance cost us per unit of revenue it brought, in percent."),
    ("cost-value-ratio", "Cost-value ratio", "commercial", "alliance_cost / attributed_margin", "ratio", False,
     "0.4", "0.5", "1", "Cost of the alliance over the margin it brought (below 1: it pays for itself)."),
    ("pipeline-coverage", "Pipeline coverage", "commercial", "open_pipeline / plan_target", "ratio", True, "3",
     "3", "2", "Open pipeline closing within a year over the plan's revenue target."),
    ("plan-attainment", "Plan attainment", "commercial", "won_revenue / plan_target * 100", "percent", True, "100",
     "90", "70", "Won revenue of the period over the year's plan target."),
    ("mdf-roi", "MDF ROI", "commercial", "mdf_revenue / mdf_paid", "ratio", True, "10", "5", "2",
     "Won revenue of deals linked to funded MDF activities per unit of MDF paid."),
    ("partner-commitment", "Partner commitment", "operational", "commitments_met_on_time / commitments_due * 100",
     "percent", True, "90", "85", "70", "Partner commitments met on time out of those that came due."),
    ("new-customers", "New customers", "strategic", "new_customers", "count", True, "5", "5", "2",
     "Accounts whose first won deal came through the alliance."),
    ("market-reach", "Countries reached", "strategic", "countries", "count", True, None, "3", "1",
     "Countries of the customers won through the alliance."),
    ("segments-reached", "Segments reached", "strategic", "segments", "count", True, None, "3", "1",
     "Industries of the customers won through the alliance."),
    ("integration", "Integration milestones reached", "technical", "integration_done / integration_total * 100",
     "percent", True, "80", "75", "40", "Integration and shared-dashboard milestones done."),
    ("certified-people", "Certified partner people", "technical", "certified_people", "count", True, "5", "3",
     "1", "Partner people with a valid certification at the end of the period (tier rules use it too)."),
    ("health-ours", "Health (our side)", "cultural", "health_ours", "count", True, "75", "70", "50",
     "Latest alliance health check, our side (0-100)."),
    ("health-partner", "Health (partner side)", "cultural", "health_partner", "count", True, "75", "70", "50",
     "Latest alliance health check, the partner's side (0-100)."),
    ("practices", "Best practices adopted", "operational", "practices_adopted", "count", True, "75", "70", "50",
     "Latest best-practice benchmark score (0-100)."),
]  # fmt: skip


def ensure_defaults() -> int:
    """Create the default KPIs that do not exist yet (by key); never changes edited ones."""
    existing = set(KPI.objects.values_list("key", flat=True))
    created = 0
    for order, (key, name, dim, formula, unit, higher, target, green, amber, desc) in enumerate(DEFAULTS):
        if key in existing:
            continue
        KPI.objects.create(
            key=key,
            name=name,
            dimension=dim,
            formula=formula,
            unit=unit,
            higher_is_better=higher,
            target=Decimal(target) if target else None,
            green_at=Decimal(green) if green else None,
            amber_at=Decimal(amber) if amber else None,
            description=desc,
            order=(order + 1) * 10,
        )
        created += 1
    return created


@dataclass
class KPIResult:
    kpi: KPI
    value: Decimal | None
    status: str | None  # green | amber | red | None
    calculation: str
    inputs: list[tuple[str, Measure]]
    reason: str = ""
    benchmarks: list[Benchmark] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [p for _, m in self.inputs for p in m.problems]


def _round(kpi: KPI, value: Decimal) -> Decimal:
    places = Decimal("0.01") if kpi.unit in (Unit.MONEY, Unit.RATIO) else Decimal("0.1")
    return value.quantize(places, rounding=ROUND_HALF_UP)


def status_of(kpi: KPI, value: Decimal | None) -> str | None:
    if value is None or kpi.green_at is None:
        return None
    better = (lambda a, b: a >= b) if kpi.higher_is_better else (lambda a, b: a <= b)
    if better(value, kpi.green_at):
        return "green"
    if kpi.amber_at is not None and better(value, kpi.amber_at):
        return "amber"
    return "red"


def evaluate(kpi: KPI, ctx: Context) -> KPIResult:
    names = f.names(kpi.formula)
    inputs = []
    values: dict[str, Decimal | None] = {}
    for name in names:
        cache_key = f"measure:{name}"
        if cache_key not in ctx.cache:
            ctx.cache[cache_key] = MEASURES[name](ctx)
        measure = ctx.cache[cache_key]
        inputs.append((name, measure))
        values[name] = measure.value
    try:
        value = _round(kpi, f.evaluate(kpi.formula, values))
        reason = ""
    except f.NoValue as exc:
        value, reason = None, str(exc)
    calculation = f"{f.substitute(kpi.formula, values)} = {value if value is not None else '—'}"
    return KPIResult(kpi, value, status_of(kpi, value), calculation, inputs, reason)


@dataclass
class DimensionScore:
    dimension: str
    label: str
    score: Decimal | None
    calculation: str
    kpis: list[KPIResult]


@dataclass
class Scorecard:
    start: date
    end: date
    dimensions: list[DimensionScore]

    @property
    def by_key(self) -> dict[str, DimensionScore]:
        return {d.dimension: d for d in self.dimensions}


def scorecard(alliance_ids: list[int], start: date, end: date, today: date | None = None) -> Scorecard:
    from django.utils import timezone

    ctx = Context(list(alliance_ids), start, end, today or timezone.localdate())
    kpis = list(KPI.objects.filter(active=True, archived_at__isnull=True).prefetch_related("benchmarks"))
    results = []
    for kpi in kpis:
        r = evaluate(kpi, ctx)
        r.benchmarks = [b for b in kpi.benchmarks.all() if b.archived_at is None]
        results.append(r)
    dims = []
    for dim in Dimension:
        rows = [r for r in results if r.kpi.dimension == dim]
        scored = [(r.kpi.weight, POINTS[r.status], r.kpi.name) for r in rows if r.status]
        if scored:
            total_weight = sum(w for w, _, _ in scored)
            score = (sum(w * p for w, p, _ in scored) / total_weight).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            calc = " + ".join(f"{w.normalize():f}×{p.normalize():f}" for w, p, _ in scored)
            calculation = f"({calc}) / {total_weight.normalize():f} = {score} (green 100, amber 50, red 0)"
        else:
            score, calculation = None, "no KPI with a value and thresholds"
        dims.append(DimensionScore(dim.value, dim.label, score, calculation, rows))
    return Scorecard(start, end, dims)


def period_of(kind: str, day: date) -> periods.Period:
    return (
        periods.fiscal_quarter_of(day)
        if kind == "quarter"
        else periods.fiscal_year(periods.fiscal_year_of(day))
    )
