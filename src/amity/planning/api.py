"""REST API for joint planning: plans (with agreement, status and renewal), their
objectives, roadmap milestones, joint initiatives with resources, joint offerings.

Reads start from ``visible_to``: a partner user reads the items of alliances their
organization is party to (anything else is 404) and may ``POST /plans/{id}/agree`` for
their side; every other write is for internal editors (403 for anyone else who sees it).
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.accounts.models import User
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
    archived_flag,
    changes,
    get_visible,
    partial,
)
from amity.core.services import model_archive, require
from amity.partners.models import Organization

from . import selectors, services
from .models import (
    InitiativeStatus,
    JointBusinessPlan,
    JointInitiative,
    JointOffering,
    Milestone,
    MilestoneCategory,
    MilestoneStatus,
    OfferingStatus,
    PlanObjective,
    PlanStatus,
    ResourceKind,
)

router = Router()

#: Model field → the name the client sends (errors are reported under the client's name).
RENAMES = {
    "owner": "owner_id",
    "owning_side": "owning_side_id",
    "organization": "organization_id",
    "launch_milestone": "launch_milestone_id",
    "alliance": "alliance_id",
}
Amount = Field(None, ge=0, max_digits=14, decimal_places=2)


@contextmanager
def client_names():
    """Report model field errors under the names the client sent, also inside nested rows
    (``resources.0.organization`` → ``resources.0.organization_id``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise

        def rename(key: str) -> str:
            head, _, last = key.rpartition(".")
            last = RENAMES.get(last, last)
            return f"{head}.{last}" if head else last

        raise ValidationError({rename(k): v for k, v in exc.error_dict.items()}) from exc


def _user(resolve: Resolver, pk: int | None, field: str) -> Any:
    return resolve.one(User, pk, field, User.objects.filter(is_active=True).select_related("organization"))


def _alliance(resolve: Resolver, pk: int) -> Alliance | None:
    return resolve.one(Alliance, pk, "alliance_id")


# --- shared shapes ------------------------------------------------------------------------


class AllianceRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return str(obj)


class ArchivedFilter(Schema):
    include_archived: bool = False


# --- plans --------------------------------------------------------------------------------


class SideOut(Schema):
    organization: OrganizationRef
    role: str
    agreed: bool
    agreed_by: str | None = Field(description="Username of who agreed (or recorded the agreement).")
    agreed_at: datetime | None
    on_behalf: bool = Field(description="Recorded by an internal editor for this side, with a note.")
    note: str


class PlanOut(Schema):
    id: int
    alliance: AllianceRef
    fiscal_year: int
    period_start: date
    period_end: date
    title: str
    thesis: str
    revenue_target: Money | None
    currency: str
    revenue_growth_pct: Decimal | None
    capability_expectations: str = Field(description="One expectation per line.")
    owner: PersonRef | None
    status: PlanStatus
    status_label: str
    proposed_at: datetime | None
    agreed_at: datetime | None
    activated_at: datetime | None
    closed_at: datetime | None
    renewed_from_id: int | None
    renewed_into_id: int | None
    sides: list[SideOut] = Field(description="Every party of the alliance and whether it agreed.")
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_period_start(obj: JointBusinessPlan) -> date:
        return obj.period.start

    @staticmethod
    def resolve_period_end(obj: JointBusinessPlan) -> date:
        return obj.period.end

    @staticmethod
    def resolve_status_label(obj: JointBusinessPlan) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_renewed_into_id(obj: JointBusinessPlan) -> int | None:
        renewal = next(iter(obj.renewals.all()), None)
        return renewal.pk if renewal else None

    @staticmethod
    def resolve_sides(obj: JointBusinessPlan) -> list[dict[str, Any]]:
        return [
            {
                "organization": s.organization,
                "role": s.party.role,
                "agreed": s.agreed,
                "agreed_by": s.agreement.agreed_by.username if s.agreement else None,
                "agreed_at": s.agreement.agreed_at if s.agreement else None,
                "on_behalf": bool(s.agreement and s.agreement.on_behalf),
                "note": s.agreement.note if s.agreement else "",
            }
            for s in selectors.plan_sides(obj)
        ]

    @staticmethod
    def resolve_archived(obj: JointBusinessPlan) -> bool:
        return archived_flag(obj)


class PlanEdit(InputSchema):
    """A plan's own fields; its status changes through ``/status``, ``/agree`` and ``/renew``."""

    fiscal_year: int = Field(None, ge=2000, le=2100, description="Defaults to this fiscal year.")
    title: Text = Field(
        "", max_length=200, description="Defaults to “<alliance> joint business plan FY<year>”."
    )
    thesis: Text = ""
    revenue_target: Decimal | None = Amount
    currency: str = Field(
        None, pattern=r"^[A-Z]{3}$", description="ISO 4217; defaults to the reporting currency."
    )
    revenue_growth_pct: Decimal | None = Field(None, ge=-100, le=9999, max_digits=6, decimal_places=2)
    capability_expectations: Text = Field("", description="One expectation per line.")
    owner_id: Id | None = Field(None, description="An alliance manager or admin; defaults to you.")


class PlanIn(PlanEdit):
    alliance_id: Id


PlanPatch = partial(PlanEdit, "PlanPatch")


class PlanFilters(ArchivedFilter):
    alliance: Id | None = Field(None, description="Alliance id.")
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    status: PlanStatus | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.fiscal_year:
            qs = qs.filter(fiscal_year=self.fiscal_year)
        if self.status:
            qs = qs.filter(status=self.status)
        return qs


class PlanStatusIn(InputSchema):
    status: PlanStatus = Field(
        description="proposed, draft (withdraw), active or closed; agreed comes by agreeing."
    )
    version: int | None = Field(None, ge=1, description="The version you saw; a stale one answers 409.")


class AgreeIn(InputSchema):
    organization_id: Id | None = Field(
        None,
        description="Internal editors: a partner side to record the agreement for (with a note). "
        "Omit to agree for your own side.",
    )
    note: Text = Field("", max_length=2000, description="How the side agreed, when recorded on its behalf.")


def _plan_data(data: dict[str, Any], user: Any) -> dict[str, Any]:
    resolve = Resolver(user)
    if "owner_id" in data:
        data["owner"] = _user(resolve, data.pop("owner_id"), "owner_id")
    resolve.check()
    for name in ("fiscal_year", "currency"):
        if name in data and data[name] is None:
            data.pop(name)
    return data


def _plan_out(user: Any, plan: JointBusinessPlan) -> JointBusinessPlan:
    return selectors.plan_list(user=user, include_archived=True).get(pk=plan.pk)


def _plan(user: Any, plan_id: int) -> JointBusinessPlan:
    return get_visible(JointBusinessPlan, user, plan_id)


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS}, tags=["plans"])
@paginate(Page)
def plan_list(request: HttpRequest, filters: Query[PlanFilters]):
    qs = selectors.plan_list(user=acting_user(request), include_archived=filters.include_archived)
    return filters.apply(qs).order_by("-fiscal_year", "alliance__name", "id")


