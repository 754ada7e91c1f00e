"""REST API of business cases: list, create, read (with the full evaluation: NPV, IRR, payback,
scenarios, tornado and Monte Carlo) and change. The math is ``business_case.py``; writes go
through ``model_create`` / ``model_update``.

Registered on the router of ``scorecards.api`` (imported at its end). Internal users read;
alliance managers and admins write (others 403). A partner user gets 403 on the list and
404 on a case.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from amity.alliances.models import Alliance
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    InputSchema,
    Money,
    Page,
    Resolver,
    Text,
    acting_user,
    changes,
    get_visible,
    partial,
)
from amity.core.permissions import require_internal
from amity.core.services import model_create, model_update, require

from . import business_case as bc
from .api import router
from .models import BusinessCase
from .views_business_case import analyse, case_of, summary, validated_case, years_json

#: Why anyone but our own people is refused here.
INTERNAL = "Business cases are internal."

TAGS = ["business cases"]

AMOUNT = {"ge": 0, "max_digits": 16, "decimal_places": 2}


# --- schemas -------------------------------------------------------------------------------------


class BusinessCaseAllianceRef(Schema):
    id: int
    name: str


class BusinessCaseYearIn(InputSchema):
    investment: Decimal = Field(Decimal(0), **AMOUNT, description="One-off outflow in the year.")
    costs: Decimal = Field(Decimal(0), **AMOUNT, description="Running alliance costs in the year.")
    revenue_uplift: Decimal = Field(Decimal(0), **AMOUNT, description="Incremental revenue.")
    margin_percent: Decimal = Field(
        Decimal(100),
        ge=0,
        le=100,
        max_digits=7,
        decimal_places=4,
        description="Gross margin on the uplift; keep 100 when the uplift is entered as margin.",
    )


class BusinessCaseYearOut(Schema):
    year: int = Field(description="0 is now (not discounted).")
    investment: Decimal
    costs: Decimal
    revenue_uplift: Decimal
    margin_percent: Decimal
    net_cash_flow: Money = Field(description="revenue_uplift × margin_percent / 100 − costs − investment.")


class BusinessCaseEdit(InputSchema):
    name: Text = Field(min_length=1, max_length=200)
    alliance: Id | None = Field(None, description="The alliance this case is for (optional).")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code of every amount.")
    discount_rate: Decimal = Field(
        Decimal(8), gt=-100, le=1000, max_digits=6, decimal_places=2, description="Percent per year."
    )
    years: list[BusinessCaseYearIn] = Field(
        min_length=1, max_length=bc.MAX_YEARS, description="One entry per year from year 0."
    )
    scenario_multipliers: dict[str, dict[str, Decimal]] = Field(
        default_factory=dict,
        description="Scenario name → {driver: factor}; drivers: "
        f"{', '.join(bc.DRIVERS)}. Empty: worst (revenue × 0.7, costs × 1.15, investment × 1.1), "
        "base, best (revenue × 1.2, costs × 0.95).",
    )
    spreads: dict[str, float] = Field(
        default_factory=dict,
        description="Monte Carlo spread per driver, 0..1 (0.3 = ±30 %). Empty: revenue 0.3, "
        "costs 0.15, investment 0.1.",
    )
    notes: Text = ""


BusinessCasePatch = partial(BusinessCaseEdit, "BusinessCasePatch")


class BusinessCaseOut(Schema):
    id: int
    name: str
    alliance: BusinessCaseAllianceRef | None
    currency: str
    discount_rate: Decimal
    years: list[BusinessCaseYearOut]
    scenario_multipliers: dict[str, dict[str, Decimal]]
    spreads: dict[str, float]
    notes: str
    npv: Money | None = Field(description="Null when the stored figures are not a valid case.")
    irr: Decimal | None = Field(description="Percent; null when there is none.")
    payback: Decimal | None = Field(description="Years; null when the case never pays back.")
    version: int

    @staticmethod
    def resolve_years(obj: BusinessCase) -> list[dict]:
        try:
            case = case_of(obj)
        except bc.CaseError:
            return []
        return [
            {
                "year": t,
                "investment": y.investment,
                "costs": y.costs,
                "revenue_uplift": y.revenue_uplift,
                "margin_percent": y.margin_percent,
                "net_cash_flow": y.net_cash_flow(),
            }
            for t, y in enumerate(case.years)
        ]

    @staticmethod
    def resolve_npv(obj: BusinessCase) -> Decimal | None:
        result = _summary(obj)
        return result.npv if result else None

    @staticmethod
    def resolve_irr(obj: BusinessCase) -> Decimal | None:
        result = _summary(obj)
        return result.irr if result else None

    @staticmethod
    def resolve_payback(obj: BusinessCase) -> Decimal | None:
        result = _summary(obj)
        return result.payback if result else None


class BusinessCaseScenarioOut(Schema):
    name: str
    multipliers: dict[str, Decimal]
    npv: Money
    irr: Decimal | None
    payback: Decimal | None
    discounted_payback: Decimal | None


class BusinessCaseTornadoOut(Schema):
    driver: str
    label: str
    swing_percent: Decimal
    npv_low: Money = Field(description="NPV with the driver lowered by the swing.")
    npv_high: Money = Field(description="NPV with the driver raised by the swing.")
    range: Money
    explanation: str


class BusinessCaseHistogramBinOut(Schema):
    low: Money
    high: Money
    count: int


class BusinessCaseMonteCarloOut(Schema):
    runs: int
    seed: int
    distribution: str
    spreads: dict[str, float]
    mean: Money
    p5: Money
    p50: Money
    p95: Money
    probability_negative: Decimal = Field(description="Share of runs with NPV < 0, 0..1.")
    histogram: list[BusinessCaseHistogramBinOut]


class BusinessCaseEvaluationOut(Schema):
    cash_flows: list[Money]
    npv: Money
    irr: Decimal | None
    irr_roots: list[Decimal] = Field(description="Every IRR found; more than one: the IRR is ambiguous.")
    irr_ambiguous: bool
    sign_changes: int
    payback: Decimal | None
    discounted_payback: Decimal | None
    explanation: list[str] = Field(description="The NPV calculation in words, one line per year.")
    cash_flow_explanation: list[str]
    scenarios: list[BusinessCaseScenarioOut]
    tornado: list[BusinessCaseTornadoOut] = Field(description="Sensitivity, longest bar first.")
    monte_carlo: BusinessCaseMonteCarloOut


class BusinessCaseDetailOut(BusinessCaseOut):
    evaluation: BusinessCaseEvaluationOut | None
    evaluation_error: str | None = Field(None, description="Why there is no evaluation.")


class BusinessCaseFilters(Schema):
    alliance: Id | None = None


# --- helpers -------------------------------------------------------------------------------------


def _summary(obj: BusinessCase) -> bc.CaseResult | None:
    if not hasattr(obj, "_bc_summary"):
        obj._bc_summary = summary(obj)  # type: ignore[attr-defined]
    return obj._bc_summary  # type: ignore[attr-defined]


def _cases(user):
    return BusinessCase.objects.visible_to(user).select_related("alliance")


def _detail(user, pk: int) -> BusinessCase:
    obj = get_visible(BusinessCase, user, pk, _cases(user))
    try:
        a = analyse(obj)
    except bc.CaseError as exc:
        obj.evaluation, obj.evaluation_error = None, str(exc)
        return obj
    r, mc = a.result, a.monte_carlo
    obj.evaluation = {
        "cash_flows": r.cash_flows,
        "npv": r.npv,
        "irr": r.irr,
        "irr_roots": r.irr_roots,
        "irr_ambiguous": r.irr_ambiguous,
        "sign_changes": r.sign_changes,
        "payback": r.payback,
        "discounted_payback": r.discounted_payback,
        "explanation": a.explanation,
        "cash_flow_explanation": a.cash_flow_explanation,
        "scenarios": [
            {
                "name": s.name,
                "multipliers": s.multipliers,
                "npv": s.result.npv,
                "irr": s.result.irr,
                "payback": s.result.payback,
                "discounted_payback": s.result.discounted_payback,
            }
            for s in a.scenarios
        ],
        "tornado": a.tornado,
        "monte_carlo": {
            "runs": mc.runs,
            "seed": mc.seed,
            "distribution": mc.distribution,
            "spreads": mc.spreads,
            "mean": mc.mean,
            "p5": mc.p5,
            "p50": mc.p50,
            "p95": mc.p95,
            "probability_negative": mc.probability_negative,
            "histogram": [
                {"low": lo, "high": hi, "count": n}
                for lo, hi, n in zip(mc.bin_edges, mc.bin_edges[1:], mc.counts, strict=False)
            ],
        },
    }
    obj.evaluation_error = None
    return obj


def _plain(value: Any) -> Any:
    """Multipliers as stored in JSON: decimal strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _model_data(user, data: dict[str, Any], current: BusinessCase | None) -> dict[str, Any]:
    """Validate a create body (or a PATCH merged over ``current``) and return the model fields."""
    refs = Resolver(user)
    fields: dict[str, Any] = {}
    if "alliance" in data:
        fields["alliance"] = refs.one(Alliance, data["alliance"], "alliance")
    refs.check()

    def pick(name: str, default: Any) -> Any:
        return data[name] if data.get(name) is not None else default

    years = pick("years", current.years if current else [])
    multipliers = pick("scenario_multipliers", current.scenario_multipliers if current else {})
    spreads = pick("spreads", current.spreads if current else {})
    case = validated_case(
        {
            "name": pick("name", current.name if current else ""),
            "currency": pick("currency", current.currency if current else ""),
            "discount_rate": pick("discount_rate", current.discount_rate if current else Decimal(8)),
            "years": years,
        },
        scenario_multipliers=multipliers,
        spreads=spreads,
    )
    for name in ("name", "currency", "discount_rate", "notes"):
        if data.get(name) is not None:
            fields[name] = data[name]
    if data.get("years") is not None:
        fields["years"] = years_json(case.years)
    if data.get("scenario_multipliers") is not None:
        fields["scenario_multipliers"] = _plain(multipliers)
    if data.get("spreads") is not None:
        fields["spreads"] = {k: float(v) for k, v in spreads.items()}
    return fields


