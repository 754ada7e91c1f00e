"""REST API of incentive plans (rules, enrollments), statements (compute, approve, pay) and the
exceptions list: sales reps' bonuses and partners' referral fees, one engine
(``funds/incentives.py``), writes through ``services_incentives``.

Registered on the router of ``funds.api`` (imported at its end).

Reads start from ``visible_to``: a sales rep reads only their own statements; a partner user
reads only the partner plans it is enrolled in (with its own enrollment) and its own
statements - anything else is 404. Writes: alliance managers and admins (others 403). The
exceptions list is for internal users only: a partner user gets 403.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from amity.core import periods
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    InputSchema,
    Money,
    OrganizationRef,
    Page,
    Resolver,
    Text,
    acting_user,
    changes,
    get_visible,
    partial,
)
from amity.core.models import user_role
from amity.core.roles import INTERNAL_ROLES, Role
from amity.core.services import ConflictError, require
from amity.partners.models import Organization
from amity.pipeline.models import PartnerRole

from . import incentives
from . import services_incentives as svc
from .api import Ref, router
from .models import (
    Audience,
    Enrollment,
    IncentivePlan,
    IncentiveRule,
    RuleKind,
    Statement,
    StatementStatus,
)

TAGS = ["incentives"]

# --- shared pieces -------------------------------------------------------------------------------


class PayeeOut(Schema):
    type: Literal["rep", "partner"] = Field(
        description="`rep`: one of our sales reps; `partner`: an organization."
    )
    id: int
    name: str


def _payee(payee: Any) -> dict | None:
    if payee is None:
        return None
    kind = "partner" if isinstance(payee, Organization) else "rep"
    return {"type": kind, "id": payee.pk, "name": payee.name if kind == "partner" else str(payee)}


def _person(user: Any) -> dict | None:
    return None if user is None else {"id": user.pk, "name": str(user)}


# --- plans, rules, enrollments -------------------------------------------------------------------


class IncentiveRuleOut(Schema):
    id: int
    name: str
    order: int
    kind: RuleKind
    partner_roles: list[str] = Field(description="Empty: any partner role.")
    registered_only: bool
    min_deal_amount: Money | None
    rate_percent: Decimal | None
    accelerated_percent: Decimal | None
    fixed_amount: Money | None
    description: str = Field(description="The rule in words, amounts in the plan currency.")
    version: int


class EnrollmentOut(Schema):
    id: int
    rep: Ref | None
    organization: OrganizationRef | None
    valid_from: date
    valid_to: date | None


class IncentivePlanOut(Schema):
    id: int
    name: str
    audience: Audience
    description: str
    currency: str
    valid_from: date
    valid_to: date | None
    quarterly_target: Money | None
    quarterly_cap: Money | None
    active: bool
    version: int


class IncentivePlanDetailOut(IncentivePlanOut):
    rules: list[IncentiveRuleOut] = Field(description="Active rules, in the order they are applied.")
    enrollments: list[EnrollmentOut]

    @staticmethod
    def resolve_rules(obj: IncentivePlan) -> list:
        return obj.rules_list

    @staticmethod
    def resolve_enrollments(obj: IncentivePlan) -> list:
        return obj.enrollments_list


class IncentivePlanEdit(InputSchema):
    name: Text = Field(min_length=1, max_length=200)
    description: Text = ""
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$", description="Default: the reporting currency.")
    valid_from: date = Field(description="Deals closed on or after this day count.")
    valid_to: date | None = Field(None, description="Last day of the plan (null: open-ended).")
    quarterly_target: Decimal | None = Field(
        None,
        gt=0,
        max_digits=14,
        decimal_places=2,
        description="Revenue per payee and quarter above which accelerated rates apply.",
    )
    quarterly_cap: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2, description="Most a payee earns per quarter."
    )
    active: bool = True


class IncentivePlanIn(IncentivePlanEdit):
    audience: Audience = Field(description="`rep`: our sales reps; `partner`: referral fees and rebates.")


#: The audience is fixed once the plan exists (its enrollments and statements depend on it).
IncentivePlanPatch = partial(IncentivePlanEdit, "IncentivePlanPatch")


class IncentiveRuleIn(InputSchema):
    name: Text = Field(min_length=1, max_length=200)
    order: int = Field(10, ge=0, le=2**31 - 1, description="Rules are applied in this order.")
    kind: RuleKind = RuleKind.PERCENT
    partner_roles: list[PartnerRole] = Field(default_factory=list, description="Empty: any partner role.")
    registered_only: bool = False
    min_deal_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    rate_percent: Decimal | None = Field(
        None, ge=0, le=100, max_digits=6, decimal_places=3, description="Required for `percent` rules."
    )
    accelerated_percent: Decimal | None = Field(
        None, ge=0, le=100, max_digits=6, decimal_places=3, description="Paid on revenue above the target."
    )
    fixed_amount: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2, description="Required for `fixed` rules."
    )


class EnrollmentIn(InputSchema):
    rep: Id | None = Field(None, description="The rep's user id (rep plans).")
    organization: Id | None = Field(None, description="The partner organization's id (partner plans).")
    valid_from: date | None = Field(None, description="Default: the plan's first day.")
    valid_to: date | None = None


class IncentivePlanFilters(Schema):
    audience: Audience | None = None
    active: bool | None = None


def _plans(user):
    return IncentivePlan.objects.visible_to(user)


def _plan(user, pk: int) -> IncentivePlan:
    return get_visible(IncentivePlan, user, pk, _plans(user))


def _plan_detail(user, pk: int) -> IncentivePlan:
    plan = _plan(user, pk)
    rules = list(IncentiveRule.objects.visible_to(user).active().filter(plan=plan).order_by("order", "pk"))
    for rule in rules:
        rule.description = rule.describe(plan.currency)
    plan.rules_list = rules
    plan.enrollments_list = [
        {
            "id": e.pk,
            "rep": _person(e.rep),
            "organization": e.organization,
            "valid_from": e.valid_from,
            "valid_to": e.valid_to,
        }
        for e in Enrollment.objects.visible_to(user)
        .active()
        .filter(plan=plan)
        .select_related("rep", "organization")
        .order_by("valid_from", "pk")
    ]
    return plan


@router.get("/incentives/plans", response={200: list[IncentivePlanOut], **READ_ERRORS}, tags=TAGS)
@paginate(Page)
def plan_list(request: HttpRequest, filters: Query[IncentivePlanFilters]):
    """Incentive plans (a partner user: the partner plans it is enrolled in)."""
    qs = _plans(acting_user(request)).active()
    if filters.audience:
        qs = qs.filter(audience=filters.audience)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return qs.order_by("audience", "name", "pk")


@router.get("/incentives/plans/{plan_id}", response={200: IncentivePlanDetailOut, **READ_ERRORS}, tags=TAGS)
def plan_detail(request: HttpRequest, plan_id: int):
    """A plan with its rules (each in words) and enrollments (a partner user: its own only)."""
    return _plan_detail(acting_user(request), plan_id)


@router.post("/incentives/plans", response={201: IncentivePlanDetailOut, **WRITE_ERRORS}, tags=TAGS)
def plan_create(request: HttpRequest, payload: IncentivePlanIn):
    """Create a plan (alliance managers, admins); add its rules and enrollments next."""
    user = acting_user(request)
    data = payload.dict()
    if data["currency"] is None:
        del data["currency"]
    plan = svc.plan_create(data=data, user=user)
    return Status(201, _plan_detail(user, plan.pk))


@router.patch(
    "/incentives/plans/{plan_id}", response={200: IncentivePlanDetailOut, **WRITE_ERRORS}, tags=TAGS
)
def plan_update(request: HttpRequest, plan_id: int, payload: IncentivePlanPatch):  # type: ignore[valid-type]
    """Change a plan (not its audience); send the ``version`` you edited - a stale one answers 409."""
    user = acting_user(request)
    data, version = changes(payload)
    svc.plan_update(plan=_plan(user, plan_id), data=data, user=user, expected_version=version)
    return _plan_detail(user, plan_id)


@router.post("/incentives/plans/{plan_id}/rules", response={201: IncentiveRuleOut, **WRITE_ERRORS}, tags=TAGS)
def rule_create(request: HttpRequest, plan_id: int, payload: IncentiveRuleIn):
    """Add a rule: ``percent`` of closed-won revenue (``rate_percent``, optionally
    ``accelerated_percent`` above the plan's target) or a ``fixed`` amount per won deal."""
    user = acting_user(request)
    plan = _plan(user, plan_id)
    data = payload.dict()
    data["partner_roles"] = [PartnerRole(r).value for r in data["partner_roles"]]
    rule = svc.rule_create(plan=plan, data=data, user=user)
    rule.description = rule.describe(plan.currency)
    return Status(201, rule)


@router.post(
    "/incentives/plans/{plan_id}/enrollments",
    response={201: IncentivePlanDetailOut, **WRITE_ERRORS},
    tags=TAGS,
)
def enrollment_create(request: HttpRequest, plan_id: int, payload: EnrollmentIn):
    """Enroll a rep (``rep``: a user id, rep plans) or a partner (``organization``, partner plans)."""
    user = acting_user(request)
    plan = _plan(user, plan_id)
    require(user, "create", Enrollment)
    refs = Resolver(user)
    if plan.audience == Audience.REP:
        if payload.organization is not None:
            refs.errors["organization"] = ["A rep plan enrolls reps: give `rep`."]
        people = get_user_model().objects.filter(is_active=True, role__in=sorted(INTERNAL_ROLES))
        rep = refs.one(get_user_model(), payload.rep, "rep", queryset=people)
        organization = None
    else:
        if payload.rep is not None:
            refs.errors["rep"] = ["A partner plan enrolls partner organizations: give `organization`."]
        rep = None
        organization = refs.one(Organization, payload.organization, "organization")
    refs.check()
    svc.enroll(
        plan=plan,
        rep=rep,
        organization=organization,
        valid_from=payload.valid_from or plan.valid_from,
        valid_to=payload.valid_to,
        user=user,
    )
    return Status(201, _plan_detail(user, plan_id))


# --- statements ----------------------------------------------------------------------------------


class StatementOut(Schema):
    id: int
    plan: Ref
    audience: Audience
    payee: PayeeOut
    quarter: str = Field(description='The fiscal quarter, e.g. "Q3 FY2026".')
    period_start: date
    period_end: date
    currency: str
    basis: Money = Field(description="Revenue counted, in the plan currency.")
    total: Money = Field(description="Earned: the sum of the lines.")
    status: StatementStatus
    computed_at: datetime | None
    approved_by: Ref | None
    approved_at: datetime | None
    paid_on: date | None
    payment_reference: str
    version: int

    @staticmethod
    def resolve_audience(obj: Statement) -> str:
        return obj.plan.audience

    @staticmethod
    def resolve_payee(obj: Statement) -> dict | None:
        return _payee(obj.payee)

    @staticmethod
    def resolve_quarter(obj: Statement) -> str:
        return obj.quarter_label

    @staticmethod
    def resolve_approved_by(obj: Statement) -> dict | None:
        return _person(obj.approved_by)


class LineOut(Schema):
    id: int
    opportunity: Ref
    close_date: date
    deal_amount: Money
    deal_currency: str
    rate: Decimal = Field(description="Exchange rate, deal currency → plan currency.")
    basis: Money = Field(description="The deal amount in the plan currency.")
    amount: Money = Field(description="Earned, in the plan currency.")
    explanation: str = Field(description="The calculation in words.")
    rule: Ref


class StatementDetailOut(StatementOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Statement) -> list:
        return list(
            obj.lines.select_related("opportunity", "rule").order_by(
                "close_date", "opportunity_id", "rule__order", "pk"
            )
        )


class StatementFilters(Schema):
    plan: Id | None = None
    status: StatementStatus | None = None
    audience: Audience | None = None
    quarter: date | None = Field(None, description="Any day of the fiscal quarter.")
    rep: Id | None = None
    organization: Id | None = None


class ComputeIn(InputSchema):
    day: date = Field(description="Any day of the fiscal quarter to compute.")
    audience: Audience | None = Field(None, description="Only rep or only partner plans (default: both).")


class StatementApproveIn(InputSchema):
    version: int | None = Field(None, ge=1, description="The version you reviewed; a stale one answers 409.")


class StatementPayIn(InputSchema):
    paid_on: date
    reference: Text = Field("", max_length=100, description="Payroll run or bank transfer reference.")


def _statements(user):
    return Statement.objects.visible_to(user).select_related("plan", "rep", "organization", "approved_by")


def _statement(user, pk: int) -> Statement:
    return get_visible(Statement, user, pk, _statements(user))


@router.get("/incentives/statements", response={200: list[StatementOut], **READ_ERRORS}, tags=TAGS)
@paginate(Page)
def statement_list(request: HttpRequest, filters: Query[StatementFilters]):
    """Statements per payee, plan and quarter (a sales rep: their own; a partner user: its own)."""
    qs = _statements(acting_user(request)).active()
    if filters.plan:
        qs = qs.filter(plan_id=filters.plan)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.audience:
        qs = qs.filter(plan__audience=filters.audience)
    if filters.quarter:
        qs = qs.filter(period_start=periods.fiscal_quarter_of(filters.quarter).start)
    if filters.rep:
        qs = qs.filter(rep_id=filters.rep)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    return qs.order_by("-period_start", "plan__name", "pk")


@router.post("/incentives/statements/compute", response={200: list[StatementOut], **WRITE_ERRORS}, tags=TAGS)
def statements_compute(request: HttpRequest, payload: ComputeIn):
    """Compute the draft statements of every enrolled payee of every active plan for the quarter
    of ``day`` (alliance managers, admins); approved and paid statements are left as they are.
    Answers the drafts computed."""
    user = acting_user(request)
    computed = svc.statements_generate(day=payload.day, audience=payload.audience, user=user)
    by_pk = {s.pk: s for s in _statements(user).filter(pk__in=[s.pk for s in computed])}
    return [by_pk[s.pk] for s in computed if s.pk in by_pk]


@router.get(
    "/incentives/statements/{statement_id}", response={200: StatementDetailOut, **READ_ERRORS}, tags=TAGS
)
def statement_detail(request: HttpRequest, statement_id: int):
    """A statement with its lines: one per deal and rule, with the calculation in words."""
    return _statement(acting_user(request), statement_id)


@router.post(
    "/incentives/statements/{statement_id}/approve",
    response={200: StatementDetailOut, **WRITE_ERRORS},
    tags=TAGS,
)
def statement_approve(request: HttpRequest, statement_id: int, payload: StatementApproveIn):
    """Approve a draft (alliance managers, admins): its lines are frozen. Send ``{}``, or
    ``{"version": n}`` with the version you reviewed (a stale one answers 409)."""
    user = acting_user(request)
    statement = _statement(user, statement_id)
    if payload.version is not None and statement.version != payload.version:
        raise ConflictError(statement, payload.version)
    svc.statement_approve(statement=statement, user=user, expected_version=payload.version)
    return _statement(user, statement_id)


@router.post(
    "/incentives/statements/{statement_id}/pay",
    response={200: StatementDetailOut, **WRITE_ERRORS},
    tags=TAGS,
)
def statement_pay(request: HttpRequest, statement_id: int, payload: StatementPayIn):
    """Record the payment of an approved statement (alliance managers, admins). A missing
    reference answers 422 on ``payment_reference``."""
    user = acting_user(request)
    svc.statement_pay(
        statement=_statement(user, statement_id),
        paid_on=payload.paid_on,
        reference=payload.reference,
        user=user,
    )
    return _statement(user, statement_id)


# --- exceptions ----------------------------------------------------------------------------------


class PeriodOut(Schema):
    label: str
    start: date
    end: date


class DealOut(Schema):
    id: int
    name: str
    amount: Money
    currency: str
    close_date: date | None


class ExceptionOut(Schema):
    opportunity: DealOut
    payee: PayeeOut | None = Field(description="Who should have earned; null when nobody can (no owner).")
    plan: str | None = Field(description="The plan, when the miss is about one plan.")
    reason: str = Field(description="Why it earned nothing (per plan when several apply).")


class ExceptionsOut(Schema):
    period: PeriodOut
    audience: Audience
    items: list[ExceptionOut]


class ExceptionFilters(Schema):
    day: date | None = Field(None, description="Any day of the fiscal quarter (default: today).")
    audience: Audience = Audience.REP


@router.get("/incentives/exceptions", response={200: ExceptionsOut, **READ_ERRORS, 403: ErrorOut}, tags=TAGS)
def exception_list(request: HttpRequest, filters: Query[ExceptionFilters]):
    """Every closed-won partner deal of the quarter that earned nothing, and why.

    Internal users only: a partner user gets 403 (the list names other payees and our reps).
    A sales rep gets the exceptions of the deals they own.
    """
    user = acting_user(request)
    role = user_role(user)
    if role not in INTERNAL_ROLES:
        raise PermissionDenied("The incentive exceptions are for our own people.")
    period = periods.fiscal_quarter_of(filters.day or timezone.localdate())
    misses = incentives.exceptions(period=period, audience=filters.audience)
    if role == Role.SALES:
        misses = [m for m in misses if m.opportunity.owner_id == user.pk]
    return {
        "period": period,
        "audience": filters.audience,
        "items": [
            {
                "opportunity": m.opportunity,
                "payee": _payee(m.payee),
                "plan": m.plan.name if m.plan is not None else None,
                "reason": m.reason,
            }
            for m in misses
        ],
    }
