"""Portfolio optimizer: choose one engagement level per alliance to maximise expected value.

Pure computation, no Django. Money, value and FTE are ``Decimal`` at the boundary; the model is a
mixed-integer program solved with HiGHS (``highspy``)::

    maximise   sum_{a,l} value[a,l] * x[a,l]
    subject to sum_l x[a,l] = 1                         for every alliance a
               sum_{a,l} effort[a,l] * x[a,l] <= capacity (FTE)
               sum_{a,l} cost[a,l]   * x[a,l] <= budget
               min_l <= sum_a x[a,l] <= max_l           for every tier count target on level l
               x[a,l] = 0  for levels an alliance may not take (must-keep / minimum level / locked)
               x binary

Exactness: each knapsack row (and the objective) is scaled to integers (``10**places`` divided by the
gcd of the coefficients) unless that makes the numbers too large for doubles (about 1e15 in total), so HiGHS' feasibility tolerances cannot accept a
plan that is over capacity or budget by a hair, and an absolute gap of 0.5 proves exact optimality.
The returned totals are recomputed in ``Decimal`` from the chosen levels and checked again.

Shadow prices are *not* LP duals (meaningless for a MIP): the model is re-solved with capacity + 1 FTE
and budget + ``budget_step`` and the marginal value is the difference of the optimal objectives.

``brute_force`` enumerates every combination in ``Decimal``; it exists for tests on small portfolios.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import highspy
import numpy as np

__all__ = [
    "DEFAULT_LEVEL_ORDER",
    "Alliance",
    "Comparison",
    "LevelChange",
    "LevelOption",
    "OptimizerError",
    "Problem",
    "Recommendation",
    "ShadowPrice",
    "TierTarget",
    "Totals",
    "brute_force",
    "optimize",
    "validate",
]

DEFAULT_LEVEL_ORDER: tuple[str, ...] = ("strategic", "managed", "self-service", "exit")

OPTIMAL = "optimal"
INFEASIBLE = "infeasible"
TIME_LIMIT = "time_limit"

_MAX_EXACT = 2**50  # scaled integers above this are not exact enough as doubles
_MAX_CUTS = 20  # re-solves allowed to cut off plans HiGHS accepted within its tolerance


class OptimizerError(ValueError):
    """Bad input. ``field`` names the offending input (e.g. ``"effort_fte"``, ``"targets"``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --------------------------------------------------------------------------------------------- input


@dataclass(frozen=True)
class LevelOption:
    """One engagement level an alliance could be run at."""

    level: str
    value: Decimal  # expected value, e.g. expected annual gross margin (may be negative)
    effort_fte: Decimal  # alliance-management capacity it takes, >= 0
    cost: Decimal  # budget it takes, >= 0


@dataclass(frozen=True)
class Alliance:
    name: str
    options: Sequence[LevelOption]
    must_keep: bool = False  # may not be put on the exit level
    min_level: str | None = None  # at least this level (in ``Problem.level_order``); implies must-keep
    locked_level: str | None = None  # fixed at this level


@dataclass(frozen=True)
class TierTarget:
    """How many alliances may (max) / must (min) be run at ``level``."""

    level: str
    max_count: int | None = None
    min_count: int = 0


@dataclass(frozen=True)
class Problem:
    alliances: Sequence[Alliance]
    capacity_fte: Decimal
    budget: Decimal
    targets: Sequence[TierTarget] = ()
    current: Mapping[str, str] = field(default_factory=dict)  # alliance name -> level today (all or none)
    level_order: Sequence[str] = DEFAULT_LEVEL_ORDER  # most to least intensive; ranks ``min_level``
    exit_level: str = "exit"
    capacity_step: Decimal = Decimal(1)  # shadow price of capacity: value of this many more FTE
    budget_step: Decimal = Decimal(10000)  # shadow price of budget: value of this much more budget


# -------------------------------------------------------------------------------------------- output


@dataclass(frozen=True)
class Totals:
    value: Decimal
    fte: Decimal
    cost: Decimal
    capacity_fte: Decimal
    budget: Decimal
    fte_slack: Decimal
    budget_slack: Decimal
    level_counts: dict[str, int]


@dataclass(frozen=True)
class LevelChange:
    alliance: str
    from_level: str
    to_level: str
    value_delta: Decimal  # recommended minus current
    fte_delta: Decimal
    cost_delta: Decimal
    explanation: str  # "Lumen: managed → self-service frees 0.3 FTE, loses 40,000 value"


@dataclass(frozen=True)
class Comparison:
    """The recommendation against the current allocation."""

    current_value: Decimal
    current_fte: Decimal
    current_cost: Decimal
    current_feasible: bool
    current_violations: tuple[str, ...]  # plain words: which rules today's allocation breaks
    value_gained: Decimal
    fte_delta: Decimal
    cost_delta: Decimal
    changes: tuple[LevelChange, ...]
    unchanged: tuple[str, ...]


@dataclass(frozen=True)
class ShadowPrice:
    """What ``step`` more of a resource is worth, by re-solving the MIP with the larger limit."""

    resource: str  # "capacity" | "budget"
    step: Decimal
    limit: Decimal
    resolved_limit: Decimal
    base_objective: Decimal
    resolved_objective: Decimal
    marginal_value: Decimal  # resolved_objective - base_objective (>= 0)
    resolved_choices: dict[str, str]
    explanation: str


@dataclass(frozen=True)
class Recommendation:
    status: str  # "optimal" | "infeasible" | "time_limit"
    explanation: str
    choices: dict[str, str] = field(default_factory=dict)
    totals: Totals | None = None
    comparison: Comparison | None = None
    capacity_shadow_price: ShadowPrice | None = None
    budget_shadow_price: ShadowPrice | None = None
    # infeasible only: "capacity" | "budget" | "capacity+budget" | "targets" | "alliance"
    binding_constraint: str | None = None
    culprits: tuple[str, ...] = ()  # alliance names (or target levels for "targets")


# ---------------------------------------------------------------------------------------- validation


def _check_number(value: object, field_name: str, what: str, *, allow_negative: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise OptimizerError(field_name, f"{what} must be a Decimal (got {type(value).__name__} {value!r})")
    if isinstance(value, Decimal) and not value.is_finite():
        raise OptimizerError(field_name, f"{what} must be a finite number (got {value})")
    if not allow_negative and value < 0:
        raise OptimizerError(field_name, f"{what} cannot be negative (got {value})")


def validate(problem: Problem) -> None:
    """Raise ``OptimizerError`` (with ``field``) for input that is malformed, rather than merely infeasible."""
    order = list(problem.level_order)
    if len(set(order)) != len(order):
        raise OptimizerError("level_order", "level_order lists a level twice")
    known = set(order)
    if not problem.alliances:
        raise OptimizerError("alliances", "There are no alliances to optimise")
    _check_number(problem.capacity_fte, "capacity_fte", "Capacity (FTE)")
    _check_number(problem.budget, "budget", "Budget")
    _check_number(problem.capacity_step, "capacity_step", "Capacity step")
    _check_number(problem.budget_step, "budget_step", "Budget step")
    if problem.capacity_step <= 0:
        raise OptimizerError("capacity_step", "Capacity step must be positive")
    if problem.budget_step <= 0:
        raise OptimizerError("budget_step", "Budget step must be positive")

    names: set[str] = set()
    for alliance in problem.alliances:
        if not alliance.name:
            raise OptimizerError("alliances", "An alliance has no name")
        if alliance.name in names:
            raise OptimizerError("alliances", f"Alliance {alliance.name!r} is listed twice")
        names.add(alliance.name)
        if not alliance.options:
            raise OptimizerError("levels", f"{alliance.name} has no engagement levels to choose from")
        levels: set[str] = set()
        for option in alliance.options:
            if option.level not in known:
                raise OptimizerError(
                    "levels", f"{alliance.name}: unknown level {option.level!r} (known: {', '.join(order)})"
                )
            if option.level in levels:
                raise OptimizerError("levels", f"{alliance.name} offers level {option.level!r} twice")
            levels.add(option.level)
            label = f"{alliance.name} at {option.level}"
            _check_number(option.value, "value", f"Value of {label}", allow_negative=True)
            _check_number(option.effort_fte, "effort_fte", f"Effort (FTE) of {label}")
            _check_number(option.cost, "cost", f"Cost of {label}")
        if alliance.min_level is not None and alliance.min_level not in levels:
            raise OptimizerError(
                "min_level", f"{alliance.name}: minimum level {alliance.min_level!r} is not one of its levels"
            )
        if alliance.locked_level is not None and alliance.locked_level not in levels:
            raise OptimizerError(
                "locked_level",
                f"{alliance.name}: locked level {alliance.locked_level!r} is not one of its levels",
            )

    seen_targets: set[str] = set()
    for target in problem.targets:
        if target.level not in known:
            raise OptimizerError("targets", f"Tier target for unknown level {target.level!r}")
        if target.level in seen_targets:
            raise OptimizerError("targets", f"Two tier targets for level {target.level!r}")
        seen_targets.add(target.level)
        for count, label in ((target.min_count, "minimum"), (target.max_count, "maximum")):
            if count is None:
                continue
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise OptimizerError(
                    "targets", f"Tier target {target.level!r}: {label} count must be a whole number >= 0"
                )
        if target.max_count is not None and target.max_count < target.min_count:
            raise OptimizerError(
                "targets",
                f"Tier target {target.level!r}: at least {target.min_count} but at most {target.max_count}",
            )

    if problem.current:
        by_name = {a.name: a for a in problem.alliances}
        for name, level in problem.current.items():
            if name not in by_name:
                raise OptimizerError("current", f"Current allocation names an unknown alliance {name!r}")
            if level not in {o.level for o in by_name[name].options}:
                raise OptimizerError("current", f"Current allocation: {name} has no level {level!r}")
        missing = [a.name for a in problem.alliances if a.name not in problem.current]
        if missing:
            raise OptimizerError("current", f"Current allocation does not cover: {', '.join(missing)}")


# ------------------------------------------------------------------------------------------ helpers


def _fmt(d: Decimal | int) -> str:
    """40000 -> '40,000'; 0.30 -> '0.3'."""
    d = Decimal(d)
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1)):,}"
    return f"{d.normalize():,f}"


