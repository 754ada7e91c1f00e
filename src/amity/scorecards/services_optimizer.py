"""The portfolio optimizer over the database: read the engagement options of the alliances a user
may see, build the ``optimizer.Problem``, run it. Reads only; writes nothing.

An alliance takes part when it is visible, not archived and has at least one (non-archived)
``EngagementOption``; its options are the levels it may be run at (no exit option: it cannot be
exited). ``must_keep`` on any of its options keeps it (no exit). The option marked ``is_current``
is today's level; the comparison with today needs a current level for every alliance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from amity.alliances.models import Alliance, Tier

from . import optimizer
from .models import EngagementLevel, EngagementOption

LEVELS: tuple[str, ...] = optimizer.DEFAULT_LEVEL_ORDER
LEVEL_LABELS: dict[str, str] = dict(EngagementLevel.choices)
DEFAULT_BUDGET_STEP = Decimal(10000)

assert set(LEVELS) == set(EngagementLevel.values), "optimizer levels and EngagementLevel must agree"


@dataclass(frozen=True)
class Entry:
    """One alliance in the optimization: its options (most to least intensive) and today's level."""

    alliance: Alliance
    options: list[EngagementOption]
    current: EngagementOption | None
    must_keep: bool

    def option(self, level: str | None) -> EngagementOption | None:
        return next((o for o in self.options if o.level == level), None)


@dataclass(frozen=True)
class Portfolio:
    entries: list[Entry]
    without_options: list[Alliance]  # visible alliances not in the optimization
    warnings: list[str]  # data problems in plain words (missing / doubled current level)
    current_fte: Decimal  # of the alliances with a current level
    current_cost: Decimal
    current_value: Decimal
    current_counts: dict[str, int]

    @property
    def current_complete(self) -> bool:
        return bool(self.entries) and all(e.current is not None for e in self.entries)


@dataclass(frozen=True)
class LevelLimit:
    """At most how many alliances a level may hold, from the tiers run at that level."""

    level: str
    max_count: int | None  # None: no limit
    explanation: str


def tier_limits() -> dict[str, LevelLimit]:
    """The tiers' target counts summed per engagement level (``Tier.engagement_level``).

    A level is unlimited when no tier is run at it or one of its tiers has no target count.
    """
    tiers = list(Tier.objects.filter(archived_at__isnull=True).exclude(engagement_level="").order_by("rank"))
    limits = {}
    for level in LEVELS:
        mine = [t for t in tiers if t.engagement_level == level]
        if not mine:
            limits[level] = LevelLimit(level, None, "no tier is run at this level")
            continue
        parts = " + ".join(
            f"{t.name} {t.target_count}" if t.target_count is not None else f"{t.name} (no target)"
            for t in mine
        )
        if any(t.target_count is None for t in mine):
            limits[level] = LevelLimit(level, None, f"{parts}: no limit")
        else:
            total = sum(t.target_count for t in mine)
            limits[level] = LevelLimit(level, total, f"{parts} = {total}" if len(mine) > 1 else parts)
    return limits


def portfolio_options(*, user: Any) -> Portfolio:
    """The alliances ``user`` may see with their engagement options and today's allocation."""
    alliances = list(Alliance.objects.visible_to(user).active().exclude(stage="retired").order_by("name"))
    by_alliance: dict[int, list[EngagementOption]] = {}
    rank = {level: i for i, level in enumerate(LEVELS)}
    options = (
        EngagementOption.objects.visible_to(user)
        .active()
        .filter(alliance__in=[a.pk for a in alliances])
        .order_by("alliance_id", "pk")
    )
    for option in options:
        by_alliance.setdefault(option.alliance_id, []).append(option)

    entries, without, warnings = [], [], []
    for alliance in alliances:
        opts = sorted(by_alliance.get(alliance.pk, []), key=lambda o: rank.get(o.level, len(rank)))
        if not opts:
            without.append(alliance)
            continue
        currents = [o for o in opts if o.is_current]
        if not currents:
            warnings.append(f"{alliance.name} has no current level marked.")
        elif len(currents) > 1:
            warnings.append(
                f"{alliance.name} has {len(currents)} levels marked current "
                f"({', '.join(o.get_level_display() for o in currents)}); "
                f"{currents[0].get_level_display()} is taken as today's."
            )
        entries.append(
            Entry(alliance, opts, currents[0] if currents else None, any(o.must_keep for o in opts))
        )

    currents = [e.current for e in entries if e.current is not None]
    counts = {level: 0 for level in LEVELS}
    for option in currents:
        counts[option.level] = counts.get(option.level, 0) + 1
    return Portfolio(
        entries=entries,
        without_options=without,
        warnings=warnings,
        current_fte=sum((o.effort_fte for o in currents), Decimal(0)),
        current_cost=sum((o.cost for o in currents), Decimal(0)),
        current_value=sum((o.expected_value for o in currents), Decimal(0)),
        current_counts=counts,
    )