@router.post("/plans", response={201: PlanOut, **WRITE_ERRORS}, tags=["plans"])
def plan_create(request: HttpRequest, payload: PlanIn):
    """A draft plan of one alliance for one fiscal year (one per alliance and year)."""
    user = acting_user(request)
    require(user, "create", JointBusinessPlan)
    data = payload.dict(exclude_unset=True)
    resolve = Resolver(user)
    alliance = _alliance(resolve, data.pop("alliance_id"))
    resolve.check()
    with client_names():
        plan = services.plan_create(alliance=alliance, data=_plan_data(data, user), user=user)
    return Status(201, _plan_out(user, plan))


@router.get("/plans/{plan_id}", response={200: PlanOut, **READ_ERRORS}, tags=["plans"])
def plan_detail(request: HttpRequest, plan_id: int):
    user = acting_user(request)
    return get_visible(
        JointBusinessPlan, user, plan_id, selectors.plan_list(user=user, include_archived=True)
    )


@router.patch("/plans/{plan_id}", response={200: PlanOut, **WRITE_ERRORS}, tags=["plans"])
def plan_update(request: HttpRequest, plan_id: int, payload: PlanPatch):  # type: ignore[valid-type]
    """Edit a plan. Changing its substance after a side agreed resets the agreement."""
    user = acting_user(request)
    plan = _plan(user, plan_id)
    require(user, "change", plan)
    data, version = changes(payload)
    with client_names():
        plan, _ = services.plan_update(
            plan=plan, data=_plan_data(data, user), user=user, expected_version=version
        )
    return _plan_out(user, plan)


