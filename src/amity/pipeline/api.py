"""REST API of the pipeline: accounts, opportunities (with stage moves), deal registrations
(submit, approve, reject, convert) and an alliance's pipeline summary.

Reads start from ``visible_to``: a partner user reads their own organization's accounts and
the accounts of their alliances' opportunities, the opportunities of their alliances, and only
the deal registrations their organization submitted - anything else is 404. The duplicate and
conflict matches of a registration are included for internal users only (``null`` for
partners). Writes: internal editors (admin, alliance manager); partner users may submit deal
registrations under their own alliances. Anyone else who can see the object gets 403.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.accounts.models import User
from amity.alliances.models import Alliance
from amity.alliances.selectors import alliance_detail as visible_alliance
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
    check_id,
    get_visible,
    partial,
    renamed_fields,
)
from amity.core.permissions import is_internal
from amity.core.roles import INTERNAL_ROLES
from amity.core.services import model_archive
from amity.partners.models import Organization

from . import selectors, services
from .models import (
    CLOSED_STAGES,
    Account,
    AccountStatus,
    DealRegistration,
    MatchKind,
    Opportunity,
    OpportunityStage,
    PartnerRole,
    RegistrationMatch,
    RegistrationStatus,
)

router = Router()

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
ExternalIds = dict[str, Annotated[str, Field(min_length=1, max_length=64)]]

ACCOUNT_FIELDS = {"owner_organization": "owner_organization_id"}
OPPORTUNITY_FIELDS = {"account": "account_id", "owner": "owner_id"}
REGISTRATION_FIELDS = {"alliance": "alliance_id", "organization": "organization_id"}


def _reporting_currency() -> str:
    return settings.AMITY_REPORTING_CURRENCY


class AllianceRef(Schema):
    id: int
    name: str


class UserRef(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return str(obj)


# --- accounts ------------------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    name: str
    normalized_name: str
    domain: str
    country: str
    industry: str
    owner_organization: OrganizationRef
    status: AccountStatus
    external_ids: dict[str, str]
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_archived(obj: Account) -> bool:
        return archived_flag(obj)


class AccountEdit(InputSchema):
    name: Text = Field(..., min_length=1, max_length=200)
    domain: Text = Field("", max_length=253, description="Stored normalized (no scheme, www. or path).")
    country: Text = Field("", max_length=2)
    industry: Text = Field("", max_length=100)
    status: AccountStatus = AccountStatus.PROSPECT
    external_ids: ExternalIds = Field(default_factory=dict, description='e.g. {"salesforce": "001…"}')


class AccountIn(AccountEdit):
    owner_organization_id: Id | None = Field(None, description="The owning side; default: our company.")


AccountPatch = partial(AccountIn, "AccountPatch")


class AccountFilters(Schema):
    q: Text | None = Field(None, description="Search in name and domain.")
    status: AccountStatus | None = None
    owner_organization: Id | None = None
    country: Text | None = Field(None, max_length=2)
    domain: Text | None = Field(None, description="Exact domain (normalized before matching).")
    include_archived: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        from django.db.models import Q

        from .normalize import normalize_domain

        if not self.include_archived:
            qs = qs.filter(archived_at__isnull=True)
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(domain__icontains=self.q))
        if self.status:
            qs = qs.filter(status=self.status)
        if self.owner_organization:
            qs = qs.filter(owner_organization_id=self.owner_organization)
        if self.country:
            qs = qs.filter(country__iexact=self.country)
        if self.domain:
            qs = qs.filter(domain=normalize_domain(self.domain))
        return qs


def _account(user: Any, pk: int) -> Account:
    check_id(pk)
    return get_visible(Account, user, pk, selectors.account_list(user=user))


def _account_data(data: dict[str, Any], user: Any) -> dict[str, Any]:
    if "owner_organization_id" in data:
        resolve = Resolver(user)
        pk = data.pop("owner_organization_id")
        if pk is not None:
            data["owner_organization"] = resolve.one(Organization, pk, "owner_organization_id")
        resolve.check()
    return data


@router.get("/accounts", response={200: list[AccountOut], **READ_ERRORS}, tags=["pipeline"])
@paginate(Page)
def account_list(request: HttpRequest, filters: Query[AccountFilters]):
    user = acting_user(request)
    return filters.apply(selectors.account_list(user=user)).order_by("normalized_name", "pk")


@router.post("/accounts", response={201: AccountOut, **WRITE_ERRORS}, tags=["pipeline"])
def account_create(request: HttpRequest, payload: AccountIn):
    user = acting_user(request)
    data = _account_data(payload.dict(), user)
    with renamed_fields(ACCOUNT_FIELDS):
        account = services.account_create(data=data, user=user)
    return Status(201, _account(user, account.pk))


@router.get("/accounts/{account_id}", response={200: AccountOut, **READ_ERRORS}, tags=["pipeline"])
def account_detail(request: HttpRequest, account_id: int):
    return _account(acting_user(request), account_id)


@router.patch("/accounts/{account_id}", response={200: AccountOut, **WRITE_ERRORS}, tags=["pipeline"])
def account_update(request: HttpRequest, account_id: int, payload: AccountPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    account = _account(user, account_id)
    data, version = changes(payload)
    data = _account_data(data, user)
    with renamed_fields(ACCOUNT_FIELDS):
        services.account_update(account=account, data=data, user=user, expected_version=version)
    return _account(user, account_id)


@router.delete("/accounts/{account_id}", response={204: None, **WRITE_ERRORS}, tags=["pipeline"])
def account_archive(request: HttpRequest, account_id: int):
    user = acting_user(request)
    model_archive(instance=_account(user, account_id), user=user)
    return Status(204, None)


# --- opportunities -------------------------------------------------------------------------------


class LinkOut(Schema):
    alliance: AllianceRef
    role: PartnerRole


class OpportunityStageChangeOut(Schema):
    from_stage: str
    to_stage: OpportunityStage
    changed_at: datetime
    changed_by: UserRef | None


class OpportunityOut(Schema):
    id: int
    name: str
    account: AllianceRef = Field(description="The account (id and name).")
    alliances: list[LinkOut]
    amount: Money
    currency: str
    stage: OpportunityStage
    stage_label: str
    is_closed: bool
    is_won: bool
    probability: int
    weighted_amount: Money
    close_date: date
    owner: UserRef | None
    external_ids: dict[str, str]
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_alliances(obj: Opportunity) -> list[Any]:
        return list(obj.links.all())

    @staticmethod
    def resolve_stage_label(obj: Opportunity) -> str:
        return obj.get_stage_display()

    @staticmethod
    def resolve_archived(obj: Opportunity) -> bool:
        return archived_flag(obj)


class OpportunityDetailOut(OpportunityOut):
    stage_history: list[OpportunityStageChangeOut]

    @staticmethod
    def resolve_stage_history(obj: Opportunity) -> list[Any]:
        return list(obj._history)  # type: ignore[attr-defined]


class LinkIn(InputSchema):
    alliance_id: Id
    role: PartnerRole = PartnerRole.CO_SELL


class OpportunityEdit(InputSchema):
    name: Text = Field(..., min_length=1, max_length=200)
    account_id: Id
    amount: Amount = Decimal("0")
    currency: Currency = Field(default_factory=_reporting_currency)
    probability: int | None = Field(None, ge=0, le=100, description="Percent; default: the stage's.")
    close_date: date
    owner_id: Id | None = None
    external_ids: ExternalIds = Field(default_factory=dict)
    alliances: list[LinkIn] = Field(default_factory=list, description="Alliances with the partner's role.")


class OpportunityIn(OpportunityEdit):
    stage: OpportunityStage = OpportunityStage.PROSPECTING


OpportunityPatch = partial(OpportunityEdit, "OpportunityPatch")


class StageIn(InputSchema):
    stage: OpportunityStage
    probability: int | None = Field(None, ge=0, le=100, description="Default: the stage's probability.")
    version: int | None = Field(None, ge=1, description="The version you saw; stale answers 409.")


class OpportunityFilters(Schema):
    q: Text | None = Field(None, description="Search in name and account name.")
    alliance: Id | None = None
    account: Id | None = None
    stage: OpportunityStage | None = None
    open: bool | None = Field(None, description="true: open only; false: closed only.")
    close_from: date | None = None
    close_to: date | None = None
    include_archived: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        from django.db.models import Q

        from .models import OpportunityAlliance

        if not self.include_archived:
            qs = qs.filter(archived_at__isnull=True)
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(account__name__icontains=self.q))
        if self.alliance:
            qs = qs.filter(
                pk__in=OpportunityAlliance.objects.filter(alliance_id=self.alliance).values("opportunity_id")
            )
        if self.account:
            qs = qs.filter(account_id=self.account)
        if self.stage:
            qs = qs.filter(stage=self.stage)
        if self.open is True:
            qs = qs.exclude(stage__in=CLOSED_STAGES)
        elif self.open is False:
            qs = qs.filter(stage__in=CLOSED_STAGES)
        if self.close_from:
            qs = qs.filter(close_date__gte=self.close_from)
        if self.close_to:
            qs = qs.filter(close_date__lte=self.close_to)
        return qs


def _opportunity(user: Any, pk: int, history: bool = False) -> Opportunity:
    check_id(pk)
    opportunity = get_visible(Opportunity, user, pk, selectors.opportunity_list(user=user))
    if history:
        opportunity._history = list(selectors.stage_history(opportunity=opportunity, user=user))
    return opportunity


def _opportunity_data(data: dict[str, Any], user: Any) -> tuple[dict[str, Any], list | None]:
    resolve = Resolver(user)
    if "account_id" in data:
        data["account"] = resolve.one(Account, data.pop("account_id"), "account_id")
    if "owner_id" in data:
        pk = data.pop("owner_id")
        users = User.objects.filter(is_active=True, role__in=INTERNAL_ROLES)
        data["owner"] = resolve.one(User, pk, "owner_id", users) if pk is not None else None
    links = None
    if "alliances" in data:
        raw = data.pop("alliances") or []
        alliances = resolve.many(Alliance, [link["alliance_id"] for link in raw], "alliances")
        by_id = {a.pk: a for a in alliances}
        links = [(by_id[link["alliance_id"]], link["role"]) for link in raw if link["alliance_id"] in by_id]
    resolve.check()
    return data, links


@router.get("/opportunities", response={200: list[OpportunityOut], **READ_ERRORS}, tags=["pipeline"])
@paginate(Page)
def opportunity_list(request: HttpRequest, filters: Query[OpportunityFilters]):
    user = acting_user(request)
    return filters.apply(selectors.opportunity_list(user=user)).order_by("close_date", "pk")


@router.post("/opportunities", response={201: OpportunityDetailOut, **WRITE_ERRORS}, tags=["pipeline"])
def opportunity_create(request: HttpRequest, payload: OpportunityIn):
    user = acting_user(request)
    from amity.core.services import require

    require(user, "create", Opportunity)
    data, links = _opportunity_data(payload.dict(), user)
    with renamed_fields(OPPORTUNITY_FIELDS):
        opportunity = services.opportunity_create(data=data, alliances=links, user=user)
    return Status(201, _opportunity(user, opportunity.pk, history=True))


@router.get(
    "/opportunities/{opportunity_id}", response={200: OpportunityDetailOut, **READ_ERRORS}, tags=["pipeline"]
)
def opportunity_detail(request: HttpRequest, opportunity_id: int):
    return _opportunity(acting_user(request), opportunity_id, history=True)


@router.patch(
    "/opportunities/{opportunity_id}", response={200: OpportunityDetailOut, **WRITE_ERRORS}, tags=["pipeline"]
)
def opportunity_update(request: HttpRequest, opportunity_id: int, payload: OpportunityPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    opportunity = _opportunity(user, opportunity_id)
    data, version = changes(payload)
    from amity.core.services import require

    require(user, "change", opportunity)
    data, links = _opportunity_data(data, user)
    with renamed_fields(OPPORTUNITY_FIELDS):
        services.opportunity_update(
            opportunity=opportunity, data=data, alliances=links, user=user, expected_version=version
        )
    return _opportunity(user, opportunity_id, history=True)


@router.delete("/opportunities/{opportunity_id}", response={204: None, **WRITE_ERRORS}, tags=["pipeline"])
def opportunity_archive(request: HttpRequest, opportunity_id: int):
    user = acting_user(request)
    model_archive(instance=_opportunity(user, opportunity_id), user=user)
    return Status(204, None)


@router.post(
    "/opportunities/{opportunity_id}/stage",
    response={200: OpportunityDetailOut, **WRITE_ERRORS},
    tags=["pipeline"],
)
def opportunity_stage(request: HttpRequest, opportunity_id: int, payload: StageIn):
    """Move the opportunity to a stage; the move is recorded in its stage history."""
    user = acting_user(request)
    services.opportunity_set_stage(
        opportunity=_opportunity(user, opportunity_id),
        stage=payload.stage,
        probability=payload.probability,
        expected_version=payload.version,
        user=user,
    )
    return _opportunity(user, opportunity_id, history=True)


# --- deal registrations --------------------------------------------------------------------------


class RegistrationRef(Schema):
    id: int
    company_name: str
    organization: OrganizationRef
    status: RegistrationStatus
    submitted_on: date
    protection_until: date | None


class MatchOut(Schema):
    kind: MatchKind
    kind_label: str
    on_name: bool
    on_domain: bool
    opportunity_id: int | None
    account_id: int | None
    account_name: str | None
    other_registration: RegistrationRef | None

    @staticmethod
    def resolve_kind_label(obj: RegistrationMatch) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_account_name(obj: RegistrationMatch) -> str | None:
        return obj.account.name if obj.account_id else None


class RegistrationOut(Schema):
    id: int
    alliance: AllianceRef
    organization: OrganizationRef
    submitted_by: UserRef | None
    company_name: str
    normalized_name: str
    domain: str
    country: str
    contact_name: str
    contact_email: str
    offering: str
    amount: Money
    currency: str
    expected_close_date: date
    notes: str
    status: RegistrationStatus
    submitted_on: date
    decision_deadline: date
    decided_at: datetime | None
    rejection_reason: str
    approved_on: date | None
    protection_until: date | None
    expired_on: date | None
    opportunity_id: int | None
    matches: list[MatchOut] | None = Field(
        None, description="The duplicate/conflict check's findings; internal users only (null for partners)."
    )
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_matches(obj: DealRegistration) -> list[Any] | None:
        return getattr(obj, "_matches", None)


class RegistrationIn(InputSchema):
    alliance_id: Id = Field(description="The alliance the deal is registered under (one of yours).")
    organization_id: Id | None = Field(
        None, description="Internal editors registering on behalf of a partner: which partner."
    )
    company_name: Text = Field(..., min_length=1, max_length=200)
    domain: Text = Field("", max_length=253)
    country: Text = Field("", max_length=2)
    contact_name: Text = Field("", max_length=200)
    contact_email: Text = Field("", max_length=254)
    offering: Text = Field(..., min_length=1, max_length=200)
    amount: Amount
    currency: Currency = Field(default_factory=_reporting_currency)
    expected_close_date: date
    notes: Text = ""


class RejectIn(InputSchema):
    reason: Text = Field("", max_length=2000, description="Required: the partner sees it.")


class RegistrationFilters(Schema):
    status: RegistrationStatus | None = None
    alliance: Id | None = None
    q: Text | None = Field(None, description="Search in customer name and domain.")

    def apply(self, qs: QuerySet) -> QuerySet:
        from django.db.models import Q

        if self.status:
            qs = qs.filter(status=self.status)
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.q:
            qs = qs.filter(Q(company_name__icontains=self.q) | Q(domain__icontains=self.q))
        return qs


def _match_prefetch(user: Any) -> Prefetch:
    return Prefetch(
        "matches",
        queryset=RegistrationMatch.objects.visible_to(user).select_related(
            "account", "other_registration", "other_registration__organization"
        ),
        to_attr="_match_list",
    )


def _with_matches(registrations: list[DealRegistration], user: Any) -> list[DealRegistration]:
    internal = is_internal(user)
    for r in registrations:
        r._matches = list(getattr(r, "_match_list", [])) if internal else None
    return registrations


def _registration(user: Any, pk: int) -> DealRegistration:
    check_id(pk)
    qs = selectors.registration_list(user=user).prefetch_related(_match_prefetch(user))
    return _with_matches([get_visible(DealRegistration, user, pk, qs)], user)[0]


@router.get("/deal-registrations", response={200: list[RegistrationOut], **READ_ERRORS}, tags=["pipeline"])
@paginate(Page)
def registration_list(request: HttpRequest, filters: Query[RegistrationFilters]):
    user = acting_user(request)
    qs = filters.apply(selectors.registration_list(user=user)).prefetch_related(_match_prefetch(user))
    return _LazyMatches(qs.order_by("-submitted_on", "-pk"), user)


class _LazyMatches:
    """A queryset wrapper for pagination that marks each page's rows with their matches."""

    def __init__(self, qs: QuerySet, user: Any):
        self.qs, self.user = qs, user

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: Any) -> Any:
        return _with_matches(list(self.qs[item]), self.user)


