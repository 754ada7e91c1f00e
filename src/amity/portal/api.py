"""REST API of the partner portal: invitations and partner users (admins and alliance managers),
and the partner home of the calling partner user.

Schema names start with ``Portal`` (ninja names OpenAPI components after the class).
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.accounts.models import User
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
    get_visible,
    renamed_fields,
)
from amity.partners.models import Organization

from . import selectors, services
from .models import Invitation, InvitationStatus

router = Router(tags=["partner portal"])

MANAGE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut}


# --- invitations -------------------------------------------------------------------------------


class PortalPersonRef(Schema):
    id: int
    username: str
    full_name: str

    @staticmethod
    def resolve_full_name(obj: User) -> str:
        return obj.get_full_name()


class PortalInvitationOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    organization: OrganizationRef
    status: InvitationStatus = Field(description="open, accepted, expired or revoked - as of now.")
    invited_by: PortalPersonRef | None
    created_at: datetime
    expires_at: datetime
    last_sent_at: datetime | None = Field(description="When the e-mail last went out; null: not sent.")
    sent_count: int
    accepted_at: datetime | None
    user: PortalPersonRef | None = Field(description="The partner user created on acceptance.")
    revoked_at: datetime | None
    revoked_by: PortalPersonRef | None


class PortalInvitationCreatedOut(PortalInvitationOut):
    accept_url: str = Field(
        description="The link the invitee opens. Shown only in this answer (the token is stored hashed) "
        "and also sent by e-mail."
    )


class PortalInvitationIn(InputSchema):
    email: Text = Field(..., max_length=254)
    organization_id: Id = Field(description="The partner organization the person will belong to.")
    first_name: Text = Field("", max_length=100)
    last_name: Text = Field("", max_length=100)


class PortalInvitationFilters(Schema):
    organization_id: Id | None = None
    status: InvitationStatus | None = Field(None, description="open, accepted, expired or revoked.")
    q: Text | None = Field(None, description="Search in the e-mail address and names.")

    def apply(self, qs: QuerySet) -> QuerySet:
        from django.db.models import Q

        if self.organization_id:
            qs = qs.filter(organization_id=self.organization_id)
        qs = selectors.filter_invitations(qs, self.status)
        if self.q:
            qs = qs.filter(
                Q(email__icontains=self.q) | Q(first_name__icontains=self.q) | Q(last_name__icontains=self.q)
            )
        return qs


def _manager(request: HttpRequest) -> Any:
    user = acting_user(request)
    if not selectors.can_manage_access(user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only admins and alliance managers manage partner access.")
    return user


def _created(invitation: Invitation, raw: str) -> Invitation:
    invitation.accept_url = services.accept_url(raw)
    return invitation


@router.get("/invitations", response={200: list[PortalInvitationOut], **MANAGE_ERRORS})
@paginate(Page)
def invitation_list(request: HttpRequest, filters: Query[PortalInvitationFilters]):
    """Invitations of partner users, newest first (admins and alliance managers)."""
    user = _manager(request)
    return filters.apply(selectors.invitation_list(user=user)).order_by("-created_at", "-pk")


@router.post("/invitations", response={201: PortalInvitationCreatedOut, **WRITE_ERRORS})
def invitation_create(request: HttpRequest, payload: PortalInvitationIn):
    """Invite a person to become a partner user of a partner organization: an e-mail with a link
    that works once, for ``AMITY_INVITATION_DAYS`` days. An open invitation of the same address
    is revoked."""
    user = _manager(request)
    resolve = Resolver(user)
    organization = resolve.one(Organization, payload.organization_id, "organization_id")
    resolve.check()
    with renamed_fields({"organization": "organization_id"}):
        invitation, raw = services.invitation_create(
            organization=organization,
            email=payload.email,
            first_name=payload.first_name,
            last_name=payload.last_name,
            user=user,
        )
    return Status(201, _created(invitation, raw))


@router.get("/invitations/{invitation_id}", response={200: PortalInvitationOut, **MANAGE_ERRORS})
def invitation_detail(request: HttpRequest, invitation_id: int):
    user = _manager(request)
    return get_visible(Invitation, user, invitation_id, selectors.invitation_list(user=user))


@router.post("/invitations/{invitation_id}/revoke", response={200: PortalInvitationOut, **WRITE_ERRORS})
def invitation_revoke(request: HttpRequest, invitation_id: int):
    """Withdraw an invitation: its link answers "withdrawn" from now on."""
    user = _manager(request)
    invitation = get_visible(Invitation, user, invitation_id, selectors.invitation_list(user=user))
    services.invitation_revoke(invitation=invitation, user=user)
    return get_visible(Invitation, user, invitation_id, selectors.invitation_list(user=user))


@router.post(
    "/invitations/{invitation_id}/resend", response={200: PortalInvitationCreatedOut, **WRITE_ERRORS}
)
def invitation_resend(request: HttpRequest, invitation_id: int):
    """A new link for an open or expired invitation (valid for the full period again); the old
    link stops working."""
    user = _manager(request)
    invitation = get_visible(Invitation, user, invitation_id, selectors.invitation_list(user=user))
    invitation, raw = services.invitation_resend(invitation=invitation, user=user)
    fresh = get_visible(Invitation, user, invitation.pk, selectors.invitation_list(user=user))
    return _created(fresh, raw)


# --- partner users -----------------------------------------------------------------------------


class PortalPartnerUserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    organization: OrganizationRef
    is_active: bool
    last_login: datetime | None = Field(description="The last sign-in; null: never signed in.")
    date_joined: datetime
    invited_at: datetime | None = Field(description="When the invitation they accepted was sent.")
    invited_by: str | None = Field(description="Who invited them (username).")
    access_changed_at: datetime | None = Field(description="When access was last switched off or on.")
    access_action: str | None = Field(description="deactivated or reactivated.")
    access_changed_by: str | None

    @staticmethod
    def resolve_full_name(obj: User) -> str:
        return obj.get_full_name()

    @staticmethod
    def resolve_invited_by(obj: User) -> str | None:
        return getattr(obj, "invited_by_username", None)

    @staticmethod
    def resolve_access_changed_by(obj: User) -> str | None:
        return getattr(obj, "access_changed_by_username", None)


class PortalPartnerUserFilters(Schema):
    organization_id: Id | None = None
    is_active: bool | None = Field(None, description="Only active (true) or deactivated (false) users.")
    q: Text | None = Field(None, description="Search in username, names, e-mail and organization.")
    signed_in: Literal["never", "stale"] | None = Field(
        None, description="never: never signed in; stale: not in the last 90 days (or never)."
    )


def _partner_users(user: Any) -> QuerySet:
    return selectors.partner_user_list(user=user)


@router.get("/partner-users", response={200: list[PortalPartnerUserOut], **MANAGE_ERRORS})
@paginate(Page)
def partner_user_list(request: HttpRequest, filters: Query[PortalPartnerUserFilters]):
    """Partner users with their last sign-in, by organization (admins and alliance managers)."""
    user = _manager(request)
    qs = selectors.filter_partner_users(
        _partner_users(user),
        organization_id=filters.organization_id,
        active=filters.is_active,
        q=filters.q or "",
        signed_in=filters.signed_in or "",
    )
    return qs.order_by("organization__name", "last_name", "username", "pk")


@router.post("/partner-users/{user_id}/deactivate", response={200: PortalPartnerUserOut, **WRITE_ERRORS})
def partner_user_deactivate(request: HttpRequest, user_id: int):
    """Switch a partner user's access off (never deleted): their sessions and tokens stop working now."""
    user = _manager(request)
    target = get_visible(User, user, user_id, _partner_users(user))
    services.partner_user_deactivate(target=target, user=user)
    return get_visible(User, user, user_id, _partner_users(user))


