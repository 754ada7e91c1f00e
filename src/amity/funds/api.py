"""REST API of market development funds: budgets (with ledger totals), requests (submit,
approve in full or partially, reject, cancel), claims with proof files (approve, reject),
payments and exchange rates.

Reads start from ``visible_to``: a partner user reads only their own organization's budgets,
requests, claims and payments - anything else is 404. Writes: alliance managers and admins;
partner users may create and submit requests and claims on their own budgets. An overspend
answers 422 with a message on the field (``approved_amount`` or ``amount``), never 500.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.alliances.models import Alliance
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    Money,
    OrganizationRef,
    Page,
    Resolver,
    Text,
    acting_user,
    get_visible,
)
from amity.partners.models import Organization
from amity.pipeline.models import Opportunity

from . import roi, selectors, services
from .models import (
    Budget,
    EntryKind,
    FundProgram,
    FundRequest,
    RequestStatus,
)

router = Router(tags=["mdf"])


class Ref(Schema):
    id: int
    name: str


class ProgramOut(Schema):
    id: int
    name: str
    description: str
    default_cofunding_share: Decimal
    claim_window_days: int
    active: bool


class BudgetTotalsOut(Schema):
    allocation: Money
    top_ups: Money
    allocated: Money
    committed: Money
    claimed: Money
    paid: Money
    expired: Money
    available: Money


class BudgetOut(Schema):
    id: int
    program: Ref
    organization: OrganizationRef
    alliance: Ref | None
    fiscal_year: int
    currency: str
    expiry_date: date
    renewed_from_id: int | None
    totals: BudgetTotalsOut = Field(description="Sums of the budget's ledger entries (one SQL aggregate).")


class EntryOut(Schema):
    id: int
    kind: EntryKind
    amount: Money
    request_id: int | None
    claim_id: int | None
    payment_id: int | None
    at: datetime
    note: str


class BudgetDetailOut(BudgetOut):
    entries: list[EntryOut]


class BudgetIn(InputSchema):
    program: Id
    organization: Id
    fiscal_year: int = Field(ge=2000, le=2100)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    alliance: Id | None = None
    expiry_date: date | None = None
    note: Text = ""


class TopUpIn(InputSchema):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    note: Text = ""


class BudgetFilters(Schema):
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    organization: Id | None = None
    program: Id | None = None


def _budget_out(budget: Budget, totals: dict) -> dict:
    return {
        "id": budget.pk,
        "program": {"id": budget.program_id, "name": budget.program.name},
        "organization": budget.organization,
        "alliance": {"id": budget.alliance_id, "name": budget.alliance.name} if budget.alliance_id else None,
        "fiscal_year": budget.fiscal_year,
        "currency": budget.currency,
        "expiry_date": budget.expiry_date,
        "renewed_from_id": budget.renewed_from_id,
        "totals": totals.get(budget.pk, selectors.EMPTY_TOTALS),
    }


@router.get("/mdf/programs", response={200: list[ProgramOut], **READ_ERRORS})
@paginate(Page)
def program_list(request: HttpRequest):
    return selectors.program_list(user=acting_user(request)).active().order_by("name", "pk")


class BudgetPageOut(Schema):
    items: list[BudgetOut]
    count: int


@router.get("/mdf/budgets", response={200: BudgetPageOut, **READ_ERRORS})
def budget_list(request: HttpRequest, filters: Query[BudgetFilters], page: Query[Page.Input]):
    """Budgets with their ledger totals (one aggregate for the page); ``limit``/``offset``."""
    limit, offset = page.limit, page.offset
    qs = selectors.budget_list(user=acting_user(request)).active()
    for name in ("fiscal_year", "organization", "program"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    count = qs.count()
    budgets = list(qs.order_by("-fiscal_year", "pk")[offset : offset + limit])
    totals = selectors.ledger_totals([b.pk for b in budgets])
    return {"count": count, "items": [_budget_out(b, totals) for b in budgets]}


def _budget(user, pk: int) -> Budget:
    return get_visible(Budget, user, pk, selectors.budget_list(user=user))


def _budget_detail(user, pk: int) -> dict:
    budget = _budget(user, pk)
    out = _budget_out(budget, selectors.ledger_totals([budget.pk]))
    out["entries"] = list(selectors.entry_list(user=user, budget=budget))
    return out


@router.get("/mdf/budgets/{budget_id}", response={200: BudgetDetailOut, **READ_ERRORS})
def budget_detail(request: HttpRequest, budget_id: int):
    return _budget_detail(acting_user(request), budget_id)


@router.post("/mdf/budgets", response={201: BudgetDetailOut, **WRITE_ERRORS})
def budget_allocate(request: HttpRequest, payload: BudgetIn):
    """Allocate a new budget (alliance managers, admins)."""
    user = acting_user(request)
    refs = Resolver(user)
    program = refs.one(FundProgram, payload.program, "program")
    organization = refs.one(Organization, payload.organization, "organization")
    alliance = refs.one(Alliance, payload.alliance, "alliance")
    refs.check()
    budget = services.budget_allocate(
        program=program,
        organization=organization,
        alliance=alliance,
        fiscal_year=payload.fiscal_year,
        amount=payload.amount,
        currency=payload.currency,
        expiry_date=payload.expiry_date,
        note=payload.note,
        user=user,
    )
    return Status(201, _budget_detail(user, budget.pk))


@router.post("/mdf/budgets/{budget_id}/top-ups", response={201: BudgetDetailOut, **WRITE_ERRORS})
def budget_top_up(request: HttpRequest, budget_id: int, payload: TopUpIn):
    user = acting_user(request)
    services.budget_top_up(
        budget=_budget(user, budget_id), amount=payload.amount, note=payload.note, user=user
    )
    return Status(201, _budget_detail(user, budget_id))


# --- requests -------------------------------------------------------------------------------------


class RoiLineOut(Schema):
    label: str
    kind: str
    amount: Money
    currency: str
    on: date
    rate: Decimal | None
    converted: Money | None
    problem: str


class RoiOut(Schema):
    currency: str
    pipeline: Money
    revenue: Money
    paid: Money
    pipeline_ratio: Decimal | None
    revenue_ratio: Decimal | None
    lines: list[RoiLineOut]


class RequestOut(Schema):
    id: int
    budget_id: int
    organization: OrganizationRef = Field(alias="budget.organization")
    currency: str
    activity: str
    description: str
    planned_cost: Money
    partner_share: Decimal
    requested_amount: Money
    approved_amount: Money | None
    expected_outcome: str
    campaign_name: str
    status: RequestStatus
    decision_reason: str
    submitted_at: datetime | None
    decided_at: datetime | None
    opportunity_ids: list[int]
    version: int


class RequestDetailOut(RequestOut):
    roi: RoiOut


class RequestIn(InputSchema):
    budget: Id
    activity: Text = Field(min_length=1, max_length=200)
    description: Text = ""
    planned_cost: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    partner_share: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    requested_amount: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    expected_outcome: Text = ""
    campaign_name: Text = Field("", max_length=200)
    opportunities: list[Id] = []
    submit: bool = Field(True, description="false keeps it as a draft.")


class ApproveIn(InputSchema):
    amount: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2, description="Less than requested = a partial approval."
    )
    reason: Text = ""


class ReasonIn(InputSchema):
    reason: Text = Field(min_length=1)


class RequestFilters(Schema):
    status: RequestStatus | None = None
    budget: Id | None = None


def _request_row(obj: FundRequest) -> FundRequest:
    obj.opportunity_ids = sorted(o.pk for o in obj.opportunities.all())
    return obj


def _request(user, pk: int) -> FundRequest:
    return get_visible(FundRequest, user, pk, selectors.request_list(user=user))


def _request_detail(user, pk: int) -> FundRequest:
    obj = _request_row(_request(user, pk))
    obj.roi = roi.request_roi(user=user, request=obj)
    return obj


@router.get("/mdf/requests", response={200: list[RequestOut], **READ_ERRORS})
@paginate(Page)
def request_list(request: HttpRequest, filters: Query[RequestFilters]):
    user = acting_user(request)
    qs = selectors.request_list(user=user).active().prefetch_related("opportunities")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.budget:
        qs = qs.filter(budget_id=filters.budget)
    return [_request_row(r) for r in qs.order_by("-created_at", "-pk")]


@router.get("/mdf/requests/{request_id}", response={200: RequestDetailOut, **READ_ERRORS})
def request_detail(request: HttpRequest, request_id: int):
    return _request_detail(acting_user(request), request_id)


@router.post("/mdf/requests", response={201: RequestDetailOut, **WRITE_ERRORS})
def request_create(request: HttpRequest, payload: RequestIn):
    """Request funds (partner users on their own budgets; alliance managers and admins)."""
    user = acting_user(request)
    refs = Resolver(user)
    budget = refs.one(Budget, payload.budget, "budget")
    opportunities = refs.many(Opportunity, payload.opportunities, "opportunities")
    refs.check()
    data = payload.dict(exclude={"budget", "opportunities", "submit"})
    created = services.request_create(
        budget=budget, data=data, opportunities=opportunities, submit=payload.submit, user=user
    )
    return Status(201, _request_detail(user, created.pk))


@router.post("/mdf/requests/{request_id}/submit", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_submit(request: HttpRequest, request_id: int):
    user = acting_user(request)
    services.request_submit(request=_request(user, request_id), user=user)
    return _request_detail(user, request_id)


@router.post("/mdf/requests/{request_id}/approve", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_approve(request: HttpRequest, request_id: int, payload: ApproveIn):
    """Approve in full, or partially with a lower ``amount`` and a ``reason``. More than the
    budget has available answers 422 on ``approved_amount``."""
    user = acting_user(request)
    services.request_approve(
        request=_request(user, request_id), amount=payload.amount, reason=payload.reason, user=user
    )
    return _request_detail(user, request_id)


@router.post("/mdf/requests/{request_id}/reject", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_reject(request: HttpRequest, request_id: int, payload: ReasonIn):
    user = acting_user(request)
    services.request_reject(request=_request(user, request_id), reason=payload.reason, user=user)
    return _request_detail(user, request_id)


@router.post("/mdf/requests/{request_id}/cancel", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_cancel(request: HttpRequest, request_id: int):
    user = acting_user(request)
    services.request_cancel(request=_request(user, request_id), user=user)
    return _request_detail(user, request_id)


# Register the claim, payment and rate operations, and /incentives/plans, statements, exceptions.
from . import api_claims, api_incentives  # noqa: E402, F401
