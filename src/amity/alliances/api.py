"""REST API for alliances, their parties and people, tiers, objectives, life cycle and reviews.

Handlers parse, call one service or selector, and return. Reads start from
``visible_to``; strategic reviews and the life-cycle checklists are internal, so partner
users get 404 for them, exactly as for anything else they may not see.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, ModelSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    HistoryEntryOut,
    Id,
    InputSchema,
    InvalidOut,
    Money,
    OrganizationRef,
    Page,
    Resolver,
    Text,
    acting_user,
    archived_flag,
    changes,
    check_id,
    get_visible,
    partial,
    renamed_fields,
)
from amity.core.permissions import is_internal, require_internal
from amity.core.services import model_archive, model_create, model_restore, model_update
from amity.partners.models import Contact, Organization

from . import selectors, services
from .models import (
    Alliance,
    AllianceMember,
    AllianceParty,
    AllianceType,
    Classification,
    CorporateObjective,
    MemberRole,
    Stage,
    StageChange,
    StrategicReview,
    Tier,
)

router = Router()

ALLIANCE_FIELDS = {"owner": "owner_id", "tier": "tier_id", "objectives": "objective_ids"}


# --- shared references --------------------------------------------------------------------


class TierRef(Schema):
    id: int
    name: str
    rank: int
    color: str


class ObjectiveRef(Schema):
    id: int
    code: str
    title: str


class AllianceRef(Schema):
    id: int
    name: str


# --- tiers --------------------------------------------------------------------------------


class TierOut(ModelSchema):
    archived: bool

    class Meta:
        model = Tier
        fields = ["id", "name", "rank", "target_count", "description", "color", "version", "created_at"]

    @staticmethod
    def resolve_archived(obj: Tier) -> bool:
        return archived_flag(obj)


class TierIn(InputSchema):
    """A level of the alliance portfolio; rank 1 is the top."""

    name: Text = Field(..., min_length=1, max_length=60)
    rank: int = Field(..., ge=1, le=32767, description="1 is the top tier.")
    target_count: int | None = Field(None, ge=0, le=2**31 - 1)
    description: Text = ""
    color: str = Field("#6c757d", pattern=r"^#[0-9a-fA-F]{6}$", description="Hex colour for charts.")


TierPatch = partial(TierIn, "TierPatch")


class ArchivedFilter(Schema):
    include_archived: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        return qs if self.include_archived else qs.active()


@router.get("/tiers", response={200: list[TierOut], **READ_ERRORS}, tags=["tiers"])
@paginate(Page)
def tier_list(request: HttpRequest, filters: Query[ArchivedFilter]):
    return filters.apply(Tier.objects.visible_to(acting_user(request))).order_by("rank")


@router.post("/tiers", response={201: TierOut, **WRITE_ERRORS}, tags=["tiers"])
def tier_create(request: HttpRequest, payload: TierIn):
    return Status(201, model_create(model=Tier, data=payload.dict(), user=acting_user(request)))


@router.get("/tiers/{tier_id}", response={200: TierOut, **READ_ERRORS}, tags=["tiers"])
def tier_detail(request: HttpRequest, tier_id: int):
    return get_visible(Tier, acting_user(request), tier_id)


@router.patch("/tiers/{tier_id}", response={200: TierOut, **WRITE_ERRORS}, tags=["tiers"])
def tier_update(request: HttpRequest, tier_id: int, payload: TierPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    data, version = changes(payload)
    tier, _ = model_update(
        instance=get_visible(Tier, user, tier_id), data=data, user=user, expected_version=version
    )
    return tier


@router.delete("/tiers/{tier_id}", response={204: None, **WRITE_ERRORS}, tags=["tiers"])
def tier_archive(request: HttpRequest, tier_id: int):
    user = acting_user(request)
    model_archive(instance=get_visible(Tier, user, tier_id), user=user)
    return Status(204, None)


@router.post("/tiers/{tier_id}/restore", response={200: TierOut, **WRITE_ERRORS}, tags=["tiers"])
def tier_restore(request: HttpRequest, tier_id: int):
    user = acting_user(request)
    return model_restore(instance=get_visible(Tier, user, tier_id), user=user)


# --- corporate objectives -----------------------------------------------------------------


class ObjectiveOut(ModelSchema):
    archived: bool

    class Meta:
        model = CorporateObjective
        fields = ["id", "code", "title", "description", "target", "horizon_year", "version", "created_at"]

    @staticmethod
    def resolve_archived(obj: CorporateObjective) -> bool:
        return archived_flag(obj)


class ObjectiveIn(InputSchema):
    """A goal of the business strategy that the alliance program must support."""

    code: Text = Field(..., min_length=1, max_length=20, description="Short reference, e.g. O1.")
    title: Text = Field(..., min_length=1, max_length=200)
    description: Text = ""
    target: Text = Field("", max_length=200, description="How success is measured.")
    horizon_year: int | None = Field(None, ge=1900, le=2200)


ObjectivePatch = partial(ObjectiveIn, "ObjectivePatch")


class ObjectiveFilters(ArchivedFilter):
    q: Text | None = Field(None, description="Search in code and title.")

    def apply(self, qs: QuerySet) -> QuerySet:
        qs = super().apply(qs)
        if self.q:
            qs = qs.filter(Q(code__icontains=self.q) | Q(title__icontains=self.q))
        return qs


@router.get("/objectives", response={200: list[ObjectiveOut], **READ_ERRORS}, tags=["objectives"])
@paginate(Page)
def objective_list(request: HttpRequest, filters: Query[ObjectiveFilters]):
    return filters.apply(CorporateObjective.objects.visible_to(acting_user(request))).order_by("code")


@router.post("/objectives", response={201: ObjectiveOut, **WRITE_ERRORS}, tags=["objectives"])
def objective_create(request: HttpRequest, payload: ObjectiveIn):
    return Status(201, model_create(model=CorporateObjective, data=payload.dict(), user=acting_user(request)))


@router.get("/objectives/{objective_id}", response={200: ObjectiveOut, **READ_ERRORS}, tags=["objectives"])
def objective_detail(request: HttpRequest, objective_id: int):
    return get_visible(CorporateObjective, acting_user(request), objective_id)


@router.patch("/objectives/{objective_id}", response={200: ObjectiveOut, **WRITE_ERRORS}, tags=["objectives"])
def objective_update(request: HttpRequest, objective_id: int, payload: ObjectivePatch):  # type: ignore[valid-type]
    user = acting_user(request)
    data, version = changes(payload)
    objective, _ = model_update(
        instance=get_visible(CorporateObjective, user, objective_id),
        data=data,
        user=user,
        expected_version=version,
    )
    return objective


@router.delete("/objectives/{objective_id}", response={204: None, **WRITE_ERRORS}, tags=["objectives"])
def objective_archive(request: HttpRequest, objective_id: int):
    user = acting_user(request)
    model_archive(instance=get_visible(CorporateObjective, user, objective_id), user=user)
    return Status(204, None)


@router.post(
    "/objectives/{objective_id}/restore", response={200: ObjectiveOut, **WRITE_ERRORS}, tags=["objectives"]
)
def objective_restore(request: HttpRequest, objective_id: int):
    user = acting_user(request)
    return model_restore(instance=get_visible(CorporateObjective, user, objective_id), user=user)


# --- alliances ----------------------------------------------------------------------------


class PartyOut(Schema):
    id: int
    organization: OrganizationRef
    role: str
    role_label: str

    @staticmethod
    def resolve_role_label(obj: AllianceParty) -> str:
        return obj.get_role_display()


class ReviewSummaryOut(Schema):
    """The latest strategic review's result (internal users only)."""

    id: int
    review_date: date
    classification: str
    classification_label: str
    criteria_total: int
    activities_count: int
    commitment_signals: int
    recommended_tier_id: int | None
    recommended_tier: str | None