@router.post("/partner-users/{user_id}/reactivate", response={200: PortalPartnerUserOut, **WRITE_ERRORS})
def partner_user_reactivate(request: HttpRequest, user_id: int):
    user = _manager(request)
    target = get_visible(User, user, user_id, _partner_users(user))
    services.partner_user_reactivate(target=target, user=user)
    return get_visible(User, user, user_id, _partner_users(user))


# --- the partner home --------------------------------------------------------------------------


class PortalHomeAllianceOut(Schema):
    id: int
    name: str
    alliance_type: str
    stage: str
    stage_label: str
    other_parties: list[str]
    shared: dict[str, bool] = Field(description="Each kind of data and whether it is shared with you.")
    shared_sentence: str
    dashboard_url: str


class PortalDueItemOut(Schema):
    kind: Literal["commitment", "action_item", "plan"]
    id: int
    title: str
    alliance_id: int
    alliance: str
    due_date: date | None = Field(description="Null for a plan waiting for agreement.")
    overdue: bool
    status: str
    url: str


class PortalDueOut(Schema):
    total: int = Field(description="Open commitments + open action items + plans to agree, in all.")
    commitments_total: int
    actions_total: int
    plans_total: int
    items: list[PortalDueItemOut] = Field(description="The first few of each kind.")