@router.delete("/plans/{plan_id}", response={204: None, **WRITE_ERRORS}, tags=["plans"])
def plan_archive(request: HttpRequest, plan_id: int):
    user = acting_user(request)
    model_archive(instance=_plan(user, plan_id), user=user)
    return Status(204, None)


@router.post("/plans/{plan_id}/status", response={200: PlanOut, **WRITE_ERRORS}, tags=["plans"])
def plan_status(request: HttpRequest, plan_id: int, payload: PlanStatusIn):
    """Propose, withdraw to draft, activate or close a plan."""
    user = acting_user(request)
    plan = services.plan_set_status(
        plan=_plan(user, plan_id), status=payload.status, user=user, expected_version=payload.version
    )
    return _plan_out(user, plan)


@router.post("/plans/{plan_id}/agree", response={200: PlanOut, **WRITE_ERRORS}, tags=["plans"])
def plan_agree(request: HttpRequest, plan_id: int, payload: AgreeIn):
    """Agree to a proposed plan for your side. When every side agreed, the plan is agreed."""
    user = acting_user(request)
    plan = _plan(user, plan_id)
    resolve = Resolver(user)
    organization = resolve.one(Organization, payload.organization_id, "organization_id")
    resolve.check()
    with client_names():
        plan = services.plan_agree(plan=plan, user=user, organization=organization, note=payload.note)
    return _plan_out(user, plan)


@router.post("/plans/{plan_id}/renew", response={201: PlanOut, **WRITE_ERRORS}, tags=["plans"])
def plan_renew(request: HttpRequest, plan_id: int):
    """Review and renew: next year's plan as a draft from this one (which is closed)."""
    user = acting_user(request)
    renewed = services.plan_renew(plan=_plan(user, plan_id), user=user)
    return Status(201, _plan_out(user, renewed))


# --- objectives ---------------------------------------------------------------------------


class PlanQuarterOut(Schema):
    quarter: str
    start: date
    end: date
    target: Decimal
    actual: Decimal | None
    progress_pct: Decimal | None = Field(description="Actual as a percentage of the target.")
    explanation: str


class PlanObjectiveOut(Schema):
    id: int
    plan_id: int
    order: int
    title: str
    metric: str
    unit: str
    owning_side: OrganizationRef | None
    owner: PersonRef | None
    target_q1: Decimal
    target_q2: Decimal
    target_q3: Decimal
    target_q4: Decimal
    actual_q1: Decimal | None
    actual_q2: Decimal | None
    actual_q3: Decimal | None
    actual_q4: Decimal | None
    quarters: list[PlanQuarterOut]
    total_target: Decimal
    total_actual: Decimal | None
    progress_to_date_pct: Decimal | None = Field(
        description="Reported actuals against the targets of the same quarters."
    )
    progress_of_year_pct: Decimal | None
    explanation: str
    version: int
    archived: bool

    @staticmethod
    def resolve_quarters(obj: PlanObjective) -> list[dict[str, Any]]:
        return [
            {
                "quarter": q.label,
                "start": q.start,
                "end": q.end,
                "target": q.target,
                "actual": q.actual,
                "progress_pct": q.progress,
                "explanation": q.explanation,
            }
            for q in obj.quarters()
        ]

    @staticmethod
    def resolve_progress_to_date_pct(obj: PlanObjective) -> Decimal | None:
        return obj.progress_to_date

    @staticmethod
    def resolve_progress_of_year_pct(obj: PlanObjective) -> Decimal | None:
        return obj.progress_of_year

    @staticmethod
    def resolve_explanation(obj: PlanObjective) -> str:
        return obj.progress_explanation

    @staticmethod
    def resolve_archived(obj: PlanObjective) -> bool:
        return archived_flag(obj)


Quarterly = Field(None, ge=0, max_digits=14, decimal_places=2)


