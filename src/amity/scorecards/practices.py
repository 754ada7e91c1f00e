"""Practices vs performance: do the alliances that adopted more best practices score better?

For every alliance with a best-practice benchmark (its latest wave) and a scorecard value in the
period: x = the number of practices adopted (answered 4 or 5 on the 1-5 scale; reversed
anti-practices count when answered 1 or 2) and the benchmark score; y = the alliance's overall
scorecard score (mean of its dimension scores). Reported: n, Pearson's r with its 95 %
confidence interval (Fisher's z), the two-sided p-value (Student's t with n − 2 degrees of
freedom), and the least-squares line. With fewer than 3 alliances nothing is claimed; below 10
the result is labelled indicative; an interval that contains 0 is said to show no evidence.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from amity.assessments import scoring
from amity.assessments.models import Answer, Assessment

from . import kpis


@dataclass
class Point:
    alliance: Any
    adopted: int
    benchmark: Decimal
    performance: Decimal
    wave: str


@dataclass
class Analysis:
    points: list[Point] = field(default_factory=list)
    r: float | None = None
    ci: tuple[float, float] | None = None
    p_value: float | None = None
    slope: float | None = None
    intercept: float | None = None
    verdict: str = ""

    @property
    def n(self) -> int:
        return len(self.points)


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (Lentz's method)."""
    tiny, qab, qap, qam = 1e-30, a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c if abs(1 + aa / c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c if abs(1 + aa / c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-12:
            break
    return h


def _betai(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _betacf(a, b, x) / a
    return 1 - front * _betacf(b, a, 1 - x) / b


def t_two_sided_p(t: float, df: int) -> float:
    """Two-sided p-value of Student's t with ``df`` degrees of freedom."""
    return _betai(df / 2, 0.5, df / (df + t * t))


def correlate(xs: list[float], ys: list[float]) -> tuple[float | None, float | None, float | None]:
    """Pearson's r, the OLS slope and intercept of y on x (None when undefined)."""
    n = len(xs)
    if n < 2:
        return None, None, None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    if sxx == 0 or syy == 0:
        return None, None, None
    slope = sxy / sxx
    return sxy / math.sqrt(sxx * syy), slope, my - slope * mx


def analyse(points: list[Point]) -> Analysis:
    result = Analysis(points=points)
    n = len(points)
    if n < 3:
        result.verdict = f"Only {n} alliance(s) have both a best-practice benchmark and a scorecard: too few to say anything."
        return result
    xs = [float(p.adopted) for p in points]
    ys = [float(p.performance) for p in points]
    r, slope, intercept = correlate(xs, ys)
    if r is None:
        result.verdict = (
            "The practices or the scores do not vary across these alliances: no relation can be measured."
        )
        return result
    result.r, result.slope, result.intercept = r, slope, intercept
    r_clip = max(min(r, 0.999999), -0.999999)
    if n > 3:
        z, se = math.atanh(r_clip), 1 / math.sqrt(n - 3)
        result.ci = (math.tanh(z - 1.96 * se), math.tanh(z + 1.96 * se))
    t = r_clip * math.sqrt((n - 2) / (1 - r_clip**2))
    result.p_value = t_two_sided_p(t, n - 2)
    strength = "strong" if abs(r) >= 0.6 else "moderate" if abs(r) >= 0.3 else "weak"
    direction = "more practices go with better scores" if r > 0 else "more practices go with worse scores"
    caveat = " Indicative only: fewer than 10 alliances." if n < 10 else ""
    if result.ci is None or result.ci[0] <= 0 <= result.ci[1]:
        result.verdict = (
            f"A {strength} relation (r = {r:.2f}, n = {n}, p = {result.p_value:.2f}), but the 95 % interval "
            f"includes no relation at all: no evidence either way yet.{caveat}"
        )
    else:
        result.verdict = (
            f"A {strength} relation: {direction} (r = {r:.2f}, 95 % interval {result.ci[0]:.2f} to "
            f"{result.ci[1]:.2f}, n = {n}, p = {result.p_value:.3f}); each extra practice adopted goes with "
            f"{slope:+.1f} points of scorecard. Correlation, not proof of cause.{caveat}"
        )
    return result


def points(user: Any, start: date, end: date) -> list[Point]:
    """One point per visible alliance whose latest benchmark (opened by ``end``) has our side's
    score and whose scorecard has a dimension score, in a constant number of queries."""
    latest: dict[int, Assessment] = {}
    for a in (
        Assessment.objects.visible_to(user)
        .filter(instrument__key="best-practices", archived_at__isnull=True, opened_on__lte=end)
        .select_related("alliance", "instrument")
        .order_by("alliance_id", "-opened_on", "-pk")
    ):
        latest.setdefault(a.alliance_id, a)
    results = scoring.score_many(list(latest.values()))
    scored = {
        alliance_id: a
        for alliance_id, a in sorted(latest.items())
        if results[a.pk].overall["ours"] is not None
    }
    adopted: dict[int, int] = defaultdict(int)
    for assessment_id, value, reverse in Answer.objects.filter(
        response__assessment_id__in=[a.pk for a in scored.values()],
        response__side="ours",
        response__submitted_at__isnull=False,
        value__isnull=False,
    ).values_list("response__assessment_id", "value", "item__reverse"):
        adopted[assessment_id] += (value <= 2) if reverse else (value >= 4)
    cards = kpis.scorecards({alliance_id: [alliance_id] for alliance_id in scored}, start, end)
    out = []
    for alliance_id, assessment in scored.items():
        result = results[assessment.pk]
        respondents = max(result.respondents["ours"], 1)
        scores = [d.score for d in cards[alliance_id].dimensions if d.score is not None]
        if not scores:
            continue
        performance = (sum(scores) / len(scores)).quantize(Decimal("0.1"))
        out.append(
            Point(
                assessment.alliance,
                round(adopted[assessment.pk] / respondents),
                result.overall["ours"],
                performance,
                assessment.wave,
            )
        )
    return out


def chart(analysis: Analysis) -> dict:
    """Scatter data: practices adopted vs overall scorecard score, with the fitted line."""
    data = [
        {
            "value": [p.adopted, float(p.performance)],
            "name": p.alliance.name,
            "raw": {"url": p.alliance.get_absolute_url()},
        }
        for p in analysis.points
    ]
    line = []
    if analysis.slope is not None and analysis.points:
        xs = [p.adopted for p in analysis.points]
        line = [[x, round(analysis.intercept + analysis.slope * x, 2)] for x in (min(xs), max(xs))]
    return {"points": data, "line": line, "x": "Practices adopted", "y": "Scorecard score (0-100)"}