def build_problem(
    portfolio: Portfolio,
    *,
    capacity_fte: Decimal,
    budget: Decimal,
    max_per_level: Mapping[str, int | None] | None = None,
    budget_step: Decimal = DEFAULT_BUDGET_STEP,
) -> optimizer.Problem:
    """The optimizer's input from the portfolio's options and the limits the user chose."""
    alliances = [
        optimizer.Alliance(
            name=e.alliance.name,
            options=[
                optimizer.LevelOption(o.level, o.expected_value, o.effort_fte, o.cost) for o in e.options
            ],
            must_keep=e.must_keep,
        )
        for e in portfolio.entries
    ]
    targets = [
        optimizer.TierTarget(level, max_count=count)
        for level, count in (max_per_level or {}).items()
        if count is not None
    ]
    current = (
        {e.alliance.name: e.current.level for e in portfolio.entries if e.current is not None}
        if portfolio.current_complete
        else {}
    )
    return optimizer.Problem(
        alliances=alliances,
        capacity_fte=capacity_fte,
        budget=budget,
        targets=targets,
        current=current,
        budget_step=budget_step,
    )


@dataclass(frozen=True)
class Row:
    """An alliance of the result: today's and the recommended option, and the change in words."""

    entry: Entry
    current: EngagementOption | None
    recommended: EngagementOption | None
    change: optimizer.LevelChange | None

    @property
    def changed(self) -> bool:
        return (
            self.recommended is not None
            and self.current is not None
            and self.current.level != self.recommended.level
        )


@dataclass(frozen=True)
class Outcome:
    portfolio: Portfolio
    capacity_fte: Decimal
    budget: Decimal
    max_per_level: dict[str, int | None]
    budget_step: Decimal
    currency: str
    recommendation: optimizer.Recommendation | None  # None: no alliance has options
    rows: list[Row] = field(default_factory=list)
    recommended_counts: dict[str, int] = field(default_factory=dict)

    @property
    def shadow_prices(self) -> list[optimizer.ShadowPrice]:
        r = self.recommendation
        if r is None:
            return []
        return [s for s in (r.capacity_shadow_price, r.budget_shadow_price) if s is not None]


def run(
    *,
    user: Any,
    capacity_fte: Decimal | None = None,
    budget: Decimal | None = None,
    max_per_level: Mapping[str, int | None] | None = None,
    budget_step: Decimal | None = None,
    portfolio: Portfolio | None = None,
) -> Outcome:
    """Optimize the portfolio ``user`` sees. Capacity and budget default to today's allocation,
    the maximum count per level to the tiers' target counts (``tier_limits``; pass ``{}`` for none).

    Raises ``optimizer.OptimizerError`` (with ``field``) for malformed input.
    """
    portfolio = portfolio if portfolio is not None else portfolio_options(user=user)
    capacity = portfolio.current_fte if capacity_fte is None else capacity_fte
    money = portfolio.current_cost if budget is None else budget
    step = DEFAULT_BUDGET_STEP if budget_step is None else budget_step
    if max_per_level is None:
        max_per_level = {level: limit.max_count for level, limit in tier_limits().items()}
    limits = {level: max_per_level.get(level) for level in LEVELS}
    base = {
        "portfolio": portfolio,
        "capacity_fte": capacity,
        "budget": money,
        "max_per_level": limits,
        "budget_step": step,
        "currency": settings.AMITY_REPORTING_CURRENCY,
    }
    if not portfolio.entries:
        return Outcome(**base, recommendation=None)
    problem = build_problem(
        portfolio, capacity_fte=capacity, budget=money, max_per_level=limits, budget_step=step
    )
    recommendation = optimizer.optimize(problem, time_limit=20.0)
    changes = {c.alliance: c for c in recommendation.comparison.changes} if recommendation.comparison else {}
    rows = [
        Row(
            entry=e,
            current=e.current,
            recommended=e.option(recommendation.choices.get(e.alliance.name)),
            change=changes.get(e.alliance.name),
        )
        for e in portfolio.entries
    ]
    counts = (
        dict(recommendation.totals.level_counts)
        if recommendation.totals is not None
        else dict.fromkeys(LEVELS, 0)
    )
    return Outcome(
        **base,
        recommendation=recommendation,
        rows=rows,
        recommended_counts={lv: counts.get(lv, 0) for lv in LEVELS},
    )