class AllianceOut(Schema):
    id: int
    name: str
    alliance_type: str
    alliance_type_label: str
    description: str
    owner: str | None = Field(description="The owner's username.")
    owner_id: int | None
    tier: TierRef | None
    stage: str
    stage_label: str
    stage_changed_at: datetime
    start_date: date | None
    end_date: date | None
    annual_value: Money
    exit_plan: str
    parties: list[PartyOut]
    objectives: list[ObjectiveRef] = Field(description="Corporate objectives served (internal users only).")
    latest_review: ReviewSummaryOut | None = Field(description="Internal users only; null for partner users.")
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_alliance_type_label(obj: Alliance) -> str:
        return obj.get_alliance_type_display()

    @staticmethod
    def resolve_owner(obj: Alliance) -> str | None:
        return obj.owner.username if obj.owner_id else None

    @staticmethod
    def resolve_stage_label(obj: Alliance) -> str:
        return obj.get_stage_display()

    @staticmethod
    def resolve_parties(obj: Alliance) -> list[AllianceParty]:
        parties = getattr(obj, "active_parties", None)
        if parties is None:
            parties = obj.parties.active().select_related("organization").order_by("id")
        return list(parties)

    @staticmethod
    def resolve_objectives(obj: Alliance, context: dict[str, Any]) -> list[CorporateObjective]:
        if not is_internal(acting_user(context["request"])):
            return []
        return list(obj.objectives.all())

    @staticmethod
    def resolve_latest_review(obj: Alliance, context: dict[str, Any]) -> dict[str, Any] | None:
        user = acting_user(context["request"])
        if not is_internal(user):
            return None
        if hasattr(obj, "review_classification"):  # a list row annotated by with_latest_review
            if obj.review_id is None:
                return None
            return {
                "id": obj.review_id,
                "review_date": obj.review_date,
                "classification": obj.review_classification,
                "classification_label": Classification(obj.review_classification).label,
                "criteria_total": obj.review_total,
                "activities_count": obj.review_activities,
                "commitment_signals": obj.review_signals,
                "recommended_tier_id": obj.review_tier_id,
                "recommended_tier": getattr(obj, "review_tier_name", None),
            }
        review = selectors.latest_review(obj, user)
        if review is None:
            return None
        return {
            "id": review.pk,
            "review_date": review.review_date,
            "classification": review.classification,
            "classification_label": review.get_classification_display(),
            "criteria_total": review.criteria_total,
            "activities_count": review.activities_count,
            "commitment_signals": review.commitment_signals,
            "recommended_tier_id": review.recommended_tier_id,
            "recommended_tier": review.recommended_tier.name if review.recommended_tier else None,
        }

    @staticmethod
    def resolve_archived(obj: Alliance) -> bool:
        return archived_flag(obj)


