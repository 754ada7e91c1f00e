"""KPI formulas: any text is a formula or refused with FormulaError (never another
exception), and evaluation of generated arithmetic matches exact rational arithmetic."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from amity.scorecards.formula import FormulaError, NoValue, evaluate, names, substitute

NAMES = ["revenue", "cost", "deals", "won"]
number = st.integers(min_value=0, max_value=10**6) | st.decimals(
    min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False
)


@st.composite
def expressions(draw, depth=0):
    """(text, reference value as Fraction or None when a divisor is 0) over NAMES' values."""
    values = draw(st.shared(st.fixed_dictionaries({n: number for n in NAMES}), key="values"))
    if depth > 3 or draw(st.integers(0, 2)) == 0:
        if draw(st.booleans()):
            name = draw(st.sampled_from(NAMES))
            return name, Fraction(values[name])
        value = draw(number)
        return str(value), Fraction(value)
    op = draw(st.sampled_from("+-*/"))
    (lt, lv), (rt, rv) = draw(expressions(depth + 1)), draw(expressions(depth + 1))
    if draw(st.booleans()):
        lt, lv = f"-({lt})", (None if lv is None else -lv)
    text = f"({lt}) {op} ({rt})"
    if lv is None or rv is None:
        return text, None
    if op == "/":
        return text, None if rv == 0 else lv / rv
    return text, {"+": lv + rv, "-": lv - rv, "*": lv * rv}[op]


@given(expr=expressions(), values=st.shared(st.fixed_dictionaries({n: number for n in NAMES}), key="values"))
def test_evaluation_matches_exact_arithmetic(expr, values):
    text, expected = expr
    assume(len(text) <= 300)
    values = {k: Decimal(v) for k, v in values.items()}
    try:
        result = evaluate(text, values)
    except NoValue as exc:
        assert str(exc)
        # A zero divisor somewhere (the reference skips whole branches, so it may not be None).
        return
    assert expected is not None
    assert isinstance(result, Decimal)
    # Decimal works to 28 significant digits: equal up to that relative precision.
    assert abs(Fraction(result) - expected) <= abs(expected) * Fraction(1, 10**20) + Fraction(1, 10**20)


formula_text = st.text(max_size=320) | st.text(alphabet="0123456789.e+-*/()_ aIx\x00,", max_size=320)


@given(text=formula_text)
@example(text="1e400 - 1e400")
@example(text="1e308 * 1e308 * 1e308")
@example(text="(" * 150 + "1" + ")" * 150)
@example(text="-" * 299 + "1")
@example(text="1\x00")
@example(text="__import__('os')")
def test_any_text_is_a_formula_or_refused_with_a_reason(text):
    try:
        found = names(text)
    except FormulaError as exc:
        assert str(exc)
        return
    values = dict.fromkeys(found, Decimal("3"))
    try:
        value = evaluate(text, values)
    except NoValue as exc:
        assert str(exc)
        return
    assert isinstance(value, Decimal) and value.is_finite()
    assert substitute(text, values)


@pytest.mark.parametrize(
    "text",
    ["1e400", "1e400 - 1e400", "-1e400 / 1e400", "0 * 1e999", "revenue - 1.5e999"],
)
def test_a_number_beyond_float_range_is_refused_when_saved(text):
    with pytest.raises(FormulaError, match="number"):
        names(text)


def test_a_missing_input_or_a_zero_divisor_gives_no_value_with_the_reason():
    with pytest.raises(NoValue, match="cost has no value"):
        evaluate("revenue / cost", {"revenue": Decimal(1), "cost": None})
    with pytest.raises(NoValue, match="is 0"):
        evaluate("revenue / (cost - cost)", {"revenue": Decimal(1), "cost": Decimal(5)})
