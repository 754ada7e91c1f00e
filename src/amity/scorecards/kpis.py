"""KPIs evaluated over measures, red/amber/green against thresholds, and the balanced scorecard.

Worked example - alliance ROI, formula ``(attributed_margin - alliance_cost) / alliance_cost * 100``:
won revenue 500,000 × 60 % margin = attributed margin 300,000; costs entered 80,000 + MDF paid
15,000 + incentives paid 5,000 = alliance cost 100,000; ROI = (300,000 − 100,000) / 100,000 × 100
= 200 % - green when green_at is 100.

A dimension's score is the weighted mean of its KPIs' points (green 100, amber 50, red 0) over
the KPIs that have a value and thresholds; the calculation is shown beside it.
"""

from __future__ import annotations

import gc
from collections.abc import Hashable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from typing import TypeVar

from amity.core import periods

from . import formula as f
from .measures import MEASURES, Batch, Context, Measure
from .models import KPI, Benchmark, Dimension, Unit

K = TypeVar("K", bound=Hashable)

#: (dimension, its key, its label) in order - read once, not for every scorecard.
DIMENSIONS = [(dim, dim.value, dim.label) for dim in Dimension]

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
    inputs: list[tuple[str, Measure]]
    reason: str = ""
    benchmarks: list[Benchmark] = field(default_factory=list)

    @cached_property
    def calculation(self) -> str:
        """The formula with its inputs' values, and the result (written when first shown: a
        roll-up of many scorecards shows only the dimension scores)."""
        values = {name: measure.value for name, measure in self.inputs}
        return f"{f.substitute(self.kpi.formula, values)} = {self.value if self.value is not None else '—'}"

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


#: A formula's measure names (the formulas are few; parsing them for every scorecard is not).
_names = lru_cache(maxsize=512)(f.names)


def evaluate(kpi: KPI, ctx: Context) -> KPIResult:
    names = _names(kpi.formula)
    inputs = []
    values: dict[str, Decimal | None] = {}
    computed = ctx.measures  # each measure once per context
    for name in names:
        measure = computed.get(name)
        if measure is None:
            measure = computed[name] = MEASURES[name](ctx)
        inputs.append((name, measure))
        values[name] = measure.value
    # The same formula over inputs of the same values has the same rounded outcome; in a roll-up
    # many scorecards share them (no plan, no health check …), so it is worked out once per batch.
    outcomes = ctx.batch.formula_outcomes
    key = (kpi.formula, tuple(values.values()))
    outcome = outcomes.get(key)
    if outcome is None:
        try:
            outcome = (f.evaluate(kpi.formula, values), "")
        except f.NoValue as exc:
            outcome = (None, str(exc))
        outcomes[key] = outcome
    raw, reason = outcome
    value = _round(kpi, raw) if raw is not None else None
    return KPIResult(kpi, value, status_of(kpi, value), inputs, reason)


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


def active_kpis() -> list[KPI]:
    """The KPIs a scorecard shows, with their benchmarks (two queries)."""
    return list(KPI.objects.filter(active=True, archived_at__isnull=True).prefetch_related("benchmarks"))


def scorecards(
    groups: Mapping[K, Sequence[int]], start: date, end: date, today: date | None = None
) -> dict[K, Scorecard]:
    """One scorecard per group of alliances (e.g. each alliance alone, and the portfolio), in a
    number of queries that does not grow with the groups or their alliances: every measure's rows
    are fetched once for all the alliances (``measures.Batch``) and the KPIs and exchange rates
    are read once. Each scorecard is the one ``scorecard(ids, …)`` gives for its group."""
    from django.utils import timezone

    today = today or timezone.localdate()
    batch = Batch([a for ids in groups.values() for a in ids], start, end, today)
    kpis = [(kpi, [b for b in kpi.benchmarks.all() if b.archived_at is None]) for kpi in active_kpis()]
    with _no_gc_pauses(len(groups) >= MANY_SCORECARDS):
        return {
            key: _scorecard(Context(list(ids), start, end, today, batch=batch), kpis)
            for key, ids in groups.items()
        }


#: From this many scorecards in one roll-up, the cyclic garbage collector waits until it is done.
MANY_SCORECARDS = 100


@contextmanager
def _no_gc_pauses(many: bool):
    """A roll-up of thousands of scorecards allocates millions of small objects (and holds every
    row it read): the cyclic collector would scan them again and again - over half the time on
    20,000 alliances - to find nothing, as the roll-up makes no reference cycles. So it waits
    (reference counting still frees everything), and what the roll-up made is then filed with
    the old objects (freeze + unfreeze: "put back into the oldest generation"), as if it had
    survived the young collections, instead of being scanned in one long pause at once."""
    if not (many and gc.isenabled()):
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def scorecard(alliance_ids: Sequence[int], start: date, end: date, today: date | None = None) -> Scorecard:
    """The scorecard of these alliances together (a deal linked to several of them counts once)."""
    return scorecards({None: alliance_ids}, start, end, today)[None]


def _scorecard(ctx: Context, kpis: list[tuple[KPI, list[Benchmark]]]) -> Scorecard:
    """The scorecard of one context, from the KPIs with their (non-archived) benchmarks."""
    by_dimension: dict[str, list[KPIResult]] = {dim: [] for dim, _, _ in DIMENSIONS}
    for kpi, benchmarks in kpis:
        r = evaluate(kpi, ctx)
        r.benchmarks = list(benchmarks)
        if kpi.dimension in by_dimension:
            by_dimension[kpi.dimension].append(r)
    dims = []
    for dim, key, label in DIMENSIONS:
        rows = by_dimension[dim]
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
        dims.append(DimensionScore(key, label, score, calculation, rows))
    return Scorecard(ctx.start, ctx.end, dims)


def period_of(kind: str, day: date) -> periods.Period:
    return (
        periods.fiscal_quarter_of(day)
        if kind == "quarter"
        else periods.fiscal_year(periods.fiscal_year_of(day))
    )
