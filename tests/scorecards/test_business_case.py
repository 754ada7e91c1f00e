"""The business-case computation core: pure Python, no database."""

from __future__ import annotations

import math
import random
import time
from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from amity.scorecards.business_case import (
    Case,
    CaseError,
    Year,
    case_from_dict,
    discounted_payback,
    evaluate,
    explain,
    explain_cash_flows,
    irr,
    irr_roots,
    monte_carlo,
    npv,
    payback,
    scenarios,
    sensitivity,
    sign_changes,
)

D = Decimal


def simple_case(rate: str = "8") -> Case:
    """Investment 100,000 at t0, then net 30,000 a year for 5 years."""
    return Case(
        name="Reseller programme",
        currency="EUR",
        discount_rate=D(rate),
        years=[Year(investment=D(100_000))] + [Year(revenue_uplift=D(30_000)) for _ in range(5)],
    )


def rich_case() -> Case:
    """A realistic case using every driver."""
    return Case(
        name="Joint solution",
        currency="USD",
        discount_rate=D("9.5"),
        years=[
            Year(investment=D(250_000), costs=D(40_000)),
            Year(investment=D(50_000), costs=D(120_000), revenue_uplift=D(300_000), margin_percent=D(45)),
            Year(costs=D(130_000), revenue_uplift=D(600_000), margin_percent=D(45)),
            Year(costs=D(140_000), revenue_uplift=D(900_000), margin_percent=D(42)),
            Year(costs=D(150_000), revenue_uplift=D(1_100_000), margin_percent=D(40)),
        ],
    )


# --- cash flows and NPV -----------------------------------------------------------------------------


def test_cash_flow_is_revenue_times_margin_minus_costs_minus_investment():
    # 200,000 x 35 % - 40,000 - 10,000 = 70,000 - 50,000 = 20,000
    year = Year(investment=D(10_000), costs=D(40_000), revenue_uplift=D(200_000), margin_percent=D(35))
    assert year.net_cash_flow() == D("20000.00")
    # 1,000.01 x 33.33 % = 333.303333 -> rounded half-up to cents 333.30
    assert Year(revenue_uplift=D("1000.01"), margin_percent=D("33.33")).net_cash_flow() == D("333.30")
    # margin defaults to 100 %: the uplift is entered as margin directly
    assert Year(revenue_uplift=D("12.345")).net_cash_flow() == D("12.35")


def test_worked_example_npv_by_hand():
    # Annuity factor at 8 % for 5 years: (1 - 1.08^-5) / 0.08 = 3.992710037...
    # 30,000 x 3.992710037 = 119,781.30; minus the 100,000 invested at t0 -> NPV 19,781.30.
    case = simple_case()
    assert case.cash_flows() == [D("-100000.00")] + [D("30000.00")] * 5
    assert npv(case.discount_rate, case.cash_flows()) == D("19781.30")


def test_npv_year_zero_is_not_discounted_same_as_numpy_financial():
    # A single flow at t0 is its own NPV at any rate; numpy_financial uses the same convention.
    assert npv(8, [D(-1000)]) == D("-1000.00")
    assert npf.npv(0.08, [-1000]) == -1000
    # 108 one year out at 8 % is worth exactly 100 today.
    assert npv(8, [0, 108]) == D("100.00")
    assert npf.npv(0.08, [0, 108]) == pytest.approx(100)


def test_npv_rounds_half_up_once_at_the_end():
    # 0.005 exactly: half-up gives 0.01 (banker's rounding would give 0.00)
    assert npv(0, [D("0.005")]) == D("0.01")
    assert npv(0, [D("-0.005")]) == D("-0.01")
    # 1 / 3 at 200 %: 0.333... -> 0.33; three of them are summed exactly first: 1/3 + 1/3 + 1/3 = 1
    assert npv(200, [0, 1]) == D("0.33")
    assert npv(0, [D(1) / 3] * 3) == D("1.00")


money = st.decimals(
    min_value=-10_000_000, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False
)