class PortalRegistrationOut(Schema):
    id: int
    company_name: str
    alliance_id: int
    alliance: str
    status: str
    amount: Money
    currency: str
    submitted_on: date
    decision_deadline: date
    protection_until: date | None
    protection_ending: bool = Field(description="Approved, and protection ends within 30 days.")


class PortalRegistrationsOut(Schema):
    total: int
    counts: dict[str, int]
    latest: list[PortalRegistrationOut]


class PortalBudgetOut(Schema):
    id: int
    program: str
    fiscal_year: int
    currency: str
    allocated: Money
    committed: Money
    claimed: Money
    paid: Money
    available: Money
    expiry_date: date


class PortalFundItemOut(Schema):
    kind: Literal["request", "claim"]
    id: int
    activity: str
    status: str
    amount: Money
    currency: str
    url: str


class PortalMdfOut(Schema):
    budgets: list[PortalBudgetOut]
    requests_total: int
    claims_total: int
    waiting: list[PortalFundItemOut] = Field(
        description="Draft and submitted requests; submitted and approved claims."
    )


class PortalAssessmentOut(Schema):
    id: int
    instrument: str
    wave: str
    alliance_id: int
    alliance: str
    opened_on: date
    closes_on: date | None
    ours_submitted: int = Field(description="How many people of your organization handed in answers.")
    mine_submitted: bool
    url: str


class PortalHomeOut(Schema):
    organization: OrganizationRef
    today: date
    alliances: list[PortalHomeAllianceOut]
    due: PortalDueOut
    registrations: PortalRegistrationsOut
    mdf: PortalMdfOut
    assessments_total: int = Field(description="Open two-sided assessments of your alliances.")
    assessments_waiting: int = Field(description="How many of them you have not answered yet.")
    assessments: list[PortalAssessmentOut]