class PartyIn(InputSchema):
    organization_id: Id
    # Our own company always joins as host; a partner takes one of the other roles.
    role: Literal["partner", "lead", "member", "research"] = "partner"


class AllianceIn(InputSchema):
    """A new alliance between our company (joining as host) and one or more partners."""

    name: Text = Field(..., min_length=1, max_length=200)
    alliance_type: AllianceType
    description: Text = ""
    owner_id: Id | None = Field(None, description="Defaults to you when you are an alliance manager.")
    tier_id: Id | None = None
    stage: Stage = Field(Stage.IDENTIFY, description="Initial stage; later changes go through transitions.")
    start_date: date | None = None
    end_date: date | None = None
    annual_value: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    objective_ids: list[Id] = Field(default_factory=list)
    exit_plan: Text = ""
    partners: list[PartyIn] = Field(..., min_length=1)


class AllianceEdit(InputSchema):
    """The alliance's own fields; the stage changes only through ``POST …/transitions``."""

    name: Text = Field(..., min_length=1, max_length=200)
    alliance_type: AllianceType
    description: Text = ""
    owner_id: Id | None = None
    tier_id: Id | None = None
    start_date: date | None = None
    end_date: date | None = None
    annual_value: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    objective_ids: list[Id] = Field(default_factory=list)
    exit_plan: Text = ""
    tier_reason: Text = Field(
        "",
        max_length=500,
        description="Why the tier changes; needed when tier_id changes (kept in the tier history).",
    )


