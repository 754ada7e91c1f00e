"""REST API of partner applications: ``/partner-applications`` (our editors only).

Registered on the router of ``partners.api`` (imported at its end). Companies apply on the
public HTML page ``/become-a-partner/`` (rate-limited per address); the API reads the
applications and records the vetting and the decision. Anyone but an admin or alliance manager
gets 403 on the list and 404 on an application.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.pagination import paginate
from pydantic import model_validator

from amity.alliances.models import AllianceType
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    OrganizationRef,
    Page,
    Resolver,
    Text,
    acting_user,
    get_visible,
    renamed_fields,
)
from amity.core.permissions import can

from . import services_applications as services
from .api import router
from .models import Organization
from .models_applications import MAX_TEXT, ApplicationStatus, PartnerApplication

TAGS = ["partner applications"]


class PartnerApplicationDuplicateOut(Schema):
    organization: OrganizationRef
    reasons: list[str]
    strong: bool = Field(description="Same domain or same name (not only a similar name).")


class PartnerApplicationRef(Schema):
    id: int
    name: str


class PartnerApplicationOut(Schema):
    id: int
    status: ApplicationStatus
    company_name: str
    website: str
    country: str
    partner_kind: str
    size: str
    contact_first_name: str
    contact_last_name: str
    contact_email: str
    contact_title: str
    proposal: str
    capabilities: str
    submitted_from: str | None
    created_at: datetime
    vetting_by: str | None
    vetting_started_at: datetime | None
    vetting_notes: str
    decided_by: str | None
    decided_at: datetime | None
    rejection_reason: str
    organization: OrganizationRef | None
    contact: PartnerApplicationRef | None
    alliance: PartnerApplicationRef | None
    version: int

    @staticmethod
    def resolve_vetting_by(obj: PartnerApplication) -> str | None:
        return obj.vetting_by.username if obj.vetting_by_id else None

    @staticmethod
    def resolve_decided_by(obj: PartnerApplication) -> str | None:
        return obj.decided_by.username if obj.decided_by_id else None

    @staticmethod
    def resolve_contact(obj: PartnerApplication) -> dict[str, Any] | None:
        return {"id": obj.contact_id, "name": str(obj.contact)} if obj.contact_id else None

    @staticmethod
    def resolve_alliance(obj: PartnerApplication) -> dict[str, Any] | None:
        return {"id": obj.alliance_id, "name": obj.alliance.name} if obj.alliance_id else None


class PartnerApplicationDetailOut(PartnerApplicationOut):
    duplicates: list[PartnerApplicationDuplicateOut] = Field(
        description="Organizations it may duplicate (open applications only)."
    )

    @staticmethod
    def resolve_duplicates(obj: PartnerApplication) -> list[dict[str, Any]]:
        return services.application_duplicates(obj) if obj.is_open else []


class PartnerApplicationFilters(Schema):
    status: ApplicationStatus | None = None
    open: bool | None = Field(None, description="true: submitted or vetting only.")


class PartnerApplicationVettingIn(InputSchema):
    """Start vetting (a submitted application) or update the vetting notes."""

    notes: Text | None = Field(None, max_length=MAX_TEXT)
    version: int | None = Field(None, ge=1, description="The version you read; a stale one answers 409.")


class PartnerApplicationDecisionIn(InputSchema):
    """Approve (creates or links the organization, its contact and an alliance in *identify*)
    or reject (with a reason)."""

    decision: Literal["approve", "reject"]
    reason: Text = Field("", max_length=MAX_TEXT, description="Required to reject.")
    tell_reason: bool = Field(False, description="Include the reason in the e-mail to the applicant.")
    organization_id: Id | None = Field(
        None, description="Approve: link this organization instead of creating one."
    )
    alliance_name: Text = Field(
        "", max_length=200, description="Approve: default '<organization> partnership'."
    )
    alliance_type: AllianceType | None = Field(None, description="Approve: default from the kind of partner.")
    version: int | None = Field(None, ge=1, description="The version you read; a stale one answers 409.")

    @model_validator(mode="after")
    def reason_to_reject(self) -> "PartnerApplicationDecisionIn":
        if self.decision == "reject" and not self.reason.strip():
            raise ValueError("Say why the application is rejected (reason).")
        return self


def _visible(user: Any) -> Any:
    return PartnerApplication.objects.visible_to(user).select_related(
        "vetting_by", "decided_by", "organization", "contact", "alliance"
    )


@router.get("/partner-applications", response={200: list[PartnerApplicationOut], **READ_ERRORS}, tags=TAGS)
@paginate(Page)
def application_list(request: HttpRequest, filters: Query[PartnerApplicationFilters]):
    """Applications to become a partner, newest first (admins and alliance managers)."""
    user = acting_user(request)
    if not can(user, "view", PartnerApplication):
        raise PermissionDenied("Partner applications are for alliance managers and admins.")
    qs = _visible(user).active()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.open is not None:
        open_q = {"status__in": [ApplicationStatus.SUBMITTED, ApplicationStatus.VETTING]}
        qs = qs.filter(**open_q) if filters.open else qs.exclude(**open_q)
    return qs.order_by("-created_at", "-id")


@router.get(
    "/partner-applications/{application_id}",
    response={200: PartnerApplicationDetailOut, **READ_ERRORS},
    tags=TAGS,
)
def application_detail(request: HttpRequest, application_id: int):
    user = acting_user(request)
    return get_visible(PartnerApplication, user, application_id, _visible(user))


@router.post(
    "/partner-applications/{application_id}/vetting",
    response={200: PartnerApplicationDetailOut, **WRITE_ERRORS},
    tags=TAGS,
)
def application_vet(request: HttpRequest, application_id: int, payload: PartnerApplicationVettingIn):
    user = acting_user(request)
    application = get_visible(PartnerApplication, user, application_id, _visible(user))
    services.application_vet(
        application=application, user=user, notes=payload.notes, expected_version=payload.version
    )
    return _visible(user).get(pk=application.pk)


@router.post(
    "/partner-applications/{application_id}/decision",
    response={200: PartnerApplicationDetailOut, **WRITE_ERRORS},
    tags=TAGS,
)
def application_decide(request: HttpRequest, application_id: int, payload: PartnerApplicationDecisionIn):
    """Approve or reject an application; a decided application answers 422 (decided once)."""
    user = acting_user(request)
    application = get_visible(PartnerApplication, user, application_id, _visible(user))
    if payload.decision == "approve":
        resolve = Resolver(user)
        organization = resolve.one(Organization, payload.organization_id, "organization_id")
        resolve.check()
        with renamed_fields({"organization": "organization_id"}):
            services.application_approve(
                application=application,
                user=user,
                organization=organization,
                alliance_name=payload.alliance_name,
                alliance_type=payload.alliance_type or "",
                expected_version=payload.version,
            )
    else:
        services.application_reject(
            application=application,
            user=user,
            reason=payload.reason,
            tell_reason=payload.tell_reason,
            expected_version=payload.version,
        )
    return _visible(user).get(pk=application.pk)