class PlanObjectiveIn(InputSchema):
    title: Text = Field(..., min_length=1, max_length=200)
    metric: Text = Field("", max_length=200)
    unit: Text = Field("", max_length=30)
    owning_side_id: Id | None = None
    owner_id: Id | None = None
    order: int | None = Field(None, ge=0, le=32767)
    target_q1: Decimal | None = Quarterly
    target_q2: Decimal | None = Quarterly
    target_q3: Decimal | None = Quarterly
    target_q4: Decimal | None = Quarterly
    actual_q1: Decimal | None = Quarterly
    actual_q2: Decimal | None = Quarterly
    actual_q3: Decimal | None = Quarterly
    actual_q4: Decimal | None = Quarterly


ObjectivePatch = partial(PlanObjectiveIn, "ObjectivePatch")


def _objective_data(data: dict[str, Any], user: Any) -> dict[str, Any]:
    resolve = Resolver(user)
    if "owning_side_id" in data:
        data["owning_side"] = resolve.one(Organization, data.pop("owning_side_id"), "owning_side_id")
    if "owner_id" in data:
        data["owner"] = _user(resolve, data.pop("owner_id"), "owner_id")
    resolve.check()
    if "title" in data and data["title"] is None:
        raise ValidationError({"title": "An objective needs a title."})
    return data


def _objectives(user: Any) -> QuerySet:
    return PlanObjective.objects.visible_to(user).select_related("plan", "owning_side", "owner")


@router.get(
    "/plans/{plan_id}/objectives",
    response={200: list[PlanObjectiveOut], **READ_ERRORS},
    tags=["plan objectives"],
)
@paginate(Page)
def objective_list(request: HttpRequest, plan_id: int, filters: Query[ArchivedFilter]):
    user = acting_user(request)
    plan = _plan(user, plan_id)
    return selectors.objective_list(user=user, plan=plan, include_archived=filters.include_archived)


@router.post(
    "/plans/{plan_id}/objectives", response={201: PlanObjectiveOut, **WRITE_ERRORS}, tags=["plan objectives"]
)
def objective_create(request: HttpRequest, plan_id: int, payload: PlanObjectiveIn):
    """Add an objective; on a proposed or agreed plan this resets the agreement."""
    user = acting_user(request)
    plan = _plan(user, plan_id)
    require(user, "change", plan)
    data = _objective_data(payload.dict(exclude_unset=True), user)
    with client_names():
        objective = services.objective_create(plan=plan, data=data, user=user)
    return Status(201, _objectives(user).get(pk=objective.pk))


@router.get(
    "/plan-objectives/{objective_id}",
    response={200: PlanObjectiveOut, **READ_ERRORS},
    tags=["plan objectives"],
)
def objective_detail(request: HttpRequest, objective_id: int):
    user = acting_user(request)
    return get_visible(PlanObjective, user, objective_id, _objectives(user))


@router.patch(
    "/plan-objectives/{objective_id}",
    response={200: PlanObjectiveOut, **WRITE_ERRORS},
    tags=["plan objectives"],
)
def objective_update(request: HttpRequest, objective_id: int, payload: ObjectivePatch):  # type: ignore[valid-type]
    """Report actuals freely; changing title, metric, unit, side or targets resets the agreement."""
    user = acting_user(request)
    objective = get_visible(PlanObjective, user, objective_id)
    require(user, "change", objective)
    data, version = changes(payload)
    data = _objective_data(data, user)
    with client_names():
        objective, _ = services.objective_update(
            objective=objective, data=data, user=user, expected_version=version
        )
    return _objectives(user).get(pk=objective.pk)


@router.delete(
    "/plan-objectives/{objective_id}", response={204: None, **WRITE_ERRORS}, tags=["plan objectives"]
)
def objective_archive(request: HttpRequest, objective_id: int):
    user = acting_user(request)
    services.objective_archive(objective=get_visible(PlanObjective, user, objective_id), user=user)
    return Status(204, None)


# --- milestones ---------------------------------------------------------------------------


class MilestoneRef(Schema):
    id: int
    title: str
    due_date: date
    status: str