AlliancePatch = partial(AllianceEdit, "AlliancePatch")


class AllianceFilters(Schema):
    stage: Stage | None = None
    type: AllianceType | None = Field(None, description="Alliance type.")
    tier: Id | None = Field(None, description="Tier id.")
    organization: Id | None = Field(None, description="Alliances this organization is a party of.")
    q: Text | None = Field(None, description="Search in the name.")
    include_archived: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.stage:
            qs = qs.filter(stage=self.stage)
        if self.type:
            qs = qs.filter(alliance_type=self.type)
        if self.tier:
            qs = qs.filter(tier_id=self.tier)
        if self.organization:
            parties = AllianceParty.objects.active().filter(organization_id=self.organization)
            qs = qs.filter(pk__in=parties.values("alliance_id"))
        if self.q:
            qs = qs.filter(name__icontains=self.q)
        return qs


def _alliance_data(data: dict[str, Any], user: Any) -> tuple[dict[str, Any], list[Any] | None]:
    """Resolve the ids of a create or edit body into visible objects; 422 names the field."""
    from amity.accounts.models import User

    resolve = Resolver(user)
    if "owner_id" in data:
        data["owner"] = resolve.one(
            User, data.pop("owner_id"), "owner_id", User.objects.filter(is_active=True)
        )
    if "tier_id" in data:
        data["tier"] = resolve.one(Tier, data.pop("tier_id"), "tier_id")
    objectives = None
    if "objective_ids" in data:
        objectives = resolve.many(CorporateObjective, data.pop("objective_ids") or [], "objective_ids")
    if "partners" in data:
        data["partners"] = [
            (resolve.one(Organization, party.organization_id, f"partners.{i}.organization_id"), party.role)
            for i, party in enumerate(data["partners"])
        ]
    resolve.check()
    return data, objectives


@router.get("/alliances", response={200: list[AllianceOut], **READ_ERRORS}, tags=["alliances"])
@paginate(Page)
def alliance_list(request: HttpRequest, filters: Query[AllianceFilters]):
    return filters.apply(
        selectors.alliance_list(user=acting_user(request), include_archived=filters.include_archived)
    )


@router.post("/alliances", response={201: AllianceOut, **WRITE_ERRORS}, tags=["alliances"])
def alliance_create(request: HttpRequest, payload: AllianceIn):
    user = acting_user(request)
    # Only the fields sent: an absent owner lets the service choose the creator.
    data = payload.dict(exclude_unset=True) | {"partners": payload.partners}
    data, objectives = _alliance_data(data, user)
    partners = data.pop("partners")
    with renamed_fields(ALLIANCE_FIELDS):
        alliance = services.alliance_create(user=user, data=data, partners=partners, objectives=objectives)
    return Status(201, _reread(user, alliance))


def _reread(user: Any, alliance: Alliance) -> Alliance:
    """The alliance as stored (decimals quantised), with what the output needs loaded."""
    return selectors.alliance_detail(user=user, pk=alliance.pk)


@router.get("/alliances/{alliance_id}", response={200: AllianceOut, **READ_ERRORS}, tags=["alliances"])
def alliance_detail(request: HttpRequest, alliance_id: int):
    check_id(alliance_id)
    return selectors.alliance_detail(user=acting_user(request), pk=alliance_id)


@router.patch("/alliances/{alliance_id}", response={200: AllianceOut, **WRITE_ERRORS}, tags=["alliances"])
def alliance_update(request: HttpRequest, alliance_id: int, payload: AlliancePatch):  # type: ignore[valid-type]
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    data, version = changes(payload)
    data, objectives = _alliance_data(data, user)
    tier_reason = data.pop("tier_reason", "")
    with renamed_fields(ALLIANCE_FIELDS):
        alliance, _ = services.alliance_update(
            alliance=alliance,
            data=data,
            user=user,
            expected_version=version,
            objectives=objectives,
            tier_reason=tier_reason,
        )
    return _reread(user, alliance)


