"""REST API of the portfolio optimizer: ``POST /portfolio/optimize`` (internal users only).

Registered on the router of ``scorecards.api`` (imported at its end). Reads the engagement options
of the alliances the user sees, runs ``optimizer.optimize`` and answers the recommendation; writes
nothing.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from decimal import Decimal
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Schema

from amity.core.api import ErrorOut, InputSchema, InvalidOut, Money, acting_user
from amity.core.permissions import is_internal

from . import services_optimizer as svc
from .api import router
from .models import EngagementLevel
from .optimizer import OptimizerError

TAGS = ["portfolio"]


class OptimizerIn(InputSchema):
    capacity_fte: Decimal = Field(
        ge=0, le=1_000_000, allow_inf_nan=False, description="Alliance-management capacity in FTE."
    )
    budget: Decimal = Field(
        ge=0, le=10**13, allow_inf_nan=False, description="Yearly budget in the reporting currency."
    )
    max_per_level: dict[EngagementLevel, Annotated[int, Field(ge=0, le=100_000)]] | None = Field(
        None,
        description='At most this many alliances per level, e.g. {"strategic": 2}; a level left out has no '
        "limit. Absent or null: the tiers' target counts summed per engagement level (Tier.engagement_level).",
    )
    budget_step: Decimal = Field(
        Decimal(10000),
        gt=0,
        le=10**13,
        allow_inf_nan=False,
        description="The shadow price of budget is the value of this much more budget.",
    )


class OptimizerAllianceRef(Schema):
    id: int
    name: str


class OptimizerChoiceOut(Schema):
    alliance: OptimizerAllianceRef
    current_level: str | None
    recommended_level: str | None
    changed: bool
    must_keep: bool
    expected_value: Money | None = Field(description="Of the recommended level.")
    effort_fte: Decimal | None
    cost: Money | None


class OptimizerTotalsOut(Schema):
    value: Money
    fte: Decimal
    cost: Money
    capacity_fte: Decimal
    budget: Money
    fte_slack: Decimal
    budget_slack: Money
    level_counts: dict[str, int]


class OptimizerChangeOut(Schema):
    alliance: str
    from_level: str
    to_level: str
    value_delta: Money
    fte_delta: Decimal
    cost_delta: Money
    explanation: str


class OptimizerComparisonOut(Schema):
    current_value: Money
    current_fte: Decimal
    current_cost: Money
    current_feasible: bool
    current_violations: list[str]
    value_gained: Money
    fte_delta: Decimal
    cost_delta: Money
    changes: list[OptimizerChangeOut]
    unchanged: list[str]


class OptimizerShadowPriceOut(Schema):
    resource: str = Field(description="`capacity` or `budget`.")
    step: Decimal
    limit: Decimal
    resolved_limit: Decimal
    marginal_value: Money = Field(description="Best value with `step` more minus the best value now.")
    explanation: str


class OptimizerOut(Schema):
    status: str = Field(description="`optimal`, `infeasible`, `time_limit` or `no_options`.")
    explanation: str
    currency: str
    binding_constraint: str | None = Field(
        description="Infeasible only: capacity, budget, capacity+budget, targets or alliance."
    )
    culprits: list[str]
    choices: list[OptimizerChoiceOut]
    totals: OptimizerTotalsOut | None
    comparison: OptimizerComparisonOut | None = Field(
        description="Against today's levels; null unless every alliance has a current level."
    )
    shadow_prices: list[OptimizerShadowPriceOut]
    not_optimized: list[OptimizerAllianceRef] = Field(
        description="Visible alliances without engagement options."
    )
    warnings: list[str]
    max_per_level: dict[str, int | None] = Field(
        description="The maximum count per level that applied (null: none)."
    )


def _ref(alliance) -> dict:
    return {"id": alliance.pk, "name": alliance.name}


@router.post(
    "/portfolio/optimize",
    response={200: OptimizerOut, 401: ErrorOut, 403: ErrorOut, 422: InvalidOut},
    tags=TAGS,
)
def portfolio_optimize(request: HttpRequest, payload: OptimizerIn):
    """Recommend one engagement level per alliance: the most expected value within the capacity,
    the budget and the maximum count per level, keeping must-keep alliances (internal users only)."""
    user = acting_user(request)
    if not is_internal(user):
        raise PermissionDenied("The portfolio optimizer is for internal users only.")
    limits = (
        None
        if payload.max_per_level is None
        else {str(level): count for level, count in payload.max_per_level.items()}
    )
    try:
        outcome = svc.run(
            user=user,
            capacity_fte=payload.capacity_fte,
            budget=payload.budget,
            max_per_level=limits,
            budget_step=payload.budget_step,
        )
    except OptimizerError as exc:
        raise ValidationError({exc.field: [exc.message]}) from exc
    portfolio = outcome.portfolio
    r = outcome.recommendation
    base = {
        "currency": settings.AMITY_REPORTING_CURRENCY,
        "not_optimized": [_ref(a) for a in portfolio.without_options],
        "warnings": portfolio.warnings,
        "max_per_level": outcome.max_per_level,
    }
    if r is None:
        return {
            **base,
            "status": "no_options",
            "explanation": "No alliance has engagement options yet: add what each alliance yields and costs "
            "per level, then optimize.",
            "binding_constraint": None,
            "culprits": [],
            "choices": [],
            "totals": None,
            "comparison": None,
            "shadow_prices": [],
        }
    choices = []
    for row in outcome.rows:
        option = row.recommended
        choices.append(
            {
                "alliance": _ref(row.entry.alliance),
                "current_level": row.current.level if row.current else None,
                "recommended_level": option.level if option else None,
                "changed": row.changed,
                "must_keep": row.entry.must_keep,
                "expected_value": option.expected_value if option else None,
                "effort_fte": option.effort_fte if option else None,
                "cost": option.cost if option else None,
            }
        )
    return {
        **base,
        "status": r.status,
        "explanation": r.explanation,
        "binding_constraint": r.binding_constraint,
        "culprits": list(r.culprits),
        "choices": choices,
        "totals": r.totals,
        "comparison": r.comparison,
        "shadow_prices": outcome.shadow_prices,
    }