@given(
    rate=st.decimals(min_value=-50, max_value=200, places=2, allow_nan=False, allow_infinity=False),
    flows=st.lists(money, min_size=1, max_size=30),
)
@settings(max_examples=200, deadline=None)
def test_npv_matches_numpy_financial_to_the_cent(rate, flows):
    ours = npv(rate, flows)
    theirs = npf.npv(float(rate) / 100, [float(f) for f in flows])
    # Ours is the exact value rounded to cents, so it is within half a cent of the float result
    # (plus float noise, far below a tenth of a cent at these magnitudes).
    assert abs(ours - D(float(theirs))) <= D("0.0051")


def test_npv_matches_numpy_financial_on_random_cases():
    rng = random.Random(7)
    for _ in range(200):
        n = rng.randint(1, 15)
        case = Case(
            name="random",
            currency="EUR",
            discount_rate=D(rng.randint(-500, 3000)) / 100,
            years=[
                Year(
                    investment=D(rng.randint(0, 10_000_000)) / 100,
                    costs=D(rng.randint(0, 5_000_000)) / 100,
                    revenue_uplift=D(rng.randint(0, 20_000_000)) / 100,
                    margin_percent=D(rng.randint(0, 10_000)) / 100,
                )
                for _ in range(n)
            ],
        )
        flows = case.cash_flows()
        theirs = npf.npv(float(case.discount_rate) / 100, [float(f) for f in flows])
        assert abs(npv(case.discount_rate, flows) - D(float(theirs))) <= D("0.0051")


# --- IRR ----------------------------------------------------------------------------------------------


def test_irr_worked_example():
    # -100,000 then 30,000 x 5: NPV(15.24 %) ~ 0 (numpy_financial: 0.152382...)
    assert irr(simple_case().cash_flows()) == D("15.24")
    assert math.isclose(npf.irr([-100_000] + [30_000] * 5), 0.1524, abs_tol=0.00005)


def test_irr_known_values_from_numpy_financial_docs():
    assert irr([-100, 39, 59, 55, 20]) == D("28.09")  # 0.28095 -> 28.09 (28.0948...)
    assert irr([-100, 0, 0, 74]) == D("-9.55")
    assert irr([-100, 100, 0, 7]) == D("6.21")


@given(
    outlay=st.integers(min_value=1_000, max_value=5_000_000),
    returns=st.lists(st.integers(min_value=0, max_value=3_000_000), min_size=1, max_size=15),
)
@settings(max_examples=200, deadline=None)
def test_irr_within_a_hundredth_of_a_point_of_numpy_financial(outlay, returns):
    assume(any(returns))
    flows = [D(-outlay)] + [D(r) for r in returns]
    theirs = npf.irr([float(f) for f in flows])
    assume(math.isfinite(theirs) and -0.999 < theirs < 99)
    ours = irr(flows)
    assert ours is not None
    assert abs(float(ours) - theirs * 100) <= 0.01


def test_irr_on_random_multi_driver_cases_matches_numpy_financial():
    rng = random.Random(11)
    checked = 0
    for _ in range(100):
        flows = [D(-rng.randint(10_000, 1_000_000))] + [
            D(rng.randint(-50_000, 400_000)) for _ in range(rng.randint(2, 12))
        ]
        theirs = npf.irr([float(f) for f in flows])
        if sign_changes(flows) != 1 or not math.isfinite(theirs) or not -0.999 < theirs < 99:
            continue
        assert abs(float(irr(flows)) - theirs * 100) <= 0.01
        checked += 1
    assert checked > 50


def test_irr_is_none_without_a_sign_change():
    assert sign_changes([D(-100), D(-50), 0]) == 0
    assert irr([D(-100), D(-50), 0]) is None
    assert irr([D(100), D(50)]) is None
    assert irr([D(0), D(0)]) is None
    assert irr([D(-100)]) is None
    assert (
        evaluate(Case(name="cost only", currency="EUR", discount_rate=5, years=[Year(costs=1)])).irr is None
    )