@router.delete("/alliances/{alliance_id}", response={204: None, **WRITE_ERRORS}, tags=["alliances"])
def alliance_archive(request: HttpRequest, alliance_id: int):
    user = acting_user(request)
    model_archive(instance=get_visible(Alliance, user, alliance_id), user=user)
    return Status(204, None)


@router.post(
    "/alliances/{alliance_id}/restore", response={200: AllianceOut, **WRITE_ERRORS}, tags=["alliances"]
)
def alliance_restore(request: HttpRequest, alliance_id: int):
    user = acting_user(request)
    return _reread(user, model_restore(instance=get_visible(Alliance, user, alliance_id), user=user))


@router.get(
    "/alliances/{alliance_id}/history",
    response={200: list[HistoryEntryOut], **READ_ERRORS},
    tags=["alliances"],
)
def alliance_history(request: HttpRequest, alliance_id: int, limit: int = Query(100, ge=1, le=500)):
    user = acting_user(request)
    return selectors.alliance_timeline(
        alliance=get_visible(Alliance, user, alliance_id), user=user, limit=limit
    )


# --- parties and people -------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    contact_id: int
    name: str
    email: str
    organization: OrganizationRef
    role: str
    role_label: str
    area: str

    @staticmethod
    def resolve_name(obj: AllianceMember) -> str:
        return obj.contact.full_name

    @staticmethod
    def resolve_email(obj: AllianceMember) -> str:
        return obj.contact.email

    @staticmethod
    def resolve_organization(obj: AllianceMember) -> Organization:
        return obj.contact.organization

    @staticmethod
    def resolve_role_label(obj: AllianceMember) -> str:
        return obj.get_role_display()


class MemberIn(InputSchema):
    contact_id: Id
    role: MemberRole = MemberRole.TEAM
    area: Text = Field("", max_length=100, description="e.g. sales, marketing, engineering")


@router.get(
    "/alliances/{alliance_id}/parties", response={200: list[PartyOut], **READ_ERRORS}, tags=["alliances"]
)
@paginate(Page)
def party_list(request: HttpRequest, alliance_id: int):
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    return (
        AllianceParty.objects.visible_to(user)
        .active()
        .filter(alliance=alliance)
        .select_related("organization")
        .order_by("id")
    )


@router.post("/alliances/{alliance_id}/parties", response={201: PartyOut, **WRITE_ERRORS}, tags=["alliances"])
def party_add(request: HttpRequest, alliance_id: int, payload: PartyIn):
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    resolve = Resolver(user)
    organization = resolve.one(Organization, payload.organization_id, "organization_id")
    resolve.check()
    with renamed_fields({"organization": "organization_id"}):
        party = services.party_add(alliance=alliance, organization=organization, role=payload.role, user=user)
    return Status(201, party)


@router.delete(
    "/alliances/{alliance_id}/parties/{party_id}", response={204: None, **WRITE_ERRORS}, tags=["alliances"]
)
def party_remove(request: HttpRequest, alliance_id: int, party_id: int):
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    party = get_visible(AllianceParty, user, party_id, alliance.parties.visible_to(user).active())
    services.party_remove(party=party, user=user)
    return Status(204, None)


@router.get(
    "/alliances/{alliance_id}/members", response={200: list[MemberOut], **READ_ERRORS}, tags=["alliances"]
)
@paginate(Page)
def member_list(request: HttpRequest, alliance_id: int):
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    return (
        AllianceMember.objects.visible_to(user)
        .active()
        .filter(alliance=alliance)
        .select_related("contact__organization")
        .order_by("role", "id")
    )


@router.post(
    "/alliances/{alliance_id}/members", response={201: MemberOut, **WRITE_ERRORS}, tags=["alliances"]
)
def member_add(request: HttpRequest, alliance_id: int, payload: MemberIn):
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    resolve = Resolver(user)
    contact = resolve.one(
        Contact,
        payload.contact_id,
        "contact_id",
        Contact.objects.visible_to(user).select_related("organization"),
    )
    resolve.check()
    with renamed_fields({"contact": "contact_id"}):
        member = services.member_add(
            alliance=alliance, contact=contact, role=payload.role, area=payload.area, user=user
        )
    return Status(201, member)


