"""REST API for organizations and contacts."""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, ModelSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.alliances import selectors
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    HistoryEntryOut,
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
from amity.core.services import model_archive, model_create, model_restore, model_update

from .models import CompanySize, Contact, ContactFunction, Organization, PartnerKind

# --- organizations ------------------------------------------------------------------------

#: A size band or "" (one Literal, not a union, so an error names just ``size``).
SizeChoice = Literal[("", *CompanySize.values)]  # type: ignore[valid-type]

router = Router(tags=["partners"])


class OrganizationOut(ModelSchema):
    archived: bool

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "is_home",
            "partner_kind",
            "website",
            "domain",
            "country",
            "industry",
            "size",
            "description",
            "capabilities",
            "strengths",
            "weaknesses",
            "version",
            "created_at",
            "updated_at",
        ]

    @staticmethod
    def resolve_archived(obj: Organization) -> bool:
        return archived_flag(obj)


class OrganizationIn(InputSchema):
    """A partner, prospect or consortium member (our own company is set up by an admin)."""

    name: Text = Field(..., min_length=1, max_length=200)
    partner_kind: PartnerKind = PartnerKind.OTHER
    website: Text = ""
    domain: Text = ""
    country: Text = Field("", description="ISO 3166-1 alpha-2 code, e.g. NL.")
    industry: Text = ""
    size: SizeChoice = Field("", description="Company size band, or empty.")
    description: Text = ""
    capabilities: Text = Field("", description="One capability per line.")
    strengths: Text = Field("", description="One per line.")
    weaknesses: Text = Field("", description="One per line.")


OrganizationPatch = partial(OrganizationIn, "OrganizationPatch")


class OrganizationFilters(Schema):
    kind: PartnerKind | None = Field(None, description="Partner kind.")
    q: Text | None = Field(None, description="Search in name and domain.")
    is_home: bool | None = None
    include_archived: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        if not self.include_archived:
            qs = qs.active()
        if self.kind:
            qs = qs.filter(partner_kind=self.kind)
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(domain__icontains=self.q))
        if self.is_home is not None:
            qs = qs.filter(is_home=self.is_home)
        return qs


@router.get("/organizations", response={200: list[OrganizationOut], **READ_ERRORS}, tags=["organizations"])
@paginate(Page)
def organization_list(request: HttpRequest, filters: Query[OrganizationFilters]):
    return filters.apply(Organization.objects.visible_to(acting_user(request))).order_by("name", "pk")


@router.post("/organizations", response={201: OrganizationOut, **WRITE_ERRORS}, tags=["organizations"])
def organization_create(request: HttpRequest, payload: OrganizationIn):
    return Status(201, model_create(model=Organization, data=payload.dict(), user=acting_user(request)))


@router.get(
    "/organizations/{organization_id}", response={200: OrganizationOut, **READ_ERRORS}, tags=["organizations"]
)
def organization_detail(request: HttpRequest, organization_id: int):
    return get_visible(Organization, acting_user(request), organization_id)


