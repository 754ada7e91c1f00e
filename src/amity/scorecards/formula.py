"""A KPI formula: arithmetic over measure names, evaluated exactly in Decimal and explained.

Allowed: numbers, names, + - * /, unary minus, parentheses. Anything else (calls, attributes,
powers, comparisons) is refused when the formula is saved. Division by zero gives no value
(``None``) with the reason, never an error page.
"""

from __future__ import annotations

import ast
import copy
import math
from decimal import Decimal, InvalidOperation
from functools import lru_cache

OPS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}


class FormulaError(ValueError):
    pass


class NoValue(Exception):
    """The formula has no value for these inputs (a missing input, or division by zero)."""


@lru_cache(maxsize=1024)
def _parse(formula: str) -> ast.Expression:
    """The checked syntax tree, parsed once per formula text (every alliance's scorecard
    evaluates the same few formulas). Shared: callers must not change it."""
    if not formula or len(formula) > 300:
        raise FormulaError("Write a formula of up to 300 characters.")
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        raise FormulaError(f"{formula!r} is not a formula (use + - * / and parentheses).") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.BinOp | ast.UnaryOp | ast.Name | ast.Load):
            continue
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            if not math.isfinite(node.value):  # 1e400 reads as inf: Infinity − Infinity has no value
                raise FormulaError(f"{formula!r}: a number is too large (write it as a number under 1e300).")
            continue
        if isinstance(node, ast.Add | ast.Sub | ast.Mult | ast.Div | ast.USub | ast.UAdd):
            continue
        raise FormulaError(f"{formula!r}: only numbers, measure names, + - * / and parentheses are allowed.")
    return tree


def names(formula: str) -> list[str]:
    return sorted({n.id for n in ast.walk(_parse(formula)) if isinstance(n, ast.Name)})


def evaluate(formula: str, values: dict[str, Decimal | None]) -> Decimal:
    """The formula's value; raises NoValue (with the reason) when an input is missing or a
    divisor is zero."""

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            value = values.get(node.id)
            if value is None:
                raise NoValue(f"{node.id} has no value")
            return Decimal(value)
        if isinstance(node, ast.UnaryOp):
            operand = ev(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        left, right = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise NoValue(f"{ast.unparse(node.right)} is 0")
        try:
            return left / right
        except InvalidOperation:
            raise NoValue("not a number") from None

    return ev(_parse(formula))


def substitute(formula: str, values: dict[str, Decimal | None]) -> str:
    """The formula with each measure replaced by its value: the calculation, in one line."""
    tree = copy.deepcopy(_parse(formula))  # the transformer rewrites the tree in place

    class Sub(ast.NodeTransformer):
        def visit_Name(self, node):  # noqa: N802 - ast API
            value = values.get(node.id)
            text = "?" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")
            return ast.copy_location(ast.Name(id=text.replace(",", "_"), ctx=ast.Load()), node)

    text = ast.unparse(Sub().visit(tree)).replace("_", ",")
    return text.replace("*", "×").replace("/", "÷")