@router.post("/deal-registrations", response={201: RegistrationOut, **WRITE_ERRORS}, tags=["pipeline"])
def registration_create(request: HttpRequest, payload: RegistrationIn):
    """Register a deal. Runs the duplicate/conflict check (matches visible to internal users)."""
    user = acting_user(request)
    services.ensure_can_register(user)
    data = payload.dict()
    resolve = Resolver(user)
    alliance = resolve.one(Alliance, data.pop("alliance_id"), "alliance_id")
    org_id = data.pop("organization_id")
    organization = resolve.one(Organization, org_id, "organization_id") if org_id else None
    resolve.check()
    with renamed_fields(REGISTRATION_FIELDS):
        registration = services.registration_submit(
            data=data, alliance=alliance, organization=organization, user=user
        )
    return Status(201, _registration(user, registration.pk))


@router.get(
    "/deal-registrations/{registration_id}", response={200: RegistrationOut, **READ_ERRORS}, tags=["pipeline"]
)
def registration_detail(request: HttpRequest, registration_id: int):
    return _registration(acting_user(request), registration_id)


@router.post(
    "/deal-registrations/{registration_id}/approve",
    response={200: RegistrationOut, **WRITE_ERRORS},
    tags=["pipeline"],
)
def registration_approve(request: HttpRequest, registration_id: int):
    user = acting_user(request)
    services.registration_approve(registration=_registration(user, registration_id), user=user)
    return _registration(user, registration_id)