def test_irr_none_when_root_is_outside_the_search_interval():
    # -1 then +1,000,000 a year later: IRR = 99,999,900 %, beyond the 10,000 % upper bound.
    assert irr([D(-1), D(1_000_000)]) is None


def test_multiple_sign_changes_are_counted_and_all_roots_listed():
    # -100, +230, -132 = -(x - 1.1)(x - 1.2) x 100 in x = 1 + r: roots 10 % and 20 %
    flows = [D(-100), D(230), D(-132)]
    assert sign_changes(flows) == 2
    assert irr_roots(flows) == [D("10.00"), D("20.00")]
    # the root closest to 0 % is returned - as numpy_financial does
    assert irr(flows) == D("10.00")
    assert math.isclose(npf.irr([-100, 230, -132]), 0.10)
    result = evaluate(
        Case(
            name="two roots",
            currency="EUR",
            discount_rate=5,
            years=[Year(investment=100), Year(revenue_uplift=230), Year(costs=132)],
        )
    )
    assert result.sign_changes == 2 and result.irr_ambiguous


# --- payback --------------------------------------------------------------------------------------


def test_payback_interpolates_within_the_year():
    # cumulative: -100,000, -70,000, -40,000, -10,000, +20,000 -> 3 + 10,000/30,000 = 3.33 years
    assert payback(simple_case().cash_flows()) == D("3.33")
    # -100, 50, 100: cumulative -100, -50, +50 -> 1 + 50/100 = 1.5
    assert payback([-100, 50, 100]) == D("1.50")
    # exactly zero at the end of year 2 -> 2.00
    assert payback([-100, 50, 50, 50]) == D("2.00")
    # non-negative from the start -> 0
    assert payback([0, 10]) == D("0.00")


def test_payback_none_when_never_paid_back():
    assert payback([-100, 30, 30, 30]) is None


def test_discounted_payback():
    # at 0 % it is the plain payback
    assert discounted_payback(0, [-100, 50, 100]) == D("1.50")
    # 10 %: discounted flows -100, 45.4545..., 82.6446...; cumulative after year 1 -54.5454...
    # -> 1 + 54.5454.../82.6446... = 1 + 0.66 = 1.66
    assert discounted_payback(10, [-100, 50, 100]) == D("1.66")
    # simple case at 8 %: discounted cumulative after year 4 is -636.21 (99,363.79 recovered);
    # year 5 brings 30,000/1.08^5 = 20,417.50 -> 4 + 636.21/20,417.50 = 4.03
    assert discounted_payback(8, simple_case().cash_flows()) == D("4.03")
    assert discounted_payback(20, simple_case().cash_flows()) is None


def test_evaluate_collects_the_headline_numbers():
    result = evaluate(simple_case())
    assert result.npv == D("19781.30")
    assert result.irr == D("15.24")
    assert result.payback == D("3.33")
    assert result.discounted_payback == D("4.03")
    assert result.sign_changes == 1 and not result.irr_ambiguous


# --- scenarios ------------------------------------------------------------------------------------


def test_default_scenarios_are_ordered_worst_base_best():
    for case in (simple_case(), rich_case()):
        s = scenarios(case)
        assert list(s.results) == ["worst", "base", "best"]
        assert s["worst"].npv <= s["base"].npv <= s["best"].npv
        assert s["base"].npv == evaluate(case).npv
        assert s["base"].cash_flows == case.cash_flows()


def test_scenario_multipliers_are_data():
    # worst on the simple case: investment 110,000; revenue 21,000/yr.
    s = scenarios(simple_case(), {"worst": {"revenue_uplift": "0.7", "investment": "1.1"}})
    assert s["worst"].cash_flows == [D("-110000.00")] + [D("21000.00")] * 5
    # 21,000 x 3.992710037 = 83,846.91 - 110,000 = -26,153.09
    assert s["worst"].npv == D("-26153.09")
    assert s["worst"].payback is None
    assert s["worst"].irr is not None and s["worst"].irr < 0
    assert len(s) == 1


