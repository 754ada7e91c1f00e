"""Business-case builder for an alliance: the pure computation core.

No Django models, no views: plain Python, ``decimal.Decimal`` at the API boundary and numpy for
the Monte Carlo simulation. Every reported number can be traced back to a formula written down
in this module (and :func:`explain` / :func:`explain_cash_flows` spell the formulas out with the
case's own numbers), so a business case is never a black box.

Conventions
-----------
* A :class:`Case` holds one :class:`Year` per period ``t = 0 .. N``. Year 0 is "now" and is not
  discounted; year ``t`` is discounted by ``(1 + r)^t``.
* Money is ``Decimal``. Inputs are taken as given; every *reported* amount is rounded half-up
  (ties away from zero) to cents. Rounding happens once, at the end of a calculation - the
  net cash flow of each year is the one exception: it is rounded to cents first, because that is
  the number the user sees in the table, and everything downstream (NPV, IRR, payback) is
  computed from exactly those shown numbers.
* Rates are percent per year (``Decimal("8")`` means 8 %).
* NPV and payback of a deterministic case are computed *exactly* with rational arithmetic
  (:class:`fractions.Fraction`), so they are reproducible to the cent on every machine. Only the
  IRR (a root of a polynomial) and the Monte Carlo simulation use floating point.
* The discounting convention is the same as ``numpy_financial.npv`` (which, unlike Excel's
  ``NPV()``, does not discount the first value): ``NPV = sum(flow_t / (1 + r)^t, t = 0 .. N)``.

Invalid input raises :class:`CaseError` (a ``ValueError``) whose ``field`` names the offending
field the way a form would, e.g. ``"years[2].costs"``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_MC_SPREADS",
    "DEFAULT_SCENARIO_MULTIPLIERS",
    "DRIVERS",
    "MAX_DISCOUNT_RATE",
    "MAX_YEARS",
    "Case",
    "CaseError",
    "CaseResult",
    "MonteCarloResult",
    "ScenarioResult",
    "Scenarios",
    "TornadoBar",
    "Year",
    "case_from_dict",
    "discounted_payback",
    "evaluate",
    "explain",
    "explain_cash_flows",
    "irr",
    "irr_roots",
    "monte_carlo",
    "npv",
    "payback",
    "scenarios",
    "sensitivity",
    "sign_changes",
]

CENT = Decimal("0.01")
MAX_YEARS = 50
"""A case holds at most this many :class:`Year` entries (year 0 .. year 49)."""
MIN_DISCOUNT_RATE = Decimal("-100")
"""Exclusive lower bound of the discount rate: at -100 % the discount factor ``1 + r`` is 0."""
MAX_DISCOUNT_RATE = Decimal("1000")
"""Inclusive upper bound of the discount rate of a case (percent per year)."""

#: The drivers a scenario or the Monte Carlo simulation can scale. ``margin`` is capped at 100 %.
DRIVERS: tuple[str, ...] = ("revenue_uplift", "margin", "costs", "investment")

DRIVER_LABELS: dict[str, str] = {
    "revenue_uplift": "Revenue uplift",
    "margin": "Gross margin",
    "costs": "Running costs",
    "investment": "Investment",
    "discount_rate": "Discount rate",
}

#: Scenario multipliers per driver (data, not code). A driver not listed keeps its base value (x 1).
DEFAULT_SCENARIO_MULTIPLIERS: dict[str, dict[str, Decimal]] = {
    "worst": {"revenue_uplift": Decimal("0.7"), "costs": Decimal("1.15"), "investment": Decimal("1.1")},
    "base": {},
    "best": {"revenue_uplift": Decimal("1.2"), "costs": Decimal("0.95")},
}

#: Monte Carlo spreads per driver, as a fraction: 0.30 means the driver varies between -30 % and +30 %.
DEFAULT_MC_SPREADS: dict[str, float] = {"revenue_uplift": 0.30, "costs": 0.15, "investment": 0.10}


# --------------------------------------------------------------------------------------------------
# Errors and small helpers
# --------------------------------------------------------------------------------------------------


class CaseError(ValueError):
    """Invalid business-case input. ``field`` names the bad field, e.g. ``"years[2].costs"``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def prefixed(self, prefix: str) -> CaseError:
        """The same error with ``prefix`` put in front of the field (``costs`` -> ``years[2].costs``)."""
        return CaseError(f"{prefix}.{self.field}", self.message)