class MilestoneOut(Schema):
    id: int
    alliance: AllianceRef
    title: str
    category: MilestoneCategory
    category_label: str
    description: str
    due_date: date
    original_due_date: date | None
    status: MilestoneStatus
    status_label: str
    completed_on: date | None
    owning_side: OrganizationRef | None
    owner: PersonRef | None
    dependencies: list[int] = Field(description="Ids of the milestones this one waits on.")
    slipped: bool = Field(description="Due later than first planned, or past due and not done.")
    moved_days: int = Field(description="Days the due date moved past the original one.")
    overdue_days: int
    slip_explanation: str
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_category_label(obj: Milestone) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj: Milestone) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_dependencies(obj: Milestone) -> list[int]:
        deps = getattr(obj, "active_dependencies", None)
        if deps is None:
            deps = obj.dependencies.active()
        return [d.pk for d in deps]

    @staticmethod
    def resolve_slipped(obj: Milestone) -> bool:
        return obj.slipped(timezone.localdate())

    @staticmethod
    def resolve_overdue_days(obj: Milestone) -> int:
        return obj.overdue_days(timezone.localdate())

    @staticmethod
    def resolve_slip_explanation(obj: Milestone) -> str:
        return obj.slip_explanation(timezone.localdate())

    @staticmethod
    def resolve_archived(obj: Milestone) -> bool:
        return archived_flag(obj)


class MilestoneEdit(InputSchema):
    title: Text = Field(..., min_length=1, max_length=200)
    category: MilestoneCategory = MilestoneCategory.OTHER
    description: Text = ""
    due_date: date
    status: MilestoneStatus = MilestoneStatus.PLANNED
    completed_on: date | None = Field(None, description="When it was done; defaults to today when done.")
    owning_side_id: Id | None = None
    owner_id: Id | None = None
    dependencies: list[Id] = Field(
        default_factory=list, description="Ids of milestones of the same alliance."
    )


class MilestoneIn(MilestoneEdit):
    alliance_id: Id


MilestonePatch = partial(MilestoneEdit, "MilestonePatch")


class MilestoneFilters(ArchivedFilter):
    alliance: Id | None = None
    status: MilestoneStatus | None = None
    category: MilestoneCategory | None = None
    due_after: date | None = Field(None, description="Due on or after this day.")
    due_before: date | None = Field(None, description="Due on or before this day.")

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.category:
            qs = qs.filter(category=self.category)
        if self.due_after:
            qs = qs.filter(due_date__gte=self.due_after)
        if self.due_before:
            qs = qs.filter(due_date__lte=self.due_before)
        return qs