# --- operations ----------------------------------------------------------------------------------


@router.get("/business-cases", response={200: list[BusinessCaseOut], **READ_ERRORS, 403: ErrorOut}, tags=TAGS)
@paginate(Page)
def business_case_list(request: HttpRequest, filters: Query[BusinessCaseFilters]):
    """Business cases with their NPV, IRR and payback, most recently changed first."""
    user = acting_user(request)
    require_internal(user, INTERNAL)
    qs = _cases(user).active()
    if filters.alliance:
        qs = qs.filter(alliance_id=filters.alliance)
    return qs.order_by("-updated_at", "name", "pk")


@router.get("/business-cases/{case_id}", response={200: BusinessCaseDetailOut, **READ_ERRORS}, tags=TAGS)
def business_case_detail(request: HttpRequest, case_id: int):
    """A business case with its evaluation: cash flows, NPV, IRR (all roots, and whether it is
    ambiguous), payback, scenarios, sensitivity (tornado) and a Monte Carlo summary with its
    histogram. NPV and payback are exact; the simulation is seeded, so repeatable."""
    return _detail(acting_user(request), case_id)


@router.post("/business-cases", response={201: BusinessCaseDetailOut, **WRITE_ERRORS}, tags=TAGS)
def business_case_create(request: HttpRequest, payload: BusinessCaseEdit):
    """Create a business case (alliance managers, admins)."""
    user = acting_user(request)
    require_internal(user, INTERNAL)
    require(user, "create", BusinessCase)
    data = payload.dict()
    fields = _model_data(user, data, None)
    fields["created_by"] = user
    obj = model_create(model=BusinessCase, data=fields, user=user)
    return Status(201, _detail(user, obj.pk))


@router.patch("/business-cases/{case_id}", response={200: BusinessCaseDetailOut, **WRITE_ERRORS}, tags=TAGS)
def business_case_update(request: HttpRequest, case_id: int, payload: BusinessCasePatch):  # type: ignore[valid-type]
    """Change a business case; send the ``version`` you edited - a stale one answers 409.
    ``years`` replaces all years."""
    user = acting_user(request)
    obj = get_visible(BusinessCase, user, case_id, _cases(user))
    require(user, "change", obj)
    data, version = changes(payload)
    fields = _model_data(user, data, obj)
    model_update(instance=obj, data=fields, user=user, expected_version=version)
    return _detail(user, case_id)
