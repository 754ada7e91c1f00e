"""Scores of an assessment per side, the perception gap between the sides, and trends.

Worked example (scale 1-5, one dimension with two items of weight 1, one of them reversed):
our two respondents answer item A with 4 and 5 (mean 4.5) and item B (reversed) with 2 and 2:

* item A: (4.5 − 1) / (5 − 1) × 100 = 87.5
* item B: 100 − (2 − 1) / 4 × 100 = 75.0
* dimension: (1 × 87.5 + 1 × 75.0) / 2 = 81.3 (one decimal, half up)

A **tension** item scores how close the alliance stands to where that side wants it:
100 − |mean stand − mean want| / (max − min) × 100. The **perception gap** of an item is our
mean answer minus the partner's (in scale points); of a dimension, our score minus theirs.
Only submitted, non-archived responses count. Nothing is stored: every figure is recomputed
from the answers and carries its calculation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .models import Answer, Assessment, Instrument, InstrumentItem, ItemType, Side

HUNDRED = Decimal("100")
SIDES = (Side.OURS, Side.PARTNER)


def q1(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class SideItem:
    n: int = 0
    mean: Decimal | None = None
    want: Decimal | None = None
    score: Decimal | None = None
    calculation: str = ""


@dataclass
class ItemResult:
    item: InstrumentItem
    sides: dict[str, SideItem]
    gap: Decimal | None = None  # ours − partner, scale points (tension: where it stands)
    want_gap: Decimal | None = None  # ours − partner, where each side wants it
    indicator: object = None  # indicators.Indicator, attached by the caller


@dataclass
class DimensionResult:
    key: str
    name: str
    weight: Decimal
    scores: dict[str, Decimal | None]
    calculations: dict[str, str]
    gap: Decimal | None = None


@dataclass
class Result:
    assessment: Assessment
    items: list[ItemResult]
    dimensions: list[DimensionResult]
    overall: dict[str, Decimal | None]
    overall_calculation: dict[str, str]
    respondents: dict[str, int]
    gap: Decimal | None = None
    largest_gaps: list[ItemResult] = field(default_factory=list)

    @property
    def two_sided(self) -> bool:
        return all(self.respondents.get(side) for side in SIDES)


def _mean(values: list[int]) -> Decimal | None:
    return q2(Decimal(sum(values)) / Decimal(len(values))) if values else None


def _item_score(item: InstrumentItem, side: SideItem, lo: int, hi: int) -> None:
    span = Decimal(hi - lo)
    if side.mean is None:
        return
    if item.type == ItemType.TENSION:
        if side.want is None:
            return
        distance = abs(side.mean - side.want)
        side.score = q1(HUNDRED - distance / span * HUNDRED)
        side.calculation = f"100 − |{side.mean} − {side.want}| / {span} × 100 = {side.score}"
        return
    raw = (side.mean - lo) / span * HUNDRED
    if item.reverse:
        side.score = q1(HUNDRED - raw)
        side.calculation = f"100 − ({side.mean} − {lo}) / {span} × 100 = {side.score} (reversed)"
    else:
        side.score = q1(raw)
        side.calculation = f"({side.mean} − {lo}) / {span} × 100 = {side.score}"


def _weighted(pairs: list[tuple[Decimal, Decimal, str]]) -> tuple[Decimal | None, str]:
    """(weight, score, label) → weighted mean and its calculation."""
    if not pairs:
        return None, "no answers"
    total_weight = sum(w for w, _, _ in pairs)
    value = q1(sum(w * s for w, s, _ in pairs) / total_weight)
    terms = " + ".join(f"{w.normalize():f}×{s}" for w, s, _ in pairs)
    return value, f"({terms}) / {total_weight.normalize():f} = {value}"


def _counted_answers(**filters):
    """Submitted, non-archived answers (the only ones that count), narrowed by ``filters`` (in
    no particular order: only their means and respondents count)."""
    return Answer.objects.filter(
        response__submitted_at__isnull=False, response__archived_at__isnull=True, **filters
    ).order_by()


def score(assessment: Assessment) -> Result:
    rows = _counted_answers(response__assessment=assessment).values_list(
        "item_id", "response__side", "response_id", "value", "want"
    )
    return _score(assessment, list(assessment.instrument.items.all()), rows)


def score_many(assessments: list[Assessment]) -> dict[int, Result]:
    """``score()`` of each assessment (by pk) in at most three queries whatever their number:
    their instruments (those not loaded yet), the instruments' items, and all their answers."""
    if not assessments:
        return {}
    missing = {a.instrument_id for a in assessments if not Assessment.instrument.is_cached(a)}
    if missing:
        instruments = Instrument.objects.in_bulk(missing)
        for a in assessments:
            if not Assessment.instrument.is_cached(a):
                a.instrument = instruments[a.instrument_id]
    items: dict[int, list[InstrumentItem]] = defaultdict(list)
    for item in InstrumentItem.objects.filter(instrument_id__in={a.instrument_id for a in assessments}):
        items[item.instrument_id].append(item)
    rows: dict[int, list[tuple]] = defaultdict(list)
    for assessment_id, *row in _counted_answers(
        response__assessment_id__in=[a.pk for a in assessments]
    ).values_list("response__assessment_id", "item_id", "response__side", "response_id", "value", "want"):
        rows[assessment_id].append(row)
    return {a.pk: _score(a, items[a.instrument_id], rows[a.pk]) for a in assessments}