def _milestone_data(data: dict[str, Any], user: Any) -> tuple[dict[str, Any], list[Milestone] | None]:
    resolve = Resolver(user)
    if "owning_side_id" in data:
        data["owning_side"] = resolve.one(Organization, data.pop("owning_side_id"), "owning_side_id")
    if "owner_id" in data:
        data["owner"] = _user(resolve, data.pop("owner_id"), "owner_id")
    deps = None
    if "dependencies" in data:
        deps = resolve.many(Milestone, data.pop("dependencies") or [], "dependencies")
    resolve.check()
    for name in ("title", "due_date", "category", "status"):
        if name in data and data[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    return data, deps


def _milestone_out(user: Any, milestone: Milestone) -> Milestone:
    return selectors.milestone_list(user=user, include_archived=True).get(pk=milestone.pk)


@router.get("/milestones", response={200: list[MilestoneOut], **READ_ERRORS}, tags=["roadmap"])
@paginate(Page)
def milestone_list(request: HttpRequest, filters: Query[MilestoneFilters]):
    qs = selectors.milestone_list(user=acting_user(request), include_archived=filters.include_archived)
    return filters.apply(qs).order_by("due_date", "id")


@router.post("/milestones", response={201: MilestoneOut, **WRITE_ERRORS}, tags=["roadmap"])
def milestone_create(request: HttpRequest, payload: MilestoneIn):
    """A roadmap milestone; a dependency cycle is refused (422 naming ``dependencies``)."""
    user = acting_user(request)
    require(user, "create", Milestone)
    data = payload.dict(exclude_unset=True)
    resolve = Resolver(user)
    alliance = _alliance(resolve, data.pop("alliance_id"))
    resolve.check()
    data, deps = _milestone_data(data, user)
    with client_names():
        milestone = services.milestone_create(alliance=alliance, data=data, user=user, dependencies=deps)
    return Status(201, _milestone_out(user, milestone))


@router.get("/milestones/{milestone_id}", response={200: MilestoneOut, **READ_ERRORS}, tags=["roadmap"])
def milestone_detail(request: HttpRequest, milestone_id: int):
    user = acting_user(request)
    return get_visible(
        Milestone, user, milestone_id, selectors.milestone_list(user=user, include_archived=True)
    )


@router.patch("/milestones/{milestone_id}", response={200: MilestoneOut, **WRITE_ERRORS}, tags=["roadmap"])
def milestone_update(request: HttpRequest, milestone_id: int, payload: MilestonePatch):  # type: ignore[valid-type]
    """Edit a milestone; ``dependencies`` replaces the list. Moving the due date shows as a slip."""
    user = acting_user(request)
    milestone = get_visible(Milestone, user, milestone_id)
    require(user, "change", milestone)
    data, version = changes(payload)
    data, deps = _milestone_data(data, user)
    with client_names():
        milestone, _ = services.milestone_update(
            milestone=milestone, data=data, user=user, expected_version=version, dependencies=deps
        )
    return _milestone_out(user, milestone)


@router.delete("/milestones/{milestone_id}", response={204: None, **WRITE_ERRORS}, tags=["roadmap"])
def milestone_archive(request: HttpRequest, milestone_id: int):
    user = acting_user(request)
    model_archive(instance=get_visible(Milestone, user, milestone_id), user=user)
    return Status(204, None)


# --- initiatives --------------------------------------------------------------------------


class ResourceOut(Schema):
    id: int
    organization: OrganizationRef
    kind: ResourceKind
    description: str
    requested: Decimal
    assigned: Decimal
    unit: str
    gap: Decimal = Field(description="requested − assigned")
    short: bool = Field(description="Assigned is less than requested.")


class GapOut(Schema):
    organization: OrganizationRef
    kind: ResourceKind
    unit: str
    requested: Decimal
    assigned: Decimal
    gap: Decimal
    short: bool
    explanation: str


class InitiativeOut(Schema):
    id: int
    alliance: AllianceRef
    title: str
    goal: str
    status: InitiativeStatus
    status_label: str
    start_date: date | None
    end_date: date | None
    owner: PersonRef | None
    resources: list[ResourceOut]
    gaps: list[GapOut] = Field(description="Per side, kind and unit: requested − assigned, explained.")
    has_gap: bool = Field(description="Some side assigned less than it was asked for.")
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status_label(obj: JointInitiative) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_resources(obj: JointInitiative) -> list[Any]:
        return list(_resources(obj))

    @staticmethod
    def resolve_gaps(obj: JointInitiative) -> list[dict[str, Any]]:
        return [
            {
                "organization": g.organization,
                "kind": g.kind,
                "unit": g.unit,
                "requested": g.requested,
                "assigned": g.assigned,
                "gap": g.gap,
                "short": g.short,
                "explanation": g.explanation,
            }
            for g in selectors.resource_gaps(list(_resources(obj)))
        ]

    @staticmethod
    def resolve_has_gap(obj: JointInitiative) -> bool:
        return any(r.short for r in _resources(obj))

    @staticmethod
    def resolve_archived(obj: JointInitiative) -> bool:
        return archived_flag(obj)


def _resources(obj: JointInitiative) -> Any:
    rows = getattr(obj, "active_resources", None)
    if rows is None:
        rows = list(obj.resources.active().select_related("organization"))
    return rows


class ResourceIn(InputSchema):
    id: Id | None = Field(None, description="An existing resource row to update; omit to add one.")
    organization_id: Id = Field(description="The side (a party of the alliance).")
    kind: ResourceKind = ResourceKind.HEADCOUNT
    description: Text = Field("", max_length=200)
    requested: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    assigned: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    unit: Text = Field("", max_length=20, description="FTE/people for headcount, a currency code for budget.")


class InitiativeEdit(InputSchema):
    title: Text = Field(..., min_length=1, max_length=200)
    goal: Text = ""
    status: InitiativeStatus = InitiativeStatus.PROPOSED
    start_date: date | None = None
    end_date: date | None = None
    owner_id: Id | None = None
    resources: list[ResourceIn] = Field(
        default_factory=list, description="Replaces the rows: listed ids are kept, others archived."
    )


class InitiativeIn(InitiativeEdit):
    alliance_id: Id


InitiativePatch = partial(InitiativeEdit, "InitiativePatch")


class InitiativeFilters(ArchivedFilter):
    alliance: Id | None = None
    status: InitiativeStatus | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.status:
            qs = qs.filter(status=self.status)
        return qs


def _rows(resolve: Resolver, rows: list[dict[str, Any]] | None, prefix: str) -> list[dict[str, Any]] | None:
    if rows is None:
        return None
    result = []
    for i, row in enumerate(rows):
        row = dict(row)
        row["organization"] = resolve.one(
            Organization, row.pop("organization_id"), f"{prefix}.{i}.organization_id"
        )
        result.append(row)
    return result


def _initiative_data(data: dict[str, Any], user: Any) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    resolve = Resolver(user)
    if "owner_id" in data:
        data["owner"] = _user(resolve, data.pop("owner_id"), "owner_id")
    rows = _rows(resolve, data.pop("resources", None), "resources")
    resolve.check()
    for name in ("title", "status"):
        if name in data and data[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    return data, rows


def _initiative_out(user: Any, initiative: JointInitiative) -> JointInitiative:
    return selectors.initiative_list(user=user, include_archived=True).get(pk=initiative.pk)


@router.get("/initiatives", response={200: list[InitiativeOut], **READ_ERRORS}, tags=["roadmap"])
@paginate(Page)
def initiative_list(request: HttpRequest, filters: Query[InitiativeFilters]):
    qs = selectors.initiative_list(user=acting_user(request), include_archived=filters.include_archived)
    return filters.apply(qs).order_by("alliance__name", "start_date", "id")


@router.post("/initiatives", response={201: InitiativeOut, **WRITE_ERRORS}, tags=["roadmap"])
def initiative_create(request: HttpRequest, payload: InitiativeIn):
    """A joint initiative with the resources each side was asked for and has assigned."""
    user = acting_user(request)
    require(user, "create", JointInitiative)
    data = payload.dict(exclude_unset=True)
    resolve = Resolver(user)
    alliance = _alliance(resolve, data.pop("alliance_id"))
    resolve.check()
    data, rows = _initiative_data(data, user)
    with client_names():
        initiative = services.initiative_create(alliance=alliance, data=data, user=user, resources=rows or [])
    return Status(201, _initiative_out(user, initiative))


@router.get("/initiatives/{initiative_id}", response={200: InitiativeOut, **READ_ERRORS}, tags=["roadmap"])
def initiative_detail(request: HttpRequest, initiative_id: int):
    user = acting_user(request)
    return get_visible(
        JointInitiative, user, initiative_id, selectors.initiative_list(user=user, include_archived=True)
    )


@router.patch("/initiatives/{initiative_id}", response={200: InitiativeOut, **WRITE_ERRORS}, tags=["roadmap"])
def initiative_update(request: HttpRequest, initiative_id: int, payload: InitiativePatch):  # type: ignore[valid-type]
    user = acting_user(request)
    initiative = get_visible(JointInitiative, user, initiative_id)
    require(user, "change", initiative)
    data, version = changes(payload)
    data, rows = _initiative_data(data, user)
    with client_names():
        initiative, _ = services.initiative_update(
            initiative=initiative, data=data, user=user, expected_version=version, resources=rows
        )
    return _initiative_out(user, initiative)


@router.delete("/initiatives/{initiative_id}", response={204: None, **WRITE_ERRORS}, tags=["roadmap"])
def initiative_archive(request: HttpRequest, initiative_id: int):
    user = acting_user(request)
    model_archive(instance=get_visible(JointInitiative, user, initiative_id), user=user)
    return Status(204, None)


# --- offerings ----------------------------------------------------------------------------


class ComponentOut(Schema):
    id: int
    organization: OrganizationRef
    contribution: str


class OfferingOut(Schema):
    id: int
    alliance: AllianceRef
    name: str
    value_proposition: str
    target_markets: str = Field(description="One market per line.")
    status: OfferingStatus
    status_label: str
    launch_milestone: MilestoneRef | None
    components: list[ComponentOut]
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status_label(obj: JointOffering) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_components(obj: JointOffering) -> list[Any]:
        rows = getattr(obj, "active_components", None)
        if rows is None:
            rows = list(obj.components.active().select_related("organization"))
        return rows

    @staticmethod
    def resolve_archived(obj: JointOffering) -> bool:
        return archived_flag(obj)


class ComponentIn(InputSchema):
    id: Id | None = Field(None, description="An existing component to update; omit to add one.")
    organization_id: Id = Field(description="The side (a party of the alliance).")
    contribution: Text = Field(..., min_length=1, max_length=2000)


class OfferingEdit(InputSchema):
    name: Text = Field(..., min_length=1, max_length=200)
    value_proposition: Text = ""
    target_markets: Text = Field("", description="One market per line.")
    launch_milestone_id: Id | None = Field(None, description="A milestone of the same alliance.")
    status: OfferingStatus = OfferingStatus.IDEA
    components: list[ComponentIn] = Field(
        default_factory=list, description="Replaces the rows: listed ids are kept, others archived."
    )


class OfferingIn(OfferingEdit):
    alliance_id: Id


OfferingPatch = partial(OfferingEdit, "OfferingPatch")


class OfferingFilters(ArchivedFilter):
    alliance: Id | None = None
    status: OfferingStatus | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.status:
            qs = qs.filter(status=self.status)
        return qs


def _offering_data(data: dict[str, Any], user: Any) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    resolve = Resolver(user)
    if "launch_milestone_id" in data:
        data["launch_milestone"] = resolve.one(
            Milestone, data.pop("launch_milestone_id"), "launch_milestone_id"
        )
    rows = _rows(resolve, data.pop("components", None), "components")
    resolve.check()
    for name in ("name", "status"):
        if name in data and data[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    return data, rows


def _offering_out(user: Any, offering: JointOffering) -> JointOffering:
    return selectors.offering_list(user=user, include_archived=True).get(pk=offering.pk)


@router.get("/offerings", response={200: list[OfferingOut], **READ_ERRORS}, tags=["roadmap"])
@paginate(Page)
def offering_list(request: HttpRequest, filters: Query[OfferingFilters]):
    qs = selectors.offering_list(user=acting_user(request), include_archived=filters.include_archived)
    return filters.apply(qs).order_by("alliance__name", "name", "id")


@router.post("/offerings", response={201: OfferingOut, **WRITE_ERRORS}, tags=["roadmap"])
def offering_create(request: HttpRequest, payload: OfferingIn):
    """A joint offering: what each side contributes, target markets and its launch milestone."""
    user = acting_user(request)
    require(user, "create", JointOffering)
    data = payload.dict(exclude_unset=True)
    resolve = Resolver(user)
    alliance = _alliance(resolve, data.pop("alliance_id"))
    resolve.check()
    data, rows = _offering_data(data, user)
    with client_names():
        offering = services.offering_create(alliance=alliance, data=data, user=user, components=rows or [])
    return Status(201, _offering_out(user, offering))


@router.get("/offerings/{offering_id}", response={200: OfferingOut, **READ_ERRORS}, tags=["roadmap"])
def offering_detail(request: HttpRequest, offering_id: int):
    user = acting_user(request)
    return get_visible(
        JointOffering, user, offering_id, selectors.offering_list(user=user, include_archived=True)
    )


@router.patch("/offerings/{offering_id}", response={200: OfferingOut, **WRITE_ERRORS}, tags=["roadmap"])
def offering_update(request: HttpRequest, offering_id: int, payload: OfferingPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    offering = get_visible(JointOffering, user, offering_id)
    require(user, "change", offering)
    data, version = changes(payload)
    data, rows = _offering_data(data, user)
    with client_names():
        offering, _ = services.offering_update(
            offering=offering, data=data, user=user, expected_version=version, components=rows
        )
    return _offering_out(user, offering)


@router.delete("/offerings/{offering_id}", response={204: None, **WRITE_ERRORS}, tags=["roadmap"])
def offering_archive(request: HttpRequest, offering_id: int):
    user = acting_user(request)
    model_archive(instance=get_visible(JointOffering, user, offering_id), user=user)
    return Status(204, None)