def _to_decimal(value: Any, field_name: str) -> Decimal:
    """``value`` as a finite Decimal. Floats go through ``str`` so ``0.1`` becomes ``Decimal("0.1")``."""
    if isinstance(value, bool):
        raise CaseError(field_name, "must be a number")
    if isinstance(value, float):
        value = str(value)
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise CaseError(field_name, f"must be a number, not {value!r}") from None
    if not result.is_finite():
        raise CaseError(field_name, "must be a finite number")
    return result


def _round_fraction(value: Fraction, places: int = 2) -> Decimal:
    """An exact rational rounded half-up (ties away from zero) to ``places`` decimals.

    Pure integer arithmetic, so there is no intermediate rounding: ``|value| * 10^places + 1/2``
    is floored and the sign put back.
    """
    scaled = abs(value) * 10**places
    rounded = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(-rounded if value < 0 else rounded).scaleb(-places)


def _money(value: Decimal | Fraction) -> Decimal:
    """Round an amount half-up to cents."""
    return _round_fraction(Fraction(value), 2)


def _fmt_money(value: Decimal) -> str:
    """``Decimal("-1234.5")`` -> ``"-1,234.50"``."""
    return f"{_money(value):,.2f}"


def _fmt_number(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: ``1.080`` -> ``"1.08"``, ``1E+1`` -> ``"10"``."""
    text = format(value.normalize(), "f")
    return text


def _fmt_percent(value: Decimal) -> str:
    return f"{_fmt_number(value)} %"


def _discount_base(rate_percent: Decimal) -> Fraction:
    """``1 + r`` as an exact rational, for a rate given in percent."""
    rate = Fraction(_to_decimal(rate_percent, "rate_percent"))
    if rate <= -100:
        raise CaseError("rate_percent", "must be greater than -100 %")
    return 1 + rate / 100


# --------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Year:
    """The inputs of one period ``t`` of a business case.

    * ``investment`` - one-off outflow in that year (setup, integration, enablement); >= 0.
    * ``costs`` - running alliance costs in that year (people, MDF, other); >= 0.
    * ``revenue_uplift`` - incremental revenue attributable to the alliance; >= 0. (A loss of
      revenue, e.g. cannibalisation, is entered as a cost.)
    * ``margin_percent`` - gross margin applied to the revenue uplift, 0..100. Keep the default
      100 when the uplift is already entered as margin (contribution) rather than revenue.

    Net cash flow of the year (rounded half-up to cents)::

        net_t = revenue_uplift_t x margin_t / 100 - costs_t - investment_t

    Amounts are converted to Decimal on construction; range checks happen in :class:`Case`, which
    knows the year's position and can name the field as ``years[2].costs``.
    """

    investment: Decimal = Decimal(0)
    costs: Decimal = Decimal(0)
    revenue_uplift: Decimal = Decimal(0)
    margin_percent: Decimal = Decimal(100)

    def __post_init__(self) -> None:
        for name in ("investment", "costs", "revenue_uplift", "margin_percent"):
            object.__setattr__(self, name, _to_decimal(getattr(self, name), name))

    def validate(self) -> None:
        """Amounts are not negative; the margin is between 0 and 100 (raises CaseError)."""
        for name in ("investment", "costs", "revenue_uplift"):
            if getattr(self, name) < 0:
                raise CaseError(name, "must not be negative")
        if not 0 <= self.margin_percent <= 100:
            raise CaseError("margin_percent", "must be between 0 and 100")

    @property
    def gross_profit(self) -> Decimal:
        """``revenue_uplift x margin / 100``, exact (not rounded)."""
        return self.revenue_uplift * self.margin_percent / 100

    def net_cash_flow(self) -> Decimal:
        """``revenue_uplift x margin / 100 - costs - investment``, rounded half-up to cents."""
        return _money(
            Fraction(self.revenue_uplift) * Fraction(self.margin_percent) / 100
            - Fraction(self.costs)
            - Fraction(self.investment)
        )

    def scaled(
        self,
        *,
        revenue_uplift: Decimal | int = 1,
        margin: Decimal | int = 1,
        costs: Decimal | int = 1,
        investment: Decimal | int = 1,
    ) -> Year:
        """This year with each driver multiplied by the given factor; the margin is capped at 100 %."""
        return Year(
            investment=self.investment * Decimal(investment),
            costs=self.costs * Decimal(costs),
            revenue_uplift=self.revenue_uplift * Decimal(revenue_uplift),
            margin_percent=min(self.margin_percent * Decimal(margin), Decimal(100)),
        )


@dataclass(frozen=True)
class Case:
    """A business case: ``name``, ``currency`` (ISO 4217 code), ``discount_rate`` (percent per
    year) and ``years`` (year 0 first). Validated on construction - see :meth:`validate`."""

    name: str
    currency: str
    discount_rate: Decimal
    years: list[Year] = field(default_factory=list)

    def __post_init__(self) -> None:
        object.__setattr__(self, "discount_rate", _to_decimal(self.discount_rate, "discount_rate"))
        object.__setattr__(self, "currency", str(self.currency).strip().upper())
        object.__setattr__(self, "years", list(self.years))
        self.validate()

    def validate(self) -> None:
        """Raise :class:`CaseError` naming the first bad field:

        * ``name`` blank; ``currency`` not a three-letter code;
        * ``discount_rate`` <= -100 % or > 1000 %;
        * ``years`` empty or more than :data:`MAX_YEARS` entries;
        * ``years[i].investment`` / ``.costs`` / ``.revenue_uplift`` negative;
        * ``years[i].margin_percent`` outside 0..100.
        """
        if not str(self.name).strip():
            raise CaseError("name", "must not be blank")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise CaseError("currency", "must be a three-letter currency code")
        if self.discount_rate <= MIN_DISCOUNT_RATE or self.discount_rate > MAX_DISCOUNT_RATE:
            raise CaseError("discount_rate", "must be greater than -100 % and at most 1000 %")
        if not self.years:
            raise CaseError("years", "a business case needs at least one year")
        if len(self.years) > MAX_YEARS:
            raise CaseError("years", f"at most {MAX_YEARS} years")
        for i, year in enumerate(self.years):
            if not isinstance(year, Year):
                raise CaseError(f"years[{i}]", "must be a Year")
            try:
                year.validate()
            except CaseError as exc:
                raise exc.prefixed(f"years[{i}]") from None

    def cash_flows(self) -> list[Decimal]:
        """Net cash flow per year, each rounded half-up to cents (see :meth:`Year.net_cash_flow`)."""
        return [year.net_cash_flow() for year in self.years]

    def scaled(
        self,
        *,
        revenue_uplift: Decimal | int = 1,
        margin: Decimal | int = 1,
        costs: Decimal | int = 1,
        investment: Decimal | int = 1,
        discount_rate: Decimal | int = 1,
    ) -> Case:
        """A copy with every year's drivers multiplied (see :meth:`Year.scaled`) and the discount
        rate multiplied by ``discount_rate``."""
        return replace(
            self,
            discount_rate=self.discount_rate * Decimal(discount_rate),
            years=[
                y.scaled(revenue_uplift=revenue_uplift, margin=margin, costs=costs, investment=investment)
                for y in self.years
            ],
        )


def case_from_dict(data: Mapping[str, Any]) -> Case:
    """Build a :class:`Case` from plain data (a form or JSON payload)::

        {"name": ..., "currency": "EUR", "discount_rate": "8",
         "years": [{"investment": "100000"}, {"revenue_uplift": "50000", "margin_percent": "60"}, ...]}

    Errors name the field with its position, e.g. ``years[2].costs``.
    """
    years_data = data.get("years")
    if not isinstance(years_data, Sequence) or isinstance(years_data, str | bytes):
        raise CaseError("years", "must be a list of years")
    years: list[Year] = []
    for i, row in enumerate(years_data):
        if not isinstance(row, Mapping):
            raise CaseError(f"years[{i}]", "must be a mapping")
        unknown = set(row) - {"investment", "costs", "revenue_uplift", "margin_percent"}
        if unknown:
            raise CaseError(f"years[{i}].{sorted(unknown)[0]}", "unknown field")
        try:
            years.append(Year(**row))
        except CaseError as exc:
            raise exc.prefixed(f"years[{i}]") from None
    return Case(
        name=data.get("name", ""),
        currency=data.get("currency", ""),
        discount_rate=data.get("discount_rate", Decimal(0)),
        years=years,
    )


# --------------------------------------------------------------------------------------------------
# NPV, IRR, payback
# --------------------------------------------------------------------------------------------------


def _fractions(flows: Iterable[Decimal | int | str]) -> list[Fraction]:
    return [Fraction(_to_decimal(f, f"flows[{i}]")) for i, f in enumerate(flows)]


def _npv_exact(rate_percent: Decimal, flows: Iterable[Decimal]) -> Fraction:
    base = _discount_base(rate_percent)
    return sum((f / base**t for t, f in enumerate(_fractions(flows))), Fraction(0))


def npv(rate_percent: Decimal | int | str, flows: Iterable[Decimal | int | str]) -> Decimal:
    """Net present value, exact, rounded half-up to cents at the very end::

        NPV = sum over t = 0 .. N of flow_t / (1 + r/100)^t

    Year 0 is not discounted (``(1 + r)^0 = 1``) - the same convention as ``numpy_financial.npv``.
    The sum is computed in exact rational arithmetic, so the only rounding is the final one.
    """
    return _money(_npv_exact(_to_decimal(rate_percent, "rate_percent"), flows))


def sign_changes(flows: Iterable[Decimal | int | str]) -> int:
    """How often the cash flows change sign (zeros are skipped).

    By Descartes' rule of signs the number of IRRs is at most this count: 0 means there is no IRR,
    1 (the conventional "invest, then earn") means exactly one, more than 1 means there may be
    several IRRs and the UI should warn that the IRR is ambiguous.
    """
    signs = [f > 0 for f in _fractions(flows) if f != 0]
    return sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)


# The IRR search interval, as rates (fractions): -99.99 % .. 10000 %.
_IRR_LOW = -0.9999
_IRR_HIGH = 100.0
_IRR_GRID_POINTS = 2000


def _npv_float(rates: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """NPV at each rate (fractions), vectorised: ``sum(flow_t x (1 + r)^-t)``."""
    t = np.arange(flows.size)
    return (flows[None, :] * (1.0 + rates[:, None]) ** -t[None, :]).sum(axis=1)


def irr_roots(flows: Iterable[Decimal | int | str]) -> list[Decimal]:
    """Every IRR found in -99.99 % .. 10000 %, ascending, in percent rounded to 0.01.

    Method: NPV(r) is evaluated on a grid of 2000 rates spaced evenly in ``log(1 + r)``; each grid
    interval whose ends have opposite NPV signs brackets a root, which bisection then narrows to
    ~1e-12. A root where NPV only touches zero without changing sign (a double root), or two roots
    in the same grid interval, is not found - both are pathological for business cases.
    """
    values = np.array([float(f) for f in _fractions(flows)], dtype=float)
    if values.size < 2 or sign_changes(values.tolist()) == 0:
        return []
    grid = np.expm1(np.linspace(math.log1p(_IRR_LOW), math.log1p(_IRR_HIGH), _IRR_GRID_POINTS))
    with np.errstate(over="ignore", invalid="ignore"):
        at_grid = _npv_float(grid, values)
    roots: list[float] = []
    for i in range(grid.size - 1):
        lo, hi, f_lo, f_hi = grid[i], grid[i + 1], at_grid[i], at_grid[i + 1]
        if not (np.isfinite(f_lo) and np.isfinite(f_hi)):
            continue
        if f_lo == 0:
            roots.append(float(lo))
            continue
        if f_hi == 0 or (f_lo > 0) == (f_hi > 0):
            continue  # no sign change (a zero at f_hi is picked up as the next interval's left end)
        with np.errstate(over="ignore", invalid="ignore"):
            roots.append(_bisect(values, float(lo), float(hi), float(f_lo)))
    if at_grid[-1] == 0:
        roots.append(float(grid[-1]))
    return [_round_fraction(Fraction(r * 100), 2) for r in roots]


def _bisect(values: np.ndarray, lo: float, hi: float, f_lo: float) -> float:
    """Bisection on a bracket [lo, hi] with NPV(lo) = f_lo and a sign change inside."""
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi) or hi - lo <= 1e-13 * max(1.0, abs(mid)):
            break
        f_mid = float(_npv_float(np.array([mid]), values)[0])
        if f_mid == 0:
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return (lo + hi) / 2


def irr(flows: Iterable[Decimal | int | str]) -> Decimal | None:
    """Internal rate of return in percent (rounded to 0.01), or ``None`` when undefined.

    The IRR is the rate ``r`` at which ``NPV(r) = 0``. It is undefined - ``None`` - when the flows
    never change sign (all outflows or all inflows: no rate can balance them) or when no root lies
    in -99.99 % .. 10000 %.

    With more than one sign change (see :func:`sign_changes`) there can be several roots; then
    the root closest to 0 % is returned - the same choice as ``numpy_financial.irr`` - and
    :func:`irr_roots` lists all of them so the UI can warn.
    """
    roots = irr_roots(flows)
    if not roots:
        return None
    return min(roots, key=lambda r: (abs(r), r))


def _payback_of(flows: list[Fraction]) -> Decimal | None:
    """Years until the cumulative flow first turns >= 0, interpolated linearly within that year."""
    cumulative = Fraction(0)
    for t, flow in enumerate(flows):
        previous = cumulative
        cumulative += flow
        if cumulative >= 0:
            if t == 0:
                return Decimal("0.00")
            # Still short by -previous at the end of year t-1; year t brings in `flow`.
            return _round_fraction(t - 1 + (-previous) / flow, 2)
    return None


def payback(flows: Iterable[Decimal | int | str]) -> Decimal | None:
    """Payback period in years (rounded to 0.01), or ``None`` if the case never pays back.

    The cumulative cash flow ``C_t = flow_0 + ... + flow_t`` is followed until it first turns
    >= 0, in year ``t``. Assuming year ``t``'s flow arrives evenly through the year::

        payback = (t - 1) + (-C_{t-1}) / flow_t

    e.g. flows -100, 30, 30, 30, 30: C = -100, -70, -40, -10, 20, so payback = 3 + 10/30 = 3.33.
    If year 0 is already >= 0 the payback is 0. If the cumulative flow later dips below 0 again
    (a second investment), the first crossing is still the one reported.
    """
    return _payback_of(_fractions(flows))


def discounted_payback(
    rate_percent: Decimal | int | str, flows: Iterable[Decimal | int | str]
) -> Decimal | None:
    """Like :func:`payback`, on the discounted flows ``flow_t / (1 + r)^t`` (exact)."""
    base = _discount_base(_to_decimal(rate_percent, "rate_percent"))
    return _payback_of([f / base**t for t, f in enumerate(_fractions(flows))])


@dataclass(frozen=True)
class CaseResult:
    """The headline numbers of a case (or scenario)."""

    cash_flows: list[Decimal]
    npv: Decimal
    irr: Decimal | None
    irr_roots: list[Decimal]
    sign_changes: int
    payback: Decimal | None
    discounted_payback: Decimal | None

    @property
    def irr_ambiguous(self) -> bool:
        """True when the flows change sign more than once - the UI should warn about the IRR."""
        return self.sign_changes > 1


def evaluate(case: Case) -> CaseResult:
    """Cash flows, NPV, IRR, payback and discounted payback of ``case``."""
    flows = case.cash_flows()
    roots = irr_roots(flows)
    return CaseResult(
        cash_flows=flows,
        npv=npv(case.discount_rate, flows),
        irr=min(roots, key=lambda r: (abs(r), r)) if roots else None,
        irr_roots=roots,
        sign_changes=sign_changes(flows),
        payback=payback(flows),
        discounted_payback=discounted_payback(case.discount_rate, flows),
    )


# --------------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario: its name, the multipliers applied to the base case, and its numbers."""

    name: str
    multipliers: dict[str, Decimal]
    result: CaseResult

    @property
    def cash_flows(self) -> list[Decimal]:
        return self.result.cash_flows

    @property
    def npv(self) -> Decimal:
        return self.result.npv

    @property
    def irr(self) -> Decimal | None:
        return self.result.irr

    @property
    def payback(self) -> Decimal | None:
        return self.result.payback


@dataclass(frozen=True)
class Scenarios:
    """Scenario results in the order of the multipliers given (worst, base, best by default)."""

    results: dict[str, ScenarioResult]

    def __getitem__(self, name: str) -> ScenarioResult:
        return self.results[name]

    def __iter__(self):
        return iter(self.results.values())

    def __len__(self) -> int:
        return len(self.results)


def _validated_multipliers(multipliers: Mapping[str, Any], prefix: str) -> dict[str, Decimal]:
    result: dict[str, Decimal] = {}
    for driver, factor in multipliers.items():
        name = f"{prefix}.{driver}"
        if driver not in DRIVERS:
            raise CaseError(name, f"unknown driver; use one of {', '.join(DRIVERS)}")
        value = _to_decimal(factor, name)
        if value < 0:
            raise CaseError(name, "must not be negative")
        result[driver] = value
    return result


def scenarios(case: Case, multipliers: Mapping[str, Mapping[str, Any]] | None = None) -> Scenarios:
    """Worst / base / best (or any named set) built from ``case`` by multiplying its drivers.

    ``multipliers`` maps a scenario name to ``{driver: factor}`` with drivers from
    :data:`DRIVERS`; a driver left out keeps factor 1, the margin is capped at 100 %. The default
    is :data:`DEFAULT_SCENARIO_MULTIPLIERS` (worst: revenue x 0.7, costs x 1.15, investment x 1.1;
    best: revenue x 1.2, costs x 0.95). Every year of the case is scaled by the same factors, then
    cash flows, NPV, IRR and payback are computed exactly as for the base case.
    """
    if multipliers is None:
        multipliers = DEFAULT_SCENARIO_MULTIPLIERS
    results: dict[str, ScenarioResult] = {}
    for name, factors in multipliers.items():
        checked = _validated_multipliers(factors, f"multipliers.{name}")
        scaled = case.scaled(**checked)
        results[name] = ScenarioResult(name=name, multipliers=checked, result=evaluate(scaled))
    return Scenarios(results)


# --------------------------------------------------------------------------------------------------
# Sensitivity (tornado)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TornadoBar:
    """One bar of the tornado chart: NPV with the driver at ``-swing`` and at ``+swing``."""

    driver: str
    label: str
    swing_percent: Decimal
    npv_low: Decimal
    """NPV with the driver decreased by the swing (``x (1 - swing/100)``)."""
    npv_high: Decimal
    """NPV with the driver increased by the swing (``x (1 + swing/100)``; margin capped at 100 %)."""
    base_npv: Decimal
    range: Decimal
    """``|npv_high - npv_low|`` - the bar's length; bars are sorted by it, longest first."""
    explanation: str


def sensitivity(case: Case, swing_percent: Decimal | int | str = 20) -> list[TornadoBar]:
    """Tornado data: for each driver (revenue uplift, margin, costs, investment, discount rate)
    the NPV with that driver alone moved by ``-swing`` and ``+swing`` percent (relative: 8 %
    discount rate +/- 20 % is 6.4 % / 9.6 %), everything else at base. Sorted by range, longest
    bar first (ties keep the driver order above).
    """
    swing = _to_decimal(swing_percent, "swing_percent")
    if not 0 <= swing < 100:
        raise CaseError("swing_percent", "must be between 0 and 100 (exclusive)")
    down, up = 1 - swing / 100, 1 + swing / 100
    base_flows = case.cash_flows()
    base_npv = npv(case.discount_rate, base_flows)
    bars: list[TornadoBar] = []
    for driver in (*DRIVERS, "discount_rate"):
        if driver == "discount_rate":
            low = npv(case.discount_rate * down, base_flows)
            high = npv(case.discount_rate * up, base_flows)
        else:
            low = npv(case.discount_rate, case.scaled(**{driver: down}).cash_flows())
            high = npv(case.discount_rate, case.scaled(**{driver: up}).cash_flows())
        label = DRIVER_LABELS[driver]
        spread = abs(high - low)
        text = (
            f"{label} {_fmt_number(swing)} % lower gives an NPV of {_fmt_money(low)}; "
            f"{_fmt_number(swing)} % higher gives {_fmt_money(high)} (base {_fmt_money(base_npv)}). "
            f"This driver alone moves the NPV across {_fmt_money(spread)} {case.currency}."
        )
        if driver == "margin" and any(y.margin_percent * up > 100 for y in case.years):
            text += " The higher margin is capped at 100 %, so that side of the bar may be shorter."
        if driver == "discount_rate":
            text += (
                f" The rate moves relative to itself: {_fmt_percent(case.discount_rate)} becomes "
                f"{_fmt_percent(case.discount_rate * down)} and {_fmt_percent(case.discount_rate * up)}."
            )
        bars.append(
            TornadoBar(
                driver=driver,
                label=label,
                swing_percent=swing,
                npv_low=low,
                npv_high=high,
                base_npv=base_npv,
                range=spread,
                explanation=text,
            )
        )
    return sorted(bars, key=lambda bar: bar.range, reverse=True)


# --------------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonteCarloResult:
    """Distribution of the NPV over ``runs`` simulated cases (amounts rounded to cents)."""

    runs: int
    seed: int
    distribution: str
    spreads: dict[str, float]
    base_npv: Decimal
    mean: Decimal
    p5: Decimal
    p50: Decimal
    p95: Decimal
    probability_negative: Decimal
    """Share of runs with NPV < 0, 0..1, rounded to 4 decimals."""
    bin_edges: list[Decimal]
    """Histogram bin edges (``len(counts) + 1`` of them), ready for a bar chart."""
    counts: list[int]


def _factors(
    rng: np.random.Generator, distribution: str, spread: float, shape: tuple[int, ...]
) -> np.ndarray:
    """Multiplicative factors around 1 with the given spread."""
    if spread == 0:
        return np.ones(shape)
    if distribution == "triangular":
        return rng.triangular(1 - spread, 1, 1 + spread, size=shape)
    # normal: standard deviation spread/3, clipped to 1 +/- spread (clips ~0.3 % of draws)
    return np.clip(rng.normal(1, spread / 3, size=shape), 1 - spread, 1 + spread)


def monte_carlo(
    case: Case,
    runs: int = 10_000,
    seed: int = 20240601,
    spreads: Mapping[str, float] | None = None,
    distribution: str = "triangular",
    bins: int = 30,
    per_year: bool = False,
) -> MonteCarloResult:
    """Simulate the NPV when the drivers are uncertain.

    In each run every driver in ``spreads`` (default :data:`DEFAULT_MC_SPREADS`: revenue uplift
    +/-30 %, costs +/-15 %, investment +/-10 %) is multiplied by a random factor drawn from a
    triangular distribution on ``[1 - spread, 1 + spread]`` with mode 1 (or ``distribution=
    "normal"``: sd = spread/3, clipped to the same interval). By default one factor per run
    applies to all years (a run is "revenue comes in 12 % below plan"); ``per_year=True`` draws
    independent factors per year, which averages out and gives a narrower distribution.

    Each run's NPV is ``sum_t (R_t x fR x min(m_t x fM, 100)/100 - C_t x fC - I_t x fI) / (1+r)^t``,
    computed for all runs at once as a (runs x years) matrix. The generator is
    ``numpy.random.default_rng(seed)``, so the same seed gives the same result. Reports p5, p50,
    p95, mean, the probability that NPV < 0 and a ``bins``-bin histogram. (Float arithmetic:
    unlike :func:`npv`, results are not exact, and per-year flows are not rounded to cents.)
    """
    if int(runs) < 1:
        raise CaseError("runs", "must be at least 1")
    if distribution not in ("triangular", "normal"):
        raise CaseError("distribution", "must be 'triangular' or 'normal'")
    if int(bins) < 1:
        raise CaseError("bins", "must be at least 1")
    spreads = dict(DEFAULT_MC_SPREADS if spreads is None else spreads)
    for driver, spread in spreads.items():
        if driver not in DRIVERS:
            raise CaseError(f"spreads.{driver}", f"unknown driver; use one of {', '.join(DRIVERS)}")
        if not isinstance(spread, int | float | Decimal) or not 0 <= float(spread) <= 1:
            raise CaseError(f"spreads.{driver}", "must be between 0 and 1")
    runs = int(runs)
    n = len(case.years)
    rng = np.random.default_rng(seed)
    shape = (runs, n) if per_year else (runs, 1)

    revenue = np.array([float(y.revenue_uplift) for y in case.years])
    margin = np.array([float(y.margin_percent) for y in case.years])
    costs = np.array([float(y.costs) for y in case.years])
    investment = np.array([float(y.investment) for y in case.years])
    discount = (1.0 + float(case.discount_rate) / 100.0) ** -np.arange(n)

    f = {d: _factors(rng, distribution, float(spreads.get(d, 0)), shape) for d in DRIVERS}
    flows = (
        revenue * f["revenue_uplift"] * np.minimum(margin * f["margin"], 100.0) / 100.0
        - costs * f["costs"]
        - investment * f["investment"]
    )
    npvs = flows @ discount
    p5, p50, p95 = np.percentile(npvs, [5, 50, 95])
    counts, edges = np.histogram(npvs, bins=int(bins))

    def money(x: float) -> Decimal:
        return _money(Decimal(repr(float(x))))

    return MonteCarloResult(
        runs=runs,
        seed=seed,
        distribution=distribution,
        spreads={d: float(s) for d, s in spreads.items()},
        base_npv=npv(case.discount_rate, case.cash_flows()),
        mean=money(npvs.mean()),
        p5=money(p5),
        p50=money(p50),
        p95=money(p95),
        probability_negative=_round_fraction(Fraction(int((npvs < 0).sum()), runs), 4),
        bin_edges=[money(e) for e in edges],
        counts=[int(c) for c in counts],
    )


# --------------------------------------------------------------------------------------------------
# Explanations
# --------------------------------------------------------------------------------------------------


def explain_cash_flows(case: Case) -> list[str]:
    """One line per year deriving the net cash flow, e.g.
    ``"year 1: 50,000.00 x 60 % - 0.00 costs - 0.00 investment = 30,000.00"``."""
    return [
        f"year {t}: {_fmt_money(y.revenue_uplift)} x {_fmt_percent(y.margin_percent)} "
        f"- {_fmt_money(y.costs)} costs - {_fmt_money(y.investment)} investment "
        f"= {_fmt_money(y.net_cash_flow())}"
        for t, y in enumerate(case.years)
    ]


def explain(case: Case) -> list[str]:
    """The NPV calculation of ``case`` in words, one discounted term per year, e.g.
    ``"year 2: 120,000.00 / 1.08^2 = 102,880.66"``, then the total.

    Terms are shown rounded to cents; the NPV is the exact sum rounded once, so it can differ by
    a cent or so from the sum of the rounded terms shown (the last line says so when it does).
    """
    rate = case.discount_rate
    base = 1 + rate / 100
    base_text = _fmt_number(base)
    flows = case.cash_flows()
    lines = [
        f"Discount rate {_fmt_percent(rate)} per year: each year's net cash flow ({case.currency}) "
        f"is divided by {base_text}^t; year 0 is not discounted.",
    ]
    shown_total = Decimal(0)
    exact_base = Fraction(base)
    for t, flow in enumerate(flows):
        term = _money(Fraction(flow) / exact_base**t)
        shown_total += term
        lines.append(f"year {t}: {_fmt_money(flow)} / {base_text}^{t} = {_fmt_money(term)}")
    total = npv(rate, flows)
    last = f"NPV = sum of the discounted terms = {_fmt_money(total)} {case.currency}"
    if shown_total != total:
        last += (
            f" (the rounded terms shown add up to {_fmt_money(shown_total)}; the NPV is the exact "
            "sum, rounded once)"
        )
    lines.append(last + ".")
    return lines