def _allowed(problem: Problem, alliance: Alliance) -> list[int]:
    """Indices of the options the alliance may take under must-keep / minimum level / lock."""
    rank = {level: i for i, level in enumerate(problem.level_order)}
    keep = alliance.must_keep or alliance.min_level is not None
    out = []
    for i, option in enumerate(alliance.options):
        if keep and option.level == problem.exit_level:
            continue
        if alliance.min_level is not None and rank[option.level] > rank[alliance.min_level]:
            continue
        if alliance.locked_level is not None and option.level != alliance.locked_level:
            continue
        out.append(i)
    return out


def _rule(problem: Problem, alliance: Alliance) -> str:
    parts = []
    if alliance.locked_level is not None:
        parts.append(f"locked at {alliance.locked_level}")
    if alliance.min_level is not None:
        parts.append(f"at least {alliance.min_level}")
    elif alliance.must_keep:
        parts.append("must keep")
    return ", ".join(parts)


def _integer_row(coefficients: Sequence[Decimal]) -> tuple[list[float], Decimal, bool]:
    """Scale coefficients to (small) integers: returns (floats, factor, exact). ``row * factor`` is integral."""
    nonzero = [Decimal(c) for c in coefficients if c != 0]
    if not nonzero:
        return [0.0] * len(coefficients), Decimal(1), True
    places = max(max(0, -c.normalize().as_tuple().exponent) for c in nonzero)
    power = Decimal(10) ** places
    ints = [int(Decimal(c) * power) for c in coefficients]
    g = 0
    for i in ints:
        g = math.gcd(g, i)
    ints = [i // g for i in ints]
    if max(abs(i) for i in ints) * len(ints) < _MAX_EXACT:
        return [float(i) for i in ints], power / g, True
    return [float(c) for c in coefficients], Decimal(1), False


@dataclass
class _Model:
    """Column data for the allowed (alliance, option) pairs, reusable across re-solves."""

    problem: Problem
    cols: list[tuple[int, int]]  # (alliance index, option index)
    value: list[float]
    value_exact: bool
    effort: list[float]
    effort_factor: Decimal
    effort_exact: bool
    cost: list[float]
    cost_factor: Decimal
    cost_exact: bool


def _build(problem: Problem) -> _Model:
    cols = [(a, i) for a, alliance in enumerate(problem.alliances) for i in _allowed(problem, alliance)]
    opts = [problem.alliances[a].options[i] for a, i in cols]
    value, _, value_exact = _integer_row([o.value for o in opts])
    effort, effort_factor, effort_exact = _integer_row([o.effort_fte for o in opts])
    cost, cost_factor, cost_exact = _integer_row([o.cost for o in opts])
    return _Model(
        problem, cols, value, value_exact, effort, effort_factor, effort_exact, cost, cost_factor, cost_exact
    )


def _rhs(limit: Decimal, factor: Decimal, exact: bool) -> float:
    if exact:
        return float(math.floor(Decimal(limit) * factor))  # integer row: floor keeps exactly the same plans
    return float(limit)


@dataclass
class _Solve:
    status: str
    picks: list[int] | None  # option index per alliance


def _solve(
    model: _Model,
    *,
    objective: str = "value",  # "value" (maximise) | "effort" | "cost" (minimise) | "none"
    capacity: Decimal | None = None,  # None: no capacity row
    budget: Decimal | None = None,  # None: no budget row
    targets: Sequence[TierTarget] = (),
    time_limit: float = 60.0,
    start: Sequence[int] | None = None,  # a known feasible plan (option index per alliance) to start from
    exclude: Sequence[Sequence[int]] = (),  # plans (option index per alliance) that must not be returned
) -> _Solve:
    problem = model.problem
    n = len(problem.alliances)
    ncol = len(model.cols)
    target_row = {t.level: n + 2 + k for k, t in enumerate(targets)}
    nrow = n + 2 + len(targets)
    inf = highspy.kHighsInf

    starts = [0]
    index: list[int] = []
    values: list[float] = []
    for j, (a, i) in enumerate(model.cols):
        index.append(a)
        values.append(1.0)
        if model.effort[j]:
            index.append(n)
            values.append(model.effort[j])
        if model.cost[j]:
            index.append(n + 1)
            values.append(model.cost[j])
        row = target_row.get(problem.alliances[a].options[i].level)
        if row is not None:
            index.append(row)
            values.append(1.0)
        starts.append(len(index))

    row_lower = [1.0] * n + [-inf, -inf]
    row_upper = [1.0] * n
    row_upper.append(inf if capacity is None else _rhs(capacity, model.effort_factor, model.effort_exact))
    row_upper.append(inf if budget is None else _rhs(budget, model.cost_factor, model.cost_exact))
    for t in targets:
        row_lower.append(float(t.min_count))
        row_upper.append(inf if t.max_count is None else float(t.max_count))

    costs = {"value": model.value, "effort": model.effort, "cost": model.cost}.get(objective, [0.0] * ncol)
    integral = {"value": model.value_exact, "effort": model.effort_exact, "cost": model.cost_exact}.get(
        objective, True
    )

    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = nrow
    lp.col_cost_ = np.asarray(costs, dtype=np.float64)
    lp.col_lower_ = np.zeros(ncol)
    lp.col_upper_ = np.ones(ncol)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = ncol
    lp.a_matrix_.num_row_ = nrow
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(values, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * ncol
    lp.sense_ = highspy.ObjSense.kMaximize if objective == "value" else highspy.ObjSense.kMinimize

    h = highspy.Highs()
    for name, val in (
        ("output_flag", False),
        ("log_to_console", False),
        ("threads", 1),
        ("parallel", "off"),
        ("random_seed", 0),
        ("mip_rel_gap", 0.0),
        # With an integer objective a gap below 1 proves optimality; otherwise stay tight.
        ("mip_abs_gap", 0.5 if integral else 1e-9),
        ("time_limit", float(time_limit)),
    ):
        h.setOptionValue(name, val)
    if h.passModel(lp) == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the model")
    column = {col: j for j, col in enumerate(model.cols)}
    for plan in exclude:  # no-good cut: at most n - 1 of this plan's choices
        cols = np.asarray(sorted(column[(a, i)] for a, i in enumerate(plan)), dtype=np.int32)
        h.addRow(-inf, float(n - 1), len(cols), cols, np.ones(len(cols)))
    if start is not None:
        picked = {(a, i) for a, i in enumerate(start)}
        x0 = np.asarray([1.0 if col in picked else 0.0 for col in model.cols])
        h.setSolution(ncol, np.arange(ncol, dtype=np.int32), x0)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return _Solve(INFEASIBLE, None)
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
        if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            return _Solve(INFEASIBLE, None)  # cannot be unbounded: every variable is in [0, 1]
        raise RuntimeError(f"HiGHS stopped with model status {h.modelStatusToString(status)}")
    x = h.getSolution().col_value
    if status == highspy.HighsModelStatus.kTimeLimit and not h.getSolution().value_valid:
        return _Solve(TIME_LIMIT, None)
    picks = [-1] * n
    for j, (a, i) in enumerate(model.cols):
        if x[j] > 0.5:
            picks[a] = i
    if -1 in picks:
        raise RuntimeError("HiGHS returned a plan that leaves an alliance without a level")
    return _Solve(OPTIMAL if status == highspy.HighsModelStatus.kOptimal else TIME_LIMIT, picks)


def _sum(problem: Problem, picks: Sequence[int], attr: str) -> Decimal:
    return sum(
        (Decimal(getattr(a.options[i], attr)) for a, i in zip(problem.alliances, picks, strict=True)),
        Decimal(0),
    )


def _violations(problem: Problem, picks: Sequence[int], capacity: Decimal, budget: Decimal) -> list[str]:
    """Plain-words list of the rules a plan breaks (empty: feasible). Exact, in Decimal."""
    out = []
    for alliance, i in zip(problem.alliances, picks, strict=True):
        if i not in _allowed(problem, alliance):
            out.append(
                f"{alliance.name} at {alliance.options[i].level} breaks its rule ({_rule(problem, alliance)})"
            )
    fte = _sum(problem, picks, "effort_fte")
    if fte > capacity:
        out.append(f"needs {_fmt(fte)} FTE, capacity is {_fmt(capacity)}")
    cost = _sum(problem, picks, "cost")
    if cost > budget:
        out.append(f"costs {_fmt(cost)}, budget is {_fmt(budget)}")
    counts = _counts(problem, picks)
    for t in problem.targets:
        c = counts.get(t.level, 0)
        if c < t.min_count:
            out.append(f"{c} {t.level} alliances, at least {t.min_count} required")
        if t.max_count is not None and c > t.max_count:
            out.append(f"{c} {t.level} alliances, at most {t.max_count} allowed")
    return out


def _counts(problem: Problem, picks: Sequence[int]) -> dict[str, int]:
    counts = dict.fromkeys(problem.level_order, 0)
    for alliance, i in zip(problem.alliances, picks, strict=True):
        counts[alliance.options[i].level] += 1
    return counts


def _choices(problem: Problem, picks: Sequence[int]) -> dict[str, str]:
    return {a.name: a.options[i].level for a, i in zip(problem.alliances, picks, strict=True)}


def _best(
    model: _Model, capacity: Decimal, budget: Decimal, time_limit: float, start: Sequence[int] | None = None
) -> _Solve:
    problem = model.problem
    # HiGHS accepts rows within a tolerance; with very large integer-scaled rows (around 1e12) that can let
    # a plan over the limit by one unit through. Such a plan is cut off exactly and the model re-solved.
    excluded: list[list[int]] = []
    for _ in range(_MAX_CUTS + 1):
        result = _solve(
            model,
            capacity=capacity,
            budget=budget,
            targets=problem.targets,
            time_limit=time_limit,
            start=start,
            exclude=excluded,
        )
        if result.picks is None or not _violations(problem, result.picks, capacity, budget):
            return result
        excluded.append(result.picks)
    broken = _violations(problem, excluded[-1], capacity, budget)
    raise RuntimeError("HiGHS keeps returning plans that break a rule: " + "; ".join(broken))


# ------------------------------------------------------------------------------------ infeasibility


def _explain_infeasible(problem: Problem, model: _Model, time_limit: float) -> Recommendation:
    """Find, in a fixed order, the first constraint that cannot be met and say so in plain words."""
    alliances = problem.alliances
    allowed = [_allowed(problem, a) for a in alliances]

    # 1. An alliance whose own rules exclude every level (e.g. locked at exit but must keep).
    stuck = [a for a, ok in zip(alliances, allowed, strict=True) if not ok]
    if stuck:
        details = "; ".join(f"{a.name} ({_rule(problem, a)})" for a in stuck)
        return Recommendation(
            INFEASIBLE,
            f"No level satisfies the rules for {details}: the lock and the must-keep/minimum level contradict each other.",
            binding_constraint="alliance",
            culprits=tuple(a.name for a in stuck),
        )

    # 2./3. Minimum effort (then cost) at each alliance's lightest allowed level vs the limit;
    # must-keep and locked alliances are named first: they are what the limit cannot carry.
    for attr, limit, resource, unit in (
        ("effort_fte", problem.capacity_fte, "capacity", "FTE"),
        ("cost", problem.budget, "budget", "budget"),
    ):
        floors = []
        for alliance, ok in zip(alliances, allowed, strict=True):
            i = min(ok, key=lambda i, a=alliance: getattr(a.options[i], attr))
            floors.append((Decimal(getattr(alliance.options[i], attr)), alliance, alliance.options[i].level))
        need = sum((f for f, _, _ in floors), Decimal(0))
        if need > limit:
            fixed = [f for f in floors if f[0] > 0 and _rule(problem, f[1])]
            others = [f for f in floors if f[0] > 0 and not _rule(problem, f[1])]
            fixed.sort(key=lambda f: -f[0])
            others.sort(key=lambda f: -f[0])
            named = fixed + others
            listing = ", ".join(
                f"{a.name} {_fmt(f)} at {lvl}" + (f" ({_rule(problem, a)})" if _rule(problem, a) else "")
                for f, a, lvl in named
            )
            limit_text = f"capacity is {_fmt(limit)} FTE" if unit == "FTE" else f"the budget is {_fmt(limit)}"
            who = "The must-keep and locked alliances" if not others else "The alliances"
            return Recommendation(
                INFEASIBLE,
                f"{who} need at least {_fmt(need)} {unit} even at their lightest allowed level "
                f"({listing}), but {limit_text}: short by {_fmt(need - limit)}.",
                binding_constraint=resource,
                culprits=tuple(a.name for _, a, _ in named),
            )

    # 4. The tier count targets on their own (levels per alliance only).
    if problem.targets and _solve(model, objective="none", targets=problem.targets).status == INFEASIBLE:
        return _explain_targets(problem, model, allowed)

    # 5./6. Targets together with one limit at a time: the cheapest way to meet the targets.
    for objective, attr, limit, resource, unit in (
        (
            ("effort", "effort_fte", problem.capacity_fte, "capacity", "FTE"),
            ("cost", "cost", problem.budget, "budget", "budget"),
        )
        if problem.targets
        else ()
    ):
        low = _solve(model, objective=objective, targets=problem.targets, time_limit=time_limit)
        if low.picks is None:  # only on a time limit: the targets alone were shown feasible above
            continue
        need = _sum(problem, low.picks, attr)
        if need > limit:
            limit_text = f"capacity is {_fmt(limit)} FTE" if unit == "FTE" else f"the budget is {_fmt(limit)}"
            goals = _target_text(problem.targets)
            return Recommendation(
                INFEASIBLE,
                f"Meeting the tier targets ({goals}) with the must-keep rules needs at least {_fmt(need)} {unit}, "
                f"but {limit_text}: short by {_fmt(need - limit)}.",
                binding_constraint=resource,
                culprits=tuple(t.level for t in problem.targets if t.min_count > 0),
            )

    # 7. Each limit can be met, but not both at once.
    low = _solve(
        model, objective="cost", capacity=problem.capacity_fte, targets=problem.targets, time_limit=time_limit
    )
    cheapest = _sum(problem, low.picks, "cost") if low.picks is not None else None
    detail = (
        f"the cheapest plan within {_fmt(problem.capacity_fte)} FTE costs {_fmt(cheapest)}"
        if cheapest is not None
        else "no plan fits the capacity"
    )
    return Recommendation(
        INFEASIBLE,
        f"Capacity and budget cannot both be met: {detail}, over the budget of {_fmt(problem.budget)}.",
        binding_constraint="capacity+budget",
    )


def _target_text(targets: Sequence[TierTarget]) -> str:
    parts = []
    for t in targets:
        if t.min_count and t.max_count is not None:
            parts.append(f"{t.min_count}–{t.max_count} {t.level}")
        elif t.min_count:
            parts.append(f"at least {t.min_count} {t.level}")
        elif t.max_count is not None:
            parts.append(f"at most {t.max_count} {t.level}")
    return ", ".join(parts) or "none"


def _explain_targets(problem: Problem, model: _Model, allowed: list[list[int]]) -> Recommendation:
    alliances = problem.alliances
    n = len(alliances)
    for t in problem.targets:
        able = [
            a.name
            for a, ok in zip(alliances, allowed, strict=True)
            if any(a.options[i].level == t.level for i in ok)
        ]
        if t.min_count > len(able):
            return Recommendation(
                INFEASIBLE,
                f"At least {t.min_count} {t.level} alliances are required, but only {len(able)} can be {t.level}"
                + (f" ({', '.join(able)})." if able else "."),
                binding_constraint="targets",
                culprits=(t.level,),
            )
        forced = [
            a.name
            for a, ok in zip(alliances, allowed, strict=True)
            if all(a.options[i].level == t.level for i in ok)
        ]
        if t.max_count is not None and len(forced) > t.max_count:
            return Recommendation(
                INFEASIBLE,
                f"At most {t.max_count} {t.level} alliances are allowed, but {len(forced)} can only be {t.level} "
                f"({', '.join(forced)}).",
                binding_constraint="targets",
                culprits=(t.level,),
            )
    total_min = sum(t.min_count for t in problem.targets)
    if total_min > n:
        return Recommendation(
            INFEASIBLE,
            f"The tier minimums add up to {total_min} alliances ({_target_text(problem.targets)}), "
            f"but there are only {n}.",
            binding_constraint="targets",
            culprits=tuple(t.level for t in problem.targets if t.min_count),
        )
    # Otherwise: the targets that, dropped on their own, make the counts work.
    culprits = tuple(
        t.level
        for k, t in enumerate(problem.targets)
        if _solve(model, objective="none", targets=[*problem.targets[:k], *problem.targets[k + 1 :]]).status
        != INFEASIBLE
    )
    return Recommendation(
        INFEASIBLE,
        f"The tier targets ({_target_text(problem.targets)}) cannot all be met with the alliances' levels and "
        "must-keep rules"
        + (f"; relaxing the {' or '.join(culprits)} target would fix it." if culprits else "."),
        binding_constraint="targets",
        culprits=culprits,
    )


# ------------------------------------------------------------------------------------- main entry


def _change_text(name: str, old: str, new: str, dv: Decimal, df: Decimal, dc: Decimal) -> str:
    parts = []
    if df < 0:
        parts.append(f"frees {_fmt(-df)} FTE")
    elif df > 0:
        parts.append(f"takes {_fmt(df)} more FTE")
    if dc < 0:
        parts.append(f"saves {_fmt(-dc)} budget")
    elif dc > 0:
        parts.append(f"costs {_fmt(dc)} more budget")
    if dv < 0:
        parts.append(f"loses {_fmt(-dv)} value")
    elif dv > 0:
        parts.append(f"gains {_fmt(dv)} value")
    return f"{name}: {old} → {new} " + (
        ", ".join(parts) if parts else "changes neither FTE, budget nor value"
    )


def _compare(problem: Problem, picks: list[int]) -> Comparison:
    current = [
        next(i for i, o in enumerate(a.options) if o.level == problem.current[a.name])
        for a in problem.alliances
    ]
    changes, unchanged = [], []
    for alliance, old, new in zip(problem.alliances, current, picks, strict=True):
        if old == new:
            unchanged.append(alliance.name)
            continue
        o, n = alliance.options[old], alliance.options[new]
        dv = Decimal(n.value) - Decimal(o.value)
        df = Decimal(n.effort_fte) - Decimal(o.effort_fte)
        dc = Decimal(n.cost) - Decimal(o.cost)
        changes.append(
            LevelChange(
                alliance.name,
                o.level,
                n.level,
                dv,
                df,
                dc,
                _change_text(alliance.name, o.level, n.level, dv, df, dc),
            )
        )
    violations = _violations(problem, current, problem.capacity_fte, problem.budget)
    cur_value = _sum(problem, current, "value")
    cur_fte = _sum(problem, current, "effort_fte")
    cur_cost = _sum(problem, current, "cost")
    return Comparison(
        current_value=cur_value,
        current_fte=cur_fte,
        current_cost=cur_cost,
        current_feasible=not violations,
        current_violations=tuple(violations),
        value_gained=_sum(problem, picks, "value") - cur_value,
        fte_delta=_sum(problem, picks, "effort_fte") - cur_fte,
        cost_delta=_sum(problem, picks, "cost") - cur_cost,
        changes=tuple(changes),
        unchanged=tuple(unchanged),
    )


def _shadow(
    model: _Model, resource: str, base: Decimal, step: Decimal, time_limit: float, picks: list[int]
) -> ShadowPrice | None:
    problem = model.problem
    capacity, budget = Decimal(problem.capacity_fte), Decimal(problem.budget)
    if resource == "capacity":
        limit, capacity = capacity, capacity + step
    else:
        limit, budget = budget, budget + step
    result = _best(model, capacity, budget, time_limit, start=picks)  # today's optimum is still feasible
    if result.status != OPTIMAL or result.picks is None:
        return None
    resolved = _sum(problem, result.picks, "value")
    marginal = resolved - base
    what = f"{_fmt(step)} more FTE" if resource == "capacity" else f"{_fmt(step)} more budget"
    return ShadowPrice(
        resource=resource,
        step=Decimal(step),
        limit=limit,
        resolved_limit=limit + step,
        base_objective=base,
        resolved_objective=resolved,
        marginal_value=marginal,
        resolved_choices=_choices(problem, result.picks),
        explanation=f"{what} ({_fmt(limit)} → {_fmt(limit + step)}) is worth {_fmt(marginal)} "
        f"(best value {_fmt(base)} → {_fmt(resolved)}).",
    )


def optimize(problem: Problem, *, shadow_prices: bool = True, time_limit: float = 60.0) -> Recommendation:
    """Choose one level per alliance maximising total expected value; see the module docstring."""
    validate(problem)
    model = _build(problem)
    capacity, budget = Decimal(problem.capacity_fte), Decimal(problem.budget)
    if any(not _allowed(problem, a) for a in problem.alliances):
        return _explain_infeasible(problem, model, time_limit)
    result = _best(model, capacity, budget, time_limit)
    if result.status == INFEASIBLE:
        return _explain_infeasible(problem, model, time_limit)
    if result.picks is None:
        return Recommendation(TIME_LIMIT, f"No plan was found within the time limit of {time_limit:g} s.")

    picks = result.picks
    value = _sum(problem, picks, "value")
    fte = _sum(problem, picks, "effort_fte")
    cost = _sum(problem, picks, "cost")
    totals = Totals(
        value=value,
        fte=fte,
        cost=cost,
        capacity_fte=capacity,
        budget=budget,
        fte_slack=capacity - fte,
        budget_slack=budget - cost,
        level_counts=_counts(problem, picks),
    )
    proven = result.status == OPTIMAL
    explanation = (
        f"{'Best' if proven else 'Best found (time limit reached, not proven optimal)'} plan: value {_fmt(value)}, "
        f"using {_fmt(fte)} of {_fmt(capacity)} FTE and {_fmt(cost)} of {_fmt(budget)} budget."
    )
    return Recommendation(
        status=result.status,
        explanation=explanation,
        choices=_choices(problem, picks),
        totals=totals,
        comparison=_compare(problem, picks) if problem.current else None,
        capacity_shadow_price=_shadow(
            model, "capacity", value, Decimal(problem.capacity_step), time_limit, picks
        )
        if shadow_prices and proven
        else None,
        budget_shadow_price=_shadow(model, "budget", value, Decimal(problem.budget_step), time_limit, picks)
        if shadow_prices and proven
        else None,
    )


# ------------------------------------------------------------------------------------- brute force


def brute_force(
    problem: Problem, *, max_combinations: int = 2_000_000
) -> tuple[Decimal, dict[str, str]] | None:
    """Enumerate every combination (tests only). Returns (best value, choices) or None if infeasible.

    Deliberately independent of the MIP code: rules are checked directly on each combination, in Decimal.
    """
    validate(problem)
    alliances = problem.alliances
    total = math.prod(len(a.options) for a in alliances)
    if total > max_combinations:
        raise OptimizerError("alliances", f"{total} combinations are too many to enumerate")
    rank = {level: i for i, level in enumerate(problem.level_order)}
    best: tuple[Decimal, dict[str, str]] | None = None
    for combo in itertools.product(*(a.options for a in alliances)):
        ok = True
        for alliance, option in zip(alliances, combo, strict=True):
            keep = alliance.must_keep or alliance.min_level is not None
            if (
                (keep and option.level == problem.exit_level)
                or (alliance.min_level is not None and rank[option.level] > rank[alliance.min_level])
                or (alliance.locked_level is not None and option.level != alliance.locked_level)
            ):
                ok = False
                break
        if not ok:
            continue
        if sum((Decimal(o.effort_fte) for o in combo), Decimal(0)) > problem.capacity_fte:
            continue
        if sum((Decimal(o.cost) for o in combo), Decimal(0)) > problem.budget:
            continue
        for t in problem.targets:
            c = sum(1 for o in combo if o.level == t.level)
            if c < t.min_count or (t.max_count is not None and c > t.max_count):
                ok = False
                break
        if not ok:
            continue
        value = sum((Decimal(o.value) for o in combo), Decimal(0))
        if best is None or value > best[0]:
            best = (value, {a.name: o.level for a, o in zip(alliances, combo, strict=True)})
    return best