def test_scenario_margin_multiplier_is_capped_at_100_percent():
    case = Case(
        name="m", currency="EUR", discount_rate=0, years=[Year(revenue_uplift=100, margin_percent=90)]
    )
    assert scenarios(case, {"up": {"margin": 2}})["up"].cash_flows == [D("100.00")]


def test_scenario_bad_multiplier_names_the_field():
    with pytest.raises(CaseError) as exc:
        scenarios(simple_case(), {"worst": {"revenu": D("0.7")}})
    assert exc.value.field == "multipliers.worst.revenu"
    with pytest.raises(CaseError) as exc:
        scenarios(simple_case(), {"best": {"costs": -1}})
    assert exc.value.field == "multipliers.best.costs"


# --- sensitivity ------------------------------------------------------------------------------------


def test_tornado_is_sorted_by_range_and_explained():
    bars = sensitivity(rich_case(), swing_percent=20)
    assert {b.driver for b in bars} == {"revenue_uplift", "margin", "costs", "investment", "discount_rate"}
    ranges = [b.range for b in bars]
    assert ranges == sorted(ranges, reverse=True)
    base = evaluate(rich_case()).npv
    for bar in bars:
        assert bar.base_npv == base
        assert bar.range == abs(bar.npv_high - bar.npv_low)
        assert bar.label in bar.explanation and "20 %" in bar.explanation
    by_driver = {b.driver: b for b in bars}
    # more revenue, lower costs or a lower rate raise the NPV (this case has a positive NPV)
    assert by_driver["revenue_uplift"].npv_high > base > by_driver["revenue_uplift"].npv_low
    assert by_driver["costs"].npv_high < base < by_driver["costs"].npv_low
    assert by_driver["discount_rate"].npv_high < base < by_driver["discount_rate"].npv_low


def test_tornado_values_by_hand():
    bars = {b.driver: b for b in sensitivity(simple_case(), swing_percent=10)}
    # investment 90,000 / 110,000 -> NPV 29,781.30 / 9,781.30
    assert bars["investment"].npv_low == D("29781.30")
    assert bars["investment"].npv_high == D("9781.30")
    assert bars["investment"].range == D("20000.00")
    # revenue 27,000 / 33,000 a year: +/- 3,000 x 3.992710037 = +/- 11,978.13
    assert bars["revenue_uplift"].npv_low == D("7803.17")
    assert bars["revenue_uplift"].npv_high == D("31759.43")
    # margin is 100 %: +10 % is capped, so only the low side moves (same as revenue's low side)
    assert bars["margin"].npv_high == D("19781.30")
    assert bars["margin"].npv_low == D("7803.17")
    assert "capped" in bars["margin"].explanation
    # no running costs: no swing
    assert bars["costs"].range == D("0.00")
    assert [b.driver for b in sensitivity(simple_case(), 10)][:2] == ["revenue_uplift", "investment"]


def test_sensitivity_rejects_bad_swing():
    with pytest.raises(CaseError) as exc:
        sensitivity(simple_case(), swing_percent=100)
    assert exc.value.field == "swing_percent"


# --- Monte Carlo ----------------------------------------------------------------------------------


def test_monte_carlo_is_reproducible_with_a_seed():
    a = monte_carlo(rich_case(), runs=2_000, seed=42)
    b = monte_carlo(rich_case(), runs=2_000, seed=42)
    c = monte_carlo(rich_case(), runs=2_000, seed=43)
    assert a == b
    assert a.p50 != c.p50


def test_monte_carlo_p50_is_close_to_base_npv_for_symmetric_spreads():
    # NPV is linear in the (symmetric, mean-1) factors, so its distribution is symmetric around base.
    for case in (simple_case(), rich_case()):
        result = monte_carlo(case, runs=10_000, seed=1)
        width = result.p95 - result.p5
        assert width > 0
        assert abs(result.p50 - result.base_npv) < D("0.02") * width
        assert abs(result.mean - result.base_npv) < D("0.02") * width
        assert result.p5 < result.p50 < result.p95