@router.post(
    "/deal-registrations/{registration_id}/reject",
    response={200: RegistrationOut, **WRITE_ERRORS},
    tags=["pipeline"],
)
def registration_reject(request: HttpRequest, registration_id: int, payload: RejectIn):
    user = acting_user(request)
    registration = _registration(user, registration_id)
    from amity.core.services import require

    require(user, "decide", registration)
    services.registration_reject(registration=registration, reason=payload.reason, user=user)
    return _registration(user, registration_id)


@router.post(
    "/deal-registrations/{registration_id}/convert",
    response={201: OpportunityDetailOut, **WRITE_ERRORS},
    tags=["pipeline"],
)
def registration_convert(request: HttpRequest, registration_id: int):
    """Create the opportunity (and the account if needed) from an approved registration."""
    user = acting_user(request)
    opportunity = services.registration_convert(registration=_registration(user, registration_id), user=user)
    return Status(201, _opportunity(user, opportunity.pk, history=True))


# --- the alliance's pipeline summary -------------------------------------------------------------


class PipelineQuarterOut(Schema):
    label: str
    start: date
    end: date
    won: Money
    open: Money
    weighted: Money


class StageTotalOut(Schema):
    stage: OpportunityStage
    label: str
    count: int
    amount: Money


class PipelineSummaryOut(Schema):
    fiscal_year: str
    open_count: int
    open_amount: Money = Field(description="Sum of the amounts of open opportunities.")
    weighted_amount: Money = Field(description="Sum of amount × probability / 100 of open opportunities.")
    won_count: int
    won_this_year: Money = Field(
        description="Sum of closed-won amounts with a close date in this fiscal year."
    )
    lost_count: int
    currencies: list[str] = Field(description="Currencies added together (no conversion).")
    quarters: list[PipelineQuarterOut]
    by_stage: list[StageTotalOut]


@router.get(
    "/alliances/{alliance_id}/pipeline/summary",
    response={200: PipelineSummaryOut, **READ_ERRORS},
    tags=["pipeline"],
)
def alliance_pipeline_summary(request: HttpRequest, alliance_id: int):
    """Open, weighted and won pipeline of the alliance, and this fiscal year by quarter."""
    user = acting_user(request)
    check_id(alliance_id)
    alliance = visible_alliance(user=user, pk=alliance_id)
    return selectors.alliance_pipeline_summary(alliance=alliance, user=user)