@router.delete(
    "/alliances/{alliance_id}/members/{member_id}", response={204: None, **WRITE_ERRORS}, tags=["alliances"]
)
def member_remove(request: HttpRequest, alliance_id: int, member_id: int):
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    member = get_visible(AllianceMember, user, member_id, alliance.members.visible_to(user).active())
    services.member_remove(member=member, user=user)
    return Status(204, None)


# --- life cycle ---------------------------------------------------------------------------


class GateItemOut(Schema):
    id: int
    label: str
    check: str
    attest: bool = Field(description="True when the person making the transition confirms it (send its id).")
    help: str
    met: bool
    detail: str


class StageChangeOut(Schema):
    id: int
    from_stage: str
    from_stage_label: str
    to_stage: str
    to_stage_label: str
    changed_by: str | None
    changed_at: datetime
    reason: str
    overridden: bool
    override_reason: str
    checklist: list[GateItemOut]

    @staticmethod
    def resolve_from_stage_label(obj: StageChange) -> str:
        return obj.get_from_stage_display() if obj.from_stage else ""

    @staticmethod
    def resolve_to_stage_label(obj: StageChange) -> str:
        return obj.get_to_stage_display()

    @staticmethod
    def resolve_changed_by(obj: StageChange) -> str | None:
        return obj.changed_by.username if obj.changed_by_id else None


class TransitionOut(StageChangeOut):
    alliance_version: int = Field(description="The alliance's version after the transition.")

    @staticmethod
    def resolve_alliance_version(obj: StageChange) -> int:
        return obj.alliance.version


class NextStageOut(Schema):
    to_stage: str
    label: str
    ready: bool = Field(description="Every automatic item is met (attested items still need confirming).")
    checklist: list[GateItemOut]


class LifeCycleOut(Schema):
    stage: str
    stage_label: str
    version: int
    allowed: list[NextStageOut]
    history: list[StageChangeOut]


class TransitionIn(InputSchema):
    to_stage: Stage
    reason: Text = ""
    attested: list[Id] = Field(default_factory=list, description="Ids of the checklist items you confirm.")
    override_reason: Text = Field(
        "", description="Admins only: pass an unmet gate, with the reason recorded."
    )
    version: int | None = Field(None, ge=1, description="The alliance version you saw; stale answers 409.")


class GateBlockedOut(InvalidOut):
    checklist: list[GateItemOut]


@router.get(
    "/alliances/{alliance_id}/transitions", response={200: LifeCycleOut, **READ_ERRORS}, tags=["life cycle"]
)
def transition_options(request: HttpRequest, alliance_id: int):
    """The stages the alliance may move to, each with its gate checklist evaluated now."""
    user = acting_user(request)
    require_internal(user, hide=True)
    alliance = get_visible(Alliance, user, alliance_id)
    allowed = []
    for stage in services.allowed_transitions(alliance):
        checklist = services.gate_evaluate(alliance, stage)
        ready = all(item["met"] for item in checklist if not item["attest"])
        allowed.append(
            {"to_stage": stage, "label": Stage(stage).label, "ready": ready, "checklist": checklist}
        )
    return {
        "stage": alliance.stage,
        "stage_label": alliance.get_stage_display(),
        "version": alliance.version,
        "allowed": allowed,
        "history": list(selectors.stage_history(alliance)),
    }


@router.post(
    "/alliances/{alliance_id}/transitions",
    response={200: TransitionOut, **WRITE_ERRORS, 422: GateBlockedOut | InvalidOut},
    tags=["life cycle"],
)
def transition_make(request: HttpRequest, alliance_id: int, payload: TransitionIn):
    """Move the alliance to another stage; an unmet gate answers 422 with the checklist."""
    user = acting_user(request)
    require_internal(user, hide=True)
    alliance = get_visible(Alliance, user, alliance_id)
    try:
        return services.alliance_transition(
            alliance=alliance,
            to_stage=payload.to_stage,
            user=user,
            reason=payload.reason,
            attested=set(payload.attested),
            override_reason=payload.override_reason,
            expected_version=payload.version,
        )
    except services.GateBlocked as blocked:
        body = {
            "detail": "The stage gate is not met.",
            "errors": blocked.message_dict,
            "checklist": blocked.items,
        }
        return Status(422, body)