def test_monte_carlo_histogram_and_probability():
    result = monte_carlo(simple_case(), runs=5_000, seed=3, bins=30)
    assert len(result.counts) == 30 and len(result.bin_edges) == 31
    assert sum(result.counts) == 5_000
    assert result.bin_edges == sorted(result.bin_edges)
    # simple case: worst-corner NPV = 70 % of 119,781.30 - 110,000 < 0, so some runs lose money
    assert D(0) < result.probability_negative < D("0.5")
    # no spread at all: every run is the base case
    flat = monte_carlo(simple_case(), runs=100, spreads={})
    assert flat.p5 == flat.p50 == flat.p95 == flat.mean == D("19781.30")
    assert flat.probability_negative == 0


def test_monte_carlo_options_and_validation():
    normal = monte_carlo(rich_case(), runs=2_000, seed=5, distribution="normal")
    per_year = monte_carlo(rich_case(), runs=2_000, seed=5, per_year=True)
    together = monte_carlo(rich_case(), runs=2_000, seed=5)
    # independent per-year factors average out: a narrower distribution
    assert per_year.p95 - per_year.p5 < together.p95 - together.p5
    assert normal.p5 < normal.p50 < normal.p95
    with pytest.raises(CaseError) as exc:
        monte_carlo(rich_case(), spreads={"revenue_uplift": 1.5})
    assert exc.value.field == "spreads.revenue_uplift"
    with pytest.raises(CaseError) as exc:
        monte_carlo(rich_case(), spreads={"price": 0.1})
    assert exc.value.field == "spreads.price"
    with pytest.raises(CaseError) as exc:
        monte_carlo(rich_case(), distribution="uniform")
    assert exc.value.field == "distribution"


def test_monte_carlo_10k_runs_10_years_well_under_a_second():
    # Measured ~8 ms here (one vectorised 10,000 x 10 matrix; ~21 ms with per_year=True); the bound is generous.
    case = Case(
        name="ten years",
        currency="EUR",
        discount_rate=8,
        years=[Year(investment=500_000)]
        + [Year(costs=80_000, revenue_uplift=400_000, margin_percent=40) for _ in range(9)],
    )
    assert len(case.years) == 10
    start = time.perf_counter()
    result = monte_carlo(case, runs=10_000, seed=9)
    elapsed = time.perf_counter() - start
    assert result.runs == 10_000
    assert elapsed < 0.5


# --- explanations ---------------------------------------------------------------------------------


def test_explain_lists_each_discounted_term():
    case = Case(
        name="explained",
        currency="EUR",
        discount_rate=8,
        years=[Year(investment=100_000), Year(revenue_uplift=60_000), Year(revenue_uplift=120_000)],
    )
    lines = explain(case)
    assert lines[0].startswith("Discount rate 8 % per year")
    assert lines[1] == "year 0: -100,000.00 / 1.08^0 = -100,000.00"
    assert lines[2] == "year 1: 60,000.00 / 1.08^1 = 55,555.56"
    # 120,000 / 1.1664 = 102,880.658... -> 102,880.66
    assert lines[3] == "year 2: 120,000.00 / 1.08^2 = 102,880.66"
    # exact sum: -100,000 + 55,555.5555... + 102,880.6584... = 58,436.2139... -> 58,436.21, while the
    # rounded terms shown add up to 58,436.22 - the last line says so.
    assert lines[4].startswith("NPV = sum of the discounted terms = 58,436.21 EUR")
    assert "add up to 58,436.22" in lines[4]
    assert npv(8, case.cash_flows()) == D("58436.21")


