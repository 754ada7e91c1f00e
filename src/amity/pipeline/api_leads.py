"""REST API of leads shared with partners and their routing rules.

Reads start from ``visible_to``: internal users see every lead, a partner user only the leads
routed to their organization (another partner's lead is 404), without our routing reason.
Routing rules and the rule-level stats are internal. Editors create, route, convert and
withdraw; the routed partner (or an editor for them) accepts or declines with a reason.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.alliances.models import Alliance, Tier
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    Money,
    Page,
    Resolver,
    Text,
    acting_user,
    get_visible,
)
from amity.core.permissions import require_internal
from amity.core.services import model_create, model_update

from . import selectors_leads as selectors
from . import services_leads as services
from .models import Lead, LeadRoutingRule, LeadStatus

router = Router(tags=["leads"])

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")]


def _reporting_currency() -> str:
    return settings.AMITY_REPORTING_CURRENCY


class LeadOut(Schema):
    id: int
    company_name: str
    domain: str
    country: str
    industry: str
    need: str
    contact_name: str
    contact_email: str
    amount: Money | None
    currency: str
    description: str
    status: LeadStatus
    alliance_id: int | None
    organization_id: int | None
    organization: str | None
    rule_id: int | None = Field(description="The routing rule that routed it (internal users).")
    routing_reason: str = Field(description="Why it went where it went (internal users).")
    routed_at: datetime | None
    response_due: date | None
    responded_at: datetime | None
    response_hours: float | None
    decline_reason: str
    opportunity_id: int | None
    created_at: datetime
    version: int

    @staticmethod
    def resolve_organization(obj: Lead) -> str | None:
        return obj.organization.name if obj.organization_id else None

    @staticmethod
    def resolve_response_hours(obj: Lead) -> float | None:
        spent = obj.response_time
        return round(spent.total_seconds() / 3600, 2) if spent is not None else None

    @staticmethod
    def resolve_routing_reason(obj: Lead, context: dict[str, Any]) -> str:
        return obj.routing_reason if context["request"].auth.is_internal else ""

    @staticmethod
    def resolve_rule_id(obj: Lead, context: dict[str, Any]) -> int | None:
        return obj.rule_id if context["request"].auth.is_internal else None


class LeadIn(InputSchema):
    company_name: Text = Field(..., min_length=1, max_length=200)
    domain: Text = Field("", max_length=253)
    country: Text = Field("", max_length=2)
    industry: Text = Field("", max_length=100)
    need: Text = Field("", max_length=120, description="The capability the customer needs.")
    contact_name: Text = Field("", max_length=200)
    contact_email: Text = Field("", max_length=254)
    amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    currency: Currency = Field(default_factory=_reporting_currency)
    description: Text = ""
    route: bool = Field(False, description="Route it by the rules at once.")


class RouteIn(InputSchema):
    alliance: Id | None = Field(None, description="Route by hand to this alliance; empty: by the rules.")


class DeclineIn(InputSchema):
    reason: Text = Field("", max_length=2000, description="Required.")


class LeadFilters(Schema):
    status: LeadStatus | None = None
    organization: Id | None = None

    def apply(self, qs):
        if self.status:
            qs = qs.filter(status=self.status)
        if self.organization:
            qs = qs.filter(organization_id=self.organization)
        return qs


class AcceptanceOut(Schema):
    organization_id: int
    organization: str
    routed: int
    accepted: int
    declined: int
    pending: int
    overdue: int
    acceptance_rate: float | None
    median_hours: float | None
    p90_hours: float | None


class RuleOut(Schema):
    id: int
    name: str
    priority: int
    is_active: bool
    countries: list[str]
    industries: list[str]
    capability: str
    tier_ids: list[int]
    alliance_id: int | None
    response_days: int
    notes: str
    version: int

    @staticmethod
    def resolve_tier_ids(obj: LeadRoutingRule) -> list[int]:
        return [t.pk for t in obj.tiers.all()]


class RuleIn(InputSchema):
    name: Text = Field(..., min_length=1, max_length=120)
    priority: int = Field(100, ge=0, le=1_000_000)
    is_active: bool = True
    countries: list[Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]] = []
    industries: list[Annotated[str, Field(min_length=1, max_length=100)]] = []
    capability: Text = Field("", max_length=120)
    tiers: list[Id] = []
    alliance: Id | None = None
    response_days: int = Field(5, ge=1, le=365)
    notes: Text = ""


class RulePatch(InputSchema):
    name: Text | None = Field(None, min_length=1, max_length=120)
    priority: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None
    countries: list[Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]] | None = None
    industries: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = None
    capability: Text | None = Field(None, max_length=120)
    tiers: list[Id] | None = None
    alliance: Id | None = None
    response_days: int | None = Field(None, ge=1, le=365)
    notes: Text | None = None
    version: int | None = Field(None, description="The version you edited; 409 when it changed since.")


def _leads(user: Any):
    return selectors.lead_list(user=user).filter(archived_at__isnull=True)


def _lead(user: Any, lead_id: int) -> Lead:
    return get_visible(Lead, user, lead_id, _leads(user))


@router.get("/leads", response={200: list[LeadOut], **READ_ERRORS})
@paginate(Page)
def lead_list(request: HttpRequest, filters: Query[LeadFilters]):
    return filters.apply(_leads(acting_user(request))).order_by("-created_at", "-pk")


@router.post("/leads", response={201: LeadOut, **WRITE_ERRORS})
def lead_create(request: HttpRequest, payload: LeadIn):
    user = acting_user(request)
    data = payload.dict(exclude={"route"})
    lead = services.lead_create(data=data, user=user, route=payload.route)
    return Status(201, _lead(user, lead.pk))


@router.get("/leads/stats", response={200: list[AcceptanceOut], **READ_ERRORS})
def lead_stats(request: HttpRequest):
    """Per partner: routings, answers, acceptance rate, median and p90 hours to answer."""
    rows = selectors.acceptance_stats(user=acting_user(request))
    return [
        {
            "organization_id": r.organization.pk,
            "organization": r.organization.name,
            "routed": r.routed,
            "accepted": r.accepted,
            "declined": r.declined,
            "pending": r.pending,
            "overdue": r.overdue,
            "acceptance_rate": r.acceptance_rate,
            "median_hours": r.median_hours,
            "p90_hours": r.p90_hours,
        }
        for r in rows
    ]


@router.get("/leads/{lead_id}", response={200: LeadOut, **READ_ERRORS})
def lead_detail(request: HttpRequest, lead_id: int):
    return _lead(acting_user(request), lead_id)


@router.post("/leads/{lead_id}/route", response={200: LeadOut, **WRITE_ERRORS})
def lead_route(request: HttpRequest, lead_id: int, payload: RouteIn):
    """Route by the rules (no body, or ``alliance`` empty) or by hand to ``alliance``."""
    user = acting_user(request)
    lead = _lead(user, lead_id)
    if payload.alliance:
        resolve = Resolver(user)
        alliance = resolve.one(Alliance, payload.alliance, "alliance")
        resolve.check()
        services.route_lead_to(lead=lead, alliance=alliance, user=user)
    else:
        services.route_lead(lead=lead, user=user)
    return _lead(user, lead_id)


@router.post("/leads/{lead_id}/accept", response={200: LeadOut, **WRITE_ERRORS})
def lead_accept(request: HttpRequest, lead_id: int):
    user = acting_user(request)
    services.lead_accept(lead=_lead(user, lead_id), user=user)
    return _lead(user, lead_id)


@router.post("/leads/{lead_id}/decline", response={200: LeadOut, **WRITE_ERRORS})
def lead_decline(request: HttpRequest, lead_id: int, payload: DeclineIn):
    user = acting_user(request)
    services.lead_decline(lead=_lead(user, lead_id), user=user, reason=payload.reason)
    return _lead(user, lead_id)


@router.post("/leads/{lead_id}/convert", response={200: LeadOut, **WRITE_ERRORS})
def lead_convert(request: HttpRequest, lead_id: int):
    """An accepted lead becomes a referral opportunity (``opportunity_id``)."""
    user = acting_user(request)
    services.lead_convert(lead=_lead(user, lead_id), user=user)
    return _lead(user, lead_id)


@router.post("/leads/{lead_id}/withdraw", response={200: LeadOut, **WRITE_ERRORS})
def lead_withdraw(request: HttpRequest, lead_id: int):
    user = acting_user(request)
    services.lead_withdraw(lead=_lead(user, lead_id), user=user)
    return _lead(user, lead_id)


# --- routing rules ------------------------------------------------------------------------


def _rules(user: Any):
    require_internal(user, hide=True)
    return LeadRoutingRule.objects.visible_to(user).filter(archived_at__isnull=True).prefetch_related("tiers")


def _rule_data(user: Any, payload: RuleIn | RulePatch) -> tuple[dict[str, Any], dict[str, Any]]:
    raw = payload.dict(exclude_unset=isinstance(payload, RulePatch), exclude={"version"})
    resolve = Resolver(user)
    m2m = {}
    if "tiers" in raw:
        m2m["tiers"] = resolve.many(Tier, raw.pop("tiers") or [], "tiers")
    if "alliance" in raw:
        raw["alliance"] = resolve.one(Alliance, raw["alliance"], "alliance")
    resolve.check()
    if "countries" in raw:
        raw["countries"] = [c.upper() for c in raw["countries"]]
    return raw, m2m


@router.get("/lead-rules", response={200: list[RuleOut], **READ_ERRORS})
@paginate(Page)
def rule_list(request: HttpRequest):
    return _rules(acting_user(request)).order_by("priority", "pk")


@router.post("/lead-rules", response={201: RuleOut, **WRITE_ERRORS})
def rule_create(request: HttpRequest, payload: RuleIn):
    user = acting_user(request)
    require_internal(user, hide=True)
    data, m2m = _rule_data(user, payload)
    rule = model_create(model=LeadRoutingRule, data=data, user=user, m2m=m2m)
    return Status(201, get_visible(LeadRoutingRule, user, rule.pk, _rules(user)))


@router.patch("/lead-rules/{rule_id}", response={200: RuleOut, **WRITE_ERRORS})
def rule_update(request: HttpRequest, rule_id: int, payload: RulePatch):
    user = acting_user(request)
    rule = get_visible(LeadRoutingRule, user, rule_id, _rules(user))
    data, m2m = _rule_data(user, payload)
    model_update(instance=rule, data=data, user=user, expected_version=payload.version, m2m=m2m or None)
    return get_visible(LeadRoutingRule, user, rule_id, _rules(user))