# --- strategic reviews --------------------------------------------------------------------


class ReviewOut(ModelSchema):
    alliance_id: int
    reviewed_by: str | None
    classification_label: str
    recommended_tier: TierRef | None
    fte: Decimal
    annual_investment: Money
    explanation: dict[str, Any] = Field(
        description="The facts, every rule with its clauses, and which fired."
    )
    archived: bool

    class Meta:
        model = StrategicReview
        fields = [
            "id",
            "review_date",
            "score_goals",
            "evidence_goals",
            "score_competency",
            "evidence_competency",
            "score_opportunities",
            "evidence_opportunities",
            "score_sustainability",
            "evidence_sustainability",
            "score_innovation",
            "evidence_innovation",
            "act_bundled",
            "act_joint_teams",
            "act_joint_planning",
            "act_knowledge",
            "act_exclusivity",
            "act_long_term",
            "sponsorship",
            "notes",
            "criteria_total",
            "activities_count",
            "commitment_signals",
            "classification",
            "version",
            "created_at",
        ]

    @staticmethod
    def resolve_reviewed_by(obj: StrategicReview) -> str | None:
        return obj.reviewed_by.username if obj.reviewed_by_id else None

    @staticmethod
    def resolve_classification_label(obj: StrategicReview) -> str:
        return obj.get_classification_display()

    @staticmethod
    def resolve_archived(obj: StrategicReview) -> bool:
        return archived_flag(obj)


Score = Field(0, ge=0, le=4, description="0 none · 1 weak · 2 moderate · 3 strong · 4 decisive")


class ReviewIn(InputSchema):
    """A scored strategic review; the rules classify it and recommend a tier."""

    review_date: date | None = Field(None, description="Defaults to today.")
    score_goals: int = Score
    evidence_goals: Text = ""
    score_competency: int = Score
    evidence_competency: Text = ""
    score_opportunities: int = Score
    evidence_opportunities: Text = ""
    score_sustainability: int = Score
    evidence_sustainability: Text = ""
    score_innovation: int = Score
    evidence_innovation: Text = ""
    act_bundled: bool = False
    act_joint_teams: bool = False
    act_joint_planning: bool = False
    act_knowledge: bool = False
    act_exclusivity: bool = False
    act_long_term: bool = False
    fte: Decimal = Field(Decimal("0"), ge=0, le=999, max_digits=5, decimal_places=2)
    annual_investment: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    sponsorship: int = Field(0, ge=0, le=4, description="0 none · 1 manager · 2 director · 3 VP · 4 C-level")
    notes: Text = ""


def _reviews(user: Any, alliance: Alliance) -> QuerySet:
    require_internal(user, hide=True)
    return (
        StrategicReview.objects.visible_to(user)
        .filter(alliance=alliance)
        .select_related("recommended_tier", "reviewed_by")
    )


@router.get(
    "/alliances/{alliance_id}/strategic-reviews",
    response={200: list[ReviewOut], **READ_ERRORS},
    tags=["strategic review"],
)
@paginate(Page)
def review_list(request: HttpRequest, alliance_id: int, filters: Query[ArchivedFilter]):
    user = acting_user(request)
    return filters.apply(_reviews(user, get_visible(Alliance, user, alliance_id))).order_by(
        "-review_date", "-id"
    )


@router.post(
    "/alliances/{alliance_id}/strategic-reviews",
    response={201: ReviewOut, **WRITE_ERRORS},
    tags=["strategic review"],
)
def review_create(request: HttpRequest, alliance_id: int, payload: ReviewIn):
    user = acting_user(request)
    require_internal(user, hide=True)
    alliance = get_visible(Alliance, user, alliance_id)
    review = services.review_record(alliance=alliance, user=user, data=payload.dict(exclude_unset=True))
    return Status(201, _reviews(user, alliance).get(pk=review.pk))