def _score(assessment: Assessment, items: list[InstrumentItem], rows) -> Result:
    """The scores of ``assessment`` from its instrument's ``items`` (in order) and its counted
    answers as (item_id, side, response_id, value, want)."""
    instrument = assessment.instrument
    answers: dict[tuple[int, str], list[tuple[int | None, int | None]]] = defaultdict(list)
    respondents: dict[str, set[int]] = defaultdict(set)
    for item_id, side, response_id, value, want in rows:
        respondents[side].add(response_id)
        answers[(item_id, side)].append((value, want))
    lo, hi = instrument.scale_min, instrument.scale_max
    item_results = []
    for item in items:
        sides = {}
        for side in SIDES:
            rows = answers.get((item.pk, side), [])
            values = [v for v, _ in rows if v is not None]
            wants = [w for _, w in rows if w is not None]
            result = SideItem(n=len(values), mean=_mean(values), want=_mean(wants))
            _item_score(item, result, lo, hi)
            sides[side] = result
        ours, theirs = sides[Side.OURS], sides[Side.PARTNER]
        gap = q2(ours.mean - theirs.mean) if ours.mean is not None and theirs.mean is not None else None
        want_gap = q2(ours.want - theirs.want) if ours.want is not None and theirs.want is not None else None
        item_results.append(ItemResult(item, sides, gap, want_gap))
    dimensions = []
    for d in instrument.dimensions:
        scores, calculations = {}, {}
        for side in SIDES:
            pairs = [
                (r.item.weight, r.sides[side].score, r.item.key)
                for r in item_results
                if r.item.dimension == d["key"] and r.sides[side].score is not None
            ]
            scores[side], calculations[side] = _weighted(pairs)
        gap = (
            q1(scores[Side.OURS] - scores[Side.PARTNER])
            if scores[Side.OURS] is not None and scores[Side.PARTNER] is not None
            else None
        )
        dimensions.append(
            DimensionResult(d["key"], d["name"], Decimal(d["weight"]), scores, calculations, gap)
        )
    overall, overall_calc = {}, {}
    for side in SIDES:
        pairs = [
            (dim.weight, dim.scores[side], dim.key) for dim in dimensions if dim.scores[side] is not None
        ]
        overall[side], overall_calc[side] = _weighted(pairs)
    gap = (
        q1(overall[Side.OURS] - overall[Side.PARTNER])
        if overall[Side.OURS] is not None and overall[Side.PARTNER] is not None
        else None
    )
    result = Result(
        assessment=assessment,
        items=item_results,
        dimensions=dimensions,
        overall=overall,
        overall_calculation=overall_calc,
        respondents={side: len(respondents.get(side, ())) for side in SIDES},
        gap=gap,
    )
    result.largest_gaps = sorted(
        (r for r in item_results if r.gap is not None and r.gap != 0),
        key=lambda r: (-abs(r.gap), r.item.order),
    )[:5]
    return result


def radar(result: Result) -> dict:
    """Chart data: one axis per dimension (0-100), one series per side."""
    return {
        "indicators": [{"name": d.name, "max": 100} for d in result.dimensions],
        "series": [
            {
                "name": label,
                "values": [
                    float(d.scores[side]) if d.scores[side] is not None else 0 for d in result.dimensions
                ],
            }
            for side, label in ((Side.OURS, "Our side"), (Side.PARTNER, "Partner side"))
            if result.respondents.get(side)
        ],
    }


def gap_chart(result: Result) -> dict:
    """Chart data: perception gap per dimension (our score − theirs), largest first."""
    rows = sorted((d for d in result.dimensions if d.gap is not None), key=lambda d: -abs(d.gap))
    return {
        "labels": [d.name for d in rows],
        "values": [float(d.gap) for d in rows],
        "colors": ["#5b4fcf" if d.gap >= 0 else "#e76f51" for d in rows],
    }


def trend(assessments: list[Assessment]) -> dict:
    """Overall score per side across waves, oldest first (line chart data)."""
    waves = sorted(assessments, key=lambda a: (a.opened_on, a.pk))
    results = [score(a) for a in waves]
    return {
        "min": 0,
        "max": 100,
        "labels": [a.wave for a in waves],
        "series": [
            {
                "name": label,
                "values": [float(r.overall[side]) if r.overall[side] is not None else None for r in results],
            }
            for side, label in ((Side.OURS, "Our side"), (Side.PARTNER, "Partner side"))
        ],
    }