@router.patch(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, **WRITE_ERRORS},
    tags=["organizations"],
)
def organization_update(request: HttpRequest, organization_id: int, payload: OrganizationPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    organization = get_visible(Organization, user, organization_id)
    data, version = changes(payload)
    organization, _ = model_update(instance=organization, data=data, user=user, expected_version=version)
    return organization


@router.delete(
    "/organizations/{organization_id}", response={204: None, **WRITE_ERRORS}, tags=["organizations"]
)
def organization_archive(request: HttpRequest, organization_id: int):
    user = acting_user(request)
    model_archive(instance=get_visible(Organization, user, organization_id), user=user)
    return Status(204, None)


@router.post(
    "/organizations/{organization_id}/restore",
    response={200: OrganizationOut, **WRITE_ERRORS},
    tags=["organizations"],
)
def organization_restore(request: HttpRequest, organization_id: int):
    user = acting_user(request)
    return model_restore(instance=get_visible(Organization, user, organization_id), user=user)


@router.get(
    "/organizations/{organization_id}/history",
    response={200: list[HistoryEntryOut], **READ_ERRORS},
    tags=["organizations"],
)
def organization_history(request: HttpRequest, organization_id: int, limit: int = Query(100, ge=1, le=500)):
    user = acting_user(request)
    organization = get_visible(Organization, user, organization_id)
    return selectors.organization_timeline(organization=organization, user=user, limit=limit)


# --- contacts -----------------------------------------------------------------------------


class ContactOut(ModelSchema):
    organization: OrganizationRef
    full_name: str
    archived: bool

    class Meta:
        model = Contact
        fields = [
            "id",
            "first_name",
            "last_name",
            "title",
            "function",
            "email",
            "phone",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]

    @staticmethod
    def resolve_archived(obj: Contact) -> bool:
        return archived_flag(obj)


class ContactIn(InputSchema):
    """A person at an organization."""

    organization_id: Id
    first_name: Text = Field(..., min_length=1, max_length=100)
    last_name: Text = Field(..., min_length=1, max_length=100)
    title: Text = ""
    function: ContactFunction = ContactFunction.OTHER
    email: Text = ""
    phone: Text = ""
    notes: Text = ""


ContactPatch = partial(ContactIn, "ContactPatch")


class ContactFilters(Schema):
    organization: Id | None = Field(None, description="Organization id.")
    function: ContactFunction | None = None
    q: Text | None = Field(None, description="Search in first name, last name and email.")
    include_archived: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        if not self.include_archived:
            qs = qs.active()
        if self.organization:
            qs = qs.filter(organization_id=self.organization)
        if self.function:
            qs = qs.filter(function=self.function)
        if self.q:
            qs = qs.filter(
                Q(first_name__icontains=self.q) | Q(last_name__icontains=self.q) | Q(email__icontains=self.q)
            )
        return qs


def _contact_data(data: dict[str, Any], user: Any) -> dict[str, Any]:
    """Replace ``organization_id`` with the visible organization (422 when not found)."""
    if "organization_id" in data:
        resolve = Resolver(user)
        data["organization"] = resolve.one(Organization, data.pop("organization_id"), "organization_id")
        resolve.check()
    return data


@router.get("/contacts", response={200: list[ContactOut], **READ_ERRORS}, tags=["contacts"])
@paginate(Page)
def contact_list(request: HttpRequest, filters: Query[ContactFilters]):
    qs = Contact.objects.visible_to(acting_user(request)).select_related("organization")
    return filters.apply(qs).order_by("last_name", "first_name", "pk")


@router.post("/contacts", response={201: ContactOut, **WRITE_ERRORS}, tags=["contacts"])
def contact_create(request: HttpRequest, payload: ContactIn):
    user = acting_user(request)
    with renamed_fields({"organization": "organization_id"}):
        contact = model_create(model=Contact, data=_contact_data(payload.dict(), user), user=user)
    return Status(201, contact)


def _contact(user: Any, contact_id: int) -> Contact:
    return get_visible(
        Contact, user, contact_id, Contact.objects.visible_to(user).select_related("organization")
    )


@router.get("/contacts/{contact_id}", response={200: ContactOut, **READ_ERRORS}, tags=["contacts"])
def contact_detail(request: HttpRequest, contact_id: int):
    return _contact(acting_user(request), contact_id)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS}, tags=["contacts"])
def contact_update(request: HttpRequest, contact_id: int, payload: ContactPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    contact = _contact(user, contact_id)
    data, version = changes(payload)
    with renamed_fields({"organization": "organization_id"}):
        contact, _ = model_update(
            instance=contact, data=_contact_data(data, user), user=user, expected_version=version
        )
    return contact


@router.delete("/contacts/{contact_id}", response={204: None, **WRITE_ERRORS}, tags=["contacts"])
def contact_archive(request: HttpRequest, contact_id: int):
    user = acting_user(request)
    model_archive(instance=_contact(user, contact_id), user=user)
    return Status(204, None)


@router.post("/contacts/{contact_id}/restore", response={200: ContactOut, **WRITE_ERRORS}, tags=["contacts"])
def contact_restore(request: HttpRequest, contact_id: int):
    user = acting_user(request)
    return model_restore(instance=_contact(user, contact_id), user=user)


from . import api_applications, api_certifications  # noqa: E402, F401 - register their operations