def _home_payload(home: dict[str, Any]) -> dict[str, Any]:
    due = home["due"]
    items = [
        {
            "kind": "plan",
            "id": p.pk,
            "title": p.title,
            "alliance_id": p.alliance_id,
            "alliance": p.alliance.name,
            "due_date": None,
            "overdue": False,
            "status": p.status,
            "url": p.get_absolute_url(),
        }
        for p in due["plans"].rows
    ]
    items += [
        {
            "kind": "commitment",
            "id": c.pk,
            "title": c.title,
            "alliance_id": c.alliance_id,
            "alliance": c.alliance.name,
            "due_date": c.due_date,
            "overdue": c.overdue_now,
            "status": c.status,
            "url": c.get_absolute_url(),
        }
        for c in due["commitments"].rows
    ]
    items += [
        {
            "kind": "action_item",
            "id": a.pk,
            "title": a.title,
            "alliance_id": a.alliance_id,
            "alliance": a.alliance.name,
            "due_date": a.due_date,
            "overdue": a.overdue_now,
            "status": a.status,
            "url": a.get_absolute_url(),
        }
        for a in due["actions"].rows
    ]
    registrations = home["registrations"]
    mdf = home["mdf"]
    waiting = [
        {
            "kind": "request",
            "id": r.pk,
            "activity": r.activity,
            "status": r.status,
            "amount": r.requested_amount,
            "currency": r.budget.currency,
            "url": r.get_absolute_url(),
        }
        for r in mdf["requests"].rows
    ] + [
        {
            "kind": "claim",
            "id": c.pk,
            "activity": c.request.activity,
            "status": c.status,
            "amount": c.amount,
            "currency": c.request.budget.currency,
            "url": c.get_absolute_url(),
        }
        for c in mdf["claims"].rows
    ]
    return {
        "organization": home["organization"],
        "today": home["today"],
        "alliances": [
            {
                "id": a.pk,
                "name": a.name,
                "alliance_type": a.alliance_type,
                "stage": a.stage,
                "stage_label": a.get_stage_display(),
                "other_parties": a.other_parties,
                "shared": a.shared,
                "shared_sentence": a.shared_sentence,
                "dashboard_url": reverse("portal:alliance_dashboard", args=[a.pk]),
            }
            for a in home["alliances"]
        ],
        "due": {
            "total": due["total"],
            "commitments_total": due["commitments"].total,
            "actions_total": due["actions"].total,
            "plans_total": due["plans"].total,
            "items": items,
        },
        "registrations": {
            "total": registrations["total"],
            "counts": {c["status"]: c["count"] for c in registrations["counts"]},
            "latest": [
                {
                    "id": r.pk,
                    "company_name": r.company_name,
                    "alliance_id": r.alliance_id,
                    "alliance": r.alliance.name,
                    "status": r.status,
                    "amount": r.amount,
                    "currency": r.currency,
                    "submitted_on": r.submitted_on,
                    "decision_deadline": r.decision_deadline,
                    "protection_until": r.protection_until,
                    "protection_ending": r.protection_ending,
                }
                for r in registrations["latest"].rows
            ],
        },
        "mdf": {
            "budgets": [
                {
                    "id": b.pk,
                    "program": b.program.name,
                    "fiscal_year": b.fiscal_year,
                    "currency": b.currency,
                    "allocated": b.allocated,
                    "committed": b.committed,
                    "claimed": b.claimed,
                    "paid": b.paid,
                    "available": b.available,
                    "expiry_date": b.expiry_date,
                }
                for b in mdf["budgets"]
            ],
            "requests_total": mdf["requests"].total,
            "claims_total": mdf["claims"].total,
            "waiting": waiting,
        },
        "assessments_total": home["assessments"]["listed"].total,
        "assessments_waiting": home["assessments"]["waiting"],
        "assessments": [
            {
                "id": s.pk,
                "instrument": s.instrument.name,
                "wave": s.wave,
                "alliance_id": s.alliance_id,
                "alliance": s.alliance.name,
                "opened_on": s.opened_on,
                "closes_on": s.closes_on,
                "ours_submitted": s.ours_submitted,
                "mine_submitted": s.mine_submitted,
                "url": s.get_absolute_url(),
            }
            for s in home["assessments"]["listed"].rows
        ],
    }


@router.get("/partner/home", response={200: PortalHomeOut, 401: ErrorOut, 403: ErrorOut})
def partner_home(request: HttpRequest):
    """The partner home of the calling partner user's organization: its alliances and what each
    shares with it, what is due from it, its registered deals, its MDF and the assessments waiting
    for its answers. Partner users only (403 for our own people)."""
    return _home_payload(selectors.partner_home(user=acting_user(request)))