def test_explain_says_when_rounded_terms_do_not_add_up():
    # 1/3 at 200 % ... three terms of 0.333... shown as 0.33 each (0.99), exact total 1.00
    case = Case(
        name="r",
        currency="EUR",
        discount_rate=200,
        years=[Year(), Year(revenue_uplift=1), Year(revenue_uplift=3), Year(revenue_uplift=9)],
    )
    lines = explain(case)
    assert lines[1:4] == [
        "year 0: 0.00 / 3^0 = 0.00",
        "year 1: 1.00 / 3^1 = 0.33",
        "year 2: 3.00 / 3^2 = 0.33",
    ]
    assert "add up to 0.99" in lines[-1] and "= 1.00 EUR" in lines[-1]


def test_explain_cash_flows():
    case = Case(
        name="x",
        currency="EUR",
        discount_rate="7.5",
        years=[Year(investment=100_000, costs=5_000), Year(revenue_uplift=50_000, margin_percent=60)],
    )
    assert explain_cash_flows(case) == [
        "year 0: 0.00 x 100 % - 5,000.00 costs - 100,000.00 investment = -105,000.00",
        "year 1: 50,000.00 x 60 % - 0.00 costs - 0.00 investment = 30,000.00",
    ]
    assert "/ 1.075^1 =" in explain(case)[2]


# --- validation -----------------------------------------------------------------------------------


def _field_of(make) -> str:
    with pytest.raises(CaseError) as exc:
        make()
    assert isinstance(exc.value, ValueError)
    return exc.value.field


def test_validation_errors_name_the_field():
    ok = [Year(investment=1), Year(revenue_uplift=2)]

    def case(**overrides):
        data = {"name": "c", "currency": "EUR", "discount_rate": 8, "years": ok}
        data.update(overrides)
        return lambda: Case(**data)

    assert _field_of(case(years=[])) == "years"
    assert _field_of(case(years=[Year()] * 51)) == "years"
    Case(name="c", currency="EUR", discount_rate=8, years=[Year()] * 50)  # 50 is fine
    assert _field_of(case(discount_rate=-100)) == "discount_rate"
    assert _field_of(case(discount_rate="1000.01")) == "discount_rate"
    Case(name="c", currency="EUR", discount_rate=1000, years=ok)
    Case(name="c", currency="EUR", discount_rate="-99.9", years=ok)
    assert _field_of(case(discount_rate="abc")) == "discount_rate"
    assert _field_of(case(name=" ")) == "name"
    assert _field_of(case(currency="EURO")) == "currency"
    assert _field_of(case(years=[Year(), Year(), Year(costs=-1)])) == "years[2].costs"
    assert _field_of(case(years=[Year(investment=D("-0.01"))])) == "years[0].investment"
    assert _field_of(case(years=[Year(), Year(revenue_uplift=-5)])) == "years[1].revenue_uplift"
    assert _field_of(case(years=[Year(), Year(margin_percent=D("100.01"))])) == "years[1].margin_percent"
    assert _field_of(case(years=[Year(margin_percent=-1)])) == "years[0].margin_percent"


def test_case_from_dict_names_the_field_with_its_position():
    good = {
        "name": "From a form",
        "currency": "eur",
        "discount_rate": "8",
        "years": [{"investment": "100000"}] + [{"revenue_uplift": "30000"}] * 5,
    }
    case = case_from_dict(good)
    assert case.currency == "EUR"
    assert evaluate(case).npv == D("19781.30")

    bad = dict(good, years=[{"investment": "100000"}, {}, {"costs": "lots"}])
    assert _field_of(lambda: case_from_dict(bad)) == "years[2].costs"
    bad = dict(good, years=[{"investment": "NaN"}])
    assert _field_of(lambda: case_from_dict(bad)) == "years[0].investment"
    bad = dict(good, years=[{"investment": 1, "cost": 2}])
    assert _field_of(lambda: case_from_dict(bad)) == "years[0].cost"
    assert _field_of(lambda: case_from_dict(dict(good, years="none"))) == "years"


def test_npv_rejects_rate_at_minus_100():
    with pytest.raises(CaseError) as exc:
        npv(-100, [1, 2])
    assert exc.value.field == "rate_percent"