def _review(user: Any, alliance_id: int, review_id: int) -> StrategicReview:
    require_internal(user, hide=True)
    alliance = get_visible(Alliance, user, alliance_id)
    return get_visible(StrategicReview, user, review_id, _reviews(user, alliance))


@router.get(
    "/alliances/{alliance_id}/strategic-reviews/{review_id}",
    response={200: ReviewOut, **READ_ERRORS},
    tags=["strategic review"],
)
def review_detail(request: HttpRequest, alliance_id: int, review_id: int):
    return _review(acting_user(request), alliance_id, review_id)


@router.delete(
    "/alliances/{alliance_id}/strategic-reviews/{review_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["strategic review"],
)
def review_archive(request: HttpRequest, alliance_id: int, review_id: int):
    """Archive a review recorded in error (reviews are records: correct by recording a new one)."""
    user = acting_user(request)
    model_archive(instance=_review(user, alliance_id, review_id), user=user)
    return Status(204, None)


@router.post(
    "/alliances/{alliance_id}/strategic-reviews/{review_id}/restore",
    response={200: ReviewOut, **WRITE_ERRORS},
    tags=["strategic review"],
)
def review_restore(request: HttpRequest, alliance_id: int, review_id: int):
    user = acting_user(request)
    return model_restore(instance=_review(user, alliance_id, review_id), user=user)


# --- portfolio ----------------------------------------------------------------------------


class TierCountOut(Schema):
    tier_id: int | None
    tier: str
    rank: int | None
    count: int
    target_count: int | None
    color: str
    over_target: bool


class StageCountOut(Schema):
    stage: str
    label: str
    count: int


class TypeCountOut(Schema):
    type: str
    label: str
    count: int


class ClassificationCountOut(Schema):
    classification: str | None
    label: str
    count: int


class PortfolioSummaryOut(Schema):
    total: int
    by_tier: list[TierCountOut]
    by_stage: list[StageCountOut]
    by_type: list[TypeCountOut]
    by_classification: list[ClassificationCountOut] = Field(description="Internal users only; else empty.")
    annual_value: Money


class ReviewRef(Schema):
    id: int
    review_date: date


class RankingRowOut(Schema):
    rank: int
    alliance: AllianceRef
    review: ReviewRef
    partners: str
    criteria_total: int
    activities_count: int
    commitment_signals: int
    classification: str
    classification_label: str
    current_tier: TierRef | None
    recommended_tier: TierRef | None
    fit: str = Field(description="match, over (tier above the recommendation), under or unknown.")
    flags: list[str]
    annual_value: Money


class TierFitOut(Schema):
    tier: TierRef
    current: int
    recommended: int
    target: int | None
    over_by: int


class RankingOut(Schema):
    rows: list[RankingRowOut]
    tiers: list[TierFitOut]
    oversubscribed: list[TierFitOut]
    unreviewed: list[AllianceRef]
    alliancize: list[RankingRowOut]
    strategic_count: int


@router.get("/portfolio/summary", response={200: PortfolioSummaryOut, **READ_ERRORS}, tags=["portfolio"])
def portfolio_summary(request: HttpRequest):
    return selectors.portfolio_summary(user=acting_user(request))


@router.get(
    "/portfolio/strategic-review",
    response={200: RankingOut, 401: ErrorOut, 403: ErrorOut},
    tags=["portfolio"],
)
def portfolio_strategic_review(request: HttpRequest):
    """The portfolio ranked by strategic review, tier fit and candidates (internal users only)."""
    user = acting_user(request)
    if not is_internal(user):
        raise PermissionDenied("The portfolio strategic review is for internal users only.")
    return selectors.strategic_review_ranking(user=user)


# Registered on this router: the sharing and re-tier review endpoints.
from . import api_sharing, api_tiers  # noqa: E402,F401
