"""REST API of partner people's trainings and certifications: ``/certifications``.

Registered on the router of ``partners.api`` (imported at its end). A partner user reads their own
organization's people's records and writes nothing (403); other records are 404. DELETE archives.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

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
    archived_flag,
    changes,
    get_visible,
    partial,
    renamed_fields,
)
from amity.core.services import model_archive, model_restore, require

from . import services
from .api import router
from .filters import (
    EXPIRING_WITHIN_DAYS,
    CertificationStatus,
    certification_status_q,
    today,
    valid_on_q,
    with_certification_status,
)
from .models import Certification, Contact, CredentialKind

TAGS = ["certifications"]
#: Model field → the name the client sends, for field errors.
CERTIFICATION_FIELDS = {"contact": "contact_id"}


class CertificationContactRef(Schema):
    id: int
    full_name: str
    organization: OrganizationRef


class CertificationOut(Schema):
    id: int
    contact: CertificationContactRef
    kind: CredentialKind
    kind_label: str
    course: str
    issuer: str
    completed_on: date
    expires_on: date | None = Field(description="Empty: does not expire.")
    credential_id: str
    status: CertificationStatus = Field(
        description=f"Today: valid, expiring (valid, expires within {EXPIRING_WITHIN_DAYS} days), expired, "
        "pending (completed in the future) - or training for a completed training."
    )
    status_label: str
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Certification) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Certification) -> str:
        return CertificationStatus(obj.status).label  # type: ignore[attr-defined]

    @staticmethod
    def resolve_archived(obj: Certification) -> bool:
        return archived_flag(obj)


class CertificationIn(InputSchema):
    """A training or certification of a person at a partner organization."""

    contact_id: Id = Field(description="The partner person (a contact, not one of our own company's).")
    kind: CredentialKind = CredentialKind.CERTIFICATION
    course: Text = Field(..., min_length=1, max_length=200, description="e.g. Integration Architect.")
    issuer: Text = Field("", max_length=200, description="Who certified it (us, the partner, a body).")
    completed_on: date = Field(..., description="The day it was passed or completed.")
    expires_on: date | None = Field(None, description="Empty: does not expire. Not before completed_on.")
    credential_id: Text = Field("", max_length=100)


CertificationPatch = partial(CertificationIn, "CertificationPatch")


class CertificationFilters(Schema):
    organization_id: Id | None = Field(None, description="The people of this organization.")
    contact_id: Id | None = Field(None, description="This person.")
    kind: CredentialKind | None = None
    valid_on: date | None = Field(
        None,
        description="Completed on or before this day and not expired by then (any kind; add "
        "kind=certification for what the tier rules count).",
    )
    status: CertificationStatus | None = Field(
        None, description="Status today; valid includes the expiring ones."
    )
    q: Text | None = Field(None, description="Search in course, issuer and credential ID.")
    include_archived: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        if not self.include_archived:
            qs = qs.active()
        if self.organization_id:
            qs = qs.filter(contact__organization_id=self.organization_id)
        if self.contact_id:
            qs = qs.filter(contact_id=self.contact_id)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.valid_on:
            qs = qs.filter(valid_on_q(self.valid_on))
        if self.status:
            qs = qs.filter(certification_status_q(self.status, today()))
        if self.q:
            qs = qs.filter(
                Q(course__icontains=self.q) | Q(issuer__icontains=self.q) | Q(credential_id__icontains=self.q)
            )
        return qs


def _certifications(user: Any) -> QuerySet:
    qs = Certification.objects.visible_to(user).select_related("contact__organization")
    return with_certification_status(qs, today())


def _certification(user: Any, certification_id: int) -> Certification:
    return get_visible(Certification, user, certification_id, _certifications(user))


def _certification_data(data: dict[str, Any], user: Any) -> dict[str, Any]:
    """Replace ``contact_id`` with the visible, active contact (422 when not found)."""
    if "contact_id" in data:
        resolve = Resolver(user)
        people = Contact.objects.visible_to(user).select_related("organization")
        data["contact"] = resolve.one(Contact, data.pop("contact_id"), "contact_id", people)
        resolve.check()
    return data


@router.get("/certifications", response={200: list[CertificationOut], **READ_ERRORS}, tags=TAGS)
@paginate(Page)
def certification_list(request: HttpRequest, filters: Query[CertificationFilters]):
    return filters.apply(_certifications(acting_user(request))).order_by("-completed_on", "-pk")


@router.post("/certifications", response={201: CertificationOut, **WRITE_ERRORS}, tags=TAGS)
def certification_create(request: HttpRequest, payload: CertificationIn):
    user = acting_user(request)
    require(user, "create", Certification)  # a partner user is refused before any lookup
    with renamed_fields(CERTIFICATION_FIELDS):
        certification = services.certification_create(
            data=_certification_data(payload.dict(), user), user=user
        )
    return Status(201, _certification(user, certification.pk))


@router.get("/certifications/{certification_id}", response={200: CertificationOut, **READ_ERRORS}, tags=TAGS)
def certification_detail(request: HttpRequest, certification_id: int):
    return _certification(acting_user(request), certification_id)


@router.patch(
    "/certifications/{certification_id}", response={200: CertificationOut, **WRITE_ERRORS}, tags=TAGS
)
def certification_update(request: HttpRequest, certification_id: int, payload: CertificationPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    certification = _certification(user, certification_id)
    require(user, "change", certification)
    data, version = changes(payload)
    with renamed_fields(CERTIFICATION_FIELDS):
        services.certification_update(
            certification=certification,
            data=_certification_data(data, user),
            user=user,
            expected_version=version,
        )
    return _certification(user, certification_id)


@router.delete("/certifications/{certification_id}", response={204: None, **WRITE_ERRORS}, tags=TAGS)
def certification_archive(request: HttpRequest, certification_id: int):
    """Archive (never delete): the record leaves the lists and counts, and can be restored."""
    user = acting_user(request)
    model_archive(instance=_certification(user, certification_id), user=user)
    return Status(204, None)


@router.post(
    "/certifications/{certification_id}/restore",
    response={200: CertificationOut, **WRITE_ERRORS},
    tags=TAGS,
)
def certification_restore(request: HttpRequest, certification_id: int):
    user = acting_user(request)
    model_restore(instance=_certification(user, certification_id), user=user)
    return _certification(user, certification_id)
