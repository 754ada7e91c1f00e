"""REST API for agreements, their documents, and the commitments register.

Handlers parse, call one service or selector, and return. Reads start from ``visible_to``:
partner users read the agreements, documents and commitments of the alliances their
organization is party to and get 404 for anything else; writes are for internal editors
(admin, alliance manager) - anyone else who can see the object gets 403. Ids in a body resolve
through the same rule, so an invisible one is "not found" (422 naming the field).
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from amity.accounts.models import User
from amity.alliances.models import Alliance
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    HistoryEntryOut,
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
from amity.core.permissions import require_internal
from amity.core.roles import INTERNAL_ROLES
from amity.partners.models import Contact, Organization

from . import selectors, services
from .models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementStatus,
    Category,
    Commitment,
    CommitmentStatus,
    Nature,
    SoftSource,
)
from .views import document_response

router = Router()

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
SoftSourceChoice = Literal[("", *SoftSource.values)]  # type: ignore[valid-type]

AGREEMENT_FIELDS = {"alliance": "alliance_id", "parties": "party_ids", "owner": "owner_id"}
COMMITMENT_FIELDS = {
    "alliance": "alliance_id",
    "party": "party_id",
    "agreement": "agreement_id",
    "owner_contact": "owner_contact_id",
    "owner_user": "owner_user_id",
}


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


# --- agreements ---------------------------------------------------------------------------------


class AgreementOut(Schema):
    id: int
    alliance: AllianceRef
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    allowed_statuses: list[str] = Field(description="The statuses it may move to next.")
    parties: list[OrganizationRef]
    signed_date: date | None
    effective_date: date | None
    expiry_date: date | None
    terminated_date: date | None
    auto_renew: bool
    renewal_term_months: int | None
    notice_period_days: int | None
    notice_deadline: date | None = Field(description="Computed: expiry date minus the notice period.")
    exclusive: bool
    exclusivity_scope: str
    ip_terms: str
    value: Money | None
    currency: str
    owner: UserRef | None
    notes: str
    documents_count: int
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Agreement) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Agreement) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_allowed_statuses(obj: Agreement) -> list[str]:
        return list(services.allowed_agreement_statuses(obj))

    @staticmethod
    def resolve_parties(obj: Agreement) -> list[Organization]:
        return list(obj.parties.all())

    @staticmethod
    def resolve_documents_count(obj: Agreement) -> int:
        count = getattr(obj, "documents_count", None)
        return count if count is not None else obj.documents.active().count()

    @staticmethod
    def resolve_archived(obj: Agreement) -> bool:
        return archived_flag(obj)


class AgreementEdit(InputSchema):
    """An agreement's terms; the status moves through ``POST /agreements/{id}/status``."""

    title: Text = Field(..., min_length=1, max_length=200)
    kind: AgreementKind = AgreementKind.OTHER
    party_ids: list[Id] | None = Field(
        None, description="Organizations that sign it, each a party of the alliance (default: all)."
    )
    signed_date: date | None = None
    effective_date: date | None = None
    expiry_date: date | None = Field(None, description="The last day of the current term.")
    auto_renew: bool = False
    renewal_term_months: int | None = Field(None, ge=1, le=600)
    notice_period_days: int | None = Field(None, ge=0, le=3650)
    exclusive: bool = False
    exclusivity_scope: Text = Field("", max_length=300)
    ip_terms: Text = ""
    value: Amount | None = None
    currency: Currency = Field(default_factory=_reporting_currency)
    owner_id: Id | None = Field(None, description="An internal user; empty means the alliance owner.")
    notes: Text = ""


class AgreementIn(AgreementEdit):
    """A new agreement of an alliance, recorded in the status it has now."""

    alliance_id: Id
    status: AgreementStatus = Field(
        AgreementStatus.DRAFT,
        description="An agreement signed earlier can be recorded as signed or active (with its dates).",
    )


AgreementPatch = partial(AgreementEdit, "AgreementPatch")


class AgreementStatusIn(InputSchema):
    status: AgreementStatus
    on: date | None = Field(
        None,
        description="The date of the move: signature (signed), effective (active), expiry (expired) or "
        "termination date. Default: the date already recorded, else today.",
    )
    reason: Text = Field("", max_length=60, description="A short note, recorded in the history.")
    version: int | None = Field(None, ge=1, description="The version you saw; stale answers 409.")


class AgreementFilters(Schema):
    alliance: Id | None = Field(None, description="Alliance id.")
    status: AgreementStatus | None = None
    kind: AgreementKind | None = None
    notice_within_days: int | None = Field(
        None, ge=0, le=3650, description="In force, notice deadline between today and today + N days."
    )
    expiring_within_days: int | None = Field(
        None, ge=0, le=3650, description="In force, expiry date on or before today + N days."
    )
    q: Text | None = Field(None, description="Search in the title.")
    include_archived: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        from datetime import timedelta

        day = selectors.today()
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.notice_within_days is not None:
            qs = qs.filter(
                status__in=(AgreementStatus.SIGNED, AgreementStatus.ACTIVE),
                notice_deadline__gte=day,
                notice_deadline__lte=day + timedelta(days=self.notice_within_days),
            )
        if self.expiring_within_days is not None:
            qs = qs.filter(
                status__in=(AgreementStatus.SIGNED, AgreementStatus.ACTIVE),
                expiry_date__lte=day + timedelta(days=self.expiring_within_days),
            )
        if self.q:
            qs = qs.filter(title__icontains=self.q)
        return qs


def _agreement_data(data: dict[str, Any], user: Any) -> tuple[dict[str, Any], list[Organization] | None]:
    resolve = Resolver(user)
    if "owner_id" in data:
        data["owner"] = resolve.one(User, data.pop("owner_id"), "owner_id", _active_users())
    parties = None
    if "party_ids" in data:
        ids = data.pop("party_ids")
        parties = None if ids is None else resolve.many(Organization, ids, "party_ids")
    resolve.check()
    return data, parties


def _active_users() -> QuerySet:
    return User.objects.filter(is_active=True, role__in=INTERNAL_ROLES)


def _agreement(user: Any, agreement_id: int) -> Agreement:
    check_id(agreement_id)
    qs = selectors.agreement_list(user=user, include_archived=True)
    return get_visible(Agreement, user, agreement_id, qs)


@router.get("/agreements", response={200: list[AgreementOut], **READ_ERRORS}, tags=["agreements"])
@paginate(Page)
def agreement_list(request: HttpRequest, filters: Query[AgreementFilters]):
    user = acting_user(request)
    qs = selectors.agreement_list(user=user, include_archived=filters.include_archived)
    return filters.apply(qs).order_by("alliance__name", "title", "pk")


@router.post("/agreements", response={201: AgreementOut, **WRITE_ERRORS}, tags=["agreements"])
def agreement_create(request: HttpRequest, payload: AgreementIn):
    user = acting_user(request)
    data = payload.dict(exclude_unset=True)
    data.setdefault("currency", payload.currency)
    resolve = Resolver(user)
    alliance = resolve.one(Alliance, data.pop("alliance_id"), "alliance_id")
    resolve.check()
    data, parties = _agreement_data(data, user)
    with renamed_fields(AGREEMENT_FIELDS):
        agreement = services.agreement_create(alliance=alliance, data=data, parties=parties, user=user)
    return Status(201, _agreement(user, agreement.pk))


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, **READ_ERRORS}, tags=["agreements"])
def agreement_detail(request: HttpRequest, agreement_id: int):
    return _agreement(acting_user(request), agreement_id)


@router.patch("/agreements/{agreement_id}", response={200: AgreementOut, **WRITE_ERRORS}, tags=["agreements"])
def agreement_update(request: HttpRequest, agreement_id: int, payload: AgreementPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    agreement = _agreement(user, agreement_id)
    data, version = changes(payload)
    data, parties = _agreement_data(data, user)
    with renamed_fields(AGREEMENT_FIELDS):
        services.agreement_update(
            agreement=agreement, data=data, parties=parties, user=user, expected_version=version
        )
    return _agreement(user, agreement_id)


@router.delete("/agreements/{agreement_id}", response={204: None, **WRITE_ERRORS}, tags=["agreements"])
def agreement_archive(request: HttpRequest, agreement_id: int):
    user = acting_user(request)
    services.agreement_archive(agreement=_agreement(user, agreement_id), user=user)
    return Status(204, None)


@router.post(
    "/agreements/{agreement_id}/restore", response={200: AgreementOut, **WRITE_ERRORS}, tags=["agreements"]
)
def agreement_restore(request: HttpRequest, agreement_id: int):
    user = acting_user(request)
    services.agreement_restore(agreement=_agreement(user, agreement_id), user=user)
    return _agreement(user, agreement_id)


@router.post(
    "/agreements/{agreement_id}/status", response={200: AgreementOut, **WRITE_ERRORS}, tags=["agreements"]
)
def agreement_status(request: HttpRequest, agreement_id: int, payload: AgreementStatusIn):
    """Move the agreement: draft → negotiating → signed → active → expired / terminated."""
    user = acting_user(request)
    services.agreement_set_status(
        agreement=_agreement(user, agreement_id),
        to_status=payload.status,
        on=payload.on,
        reason=payload.reason,
        user=user,
        expected_version=payload.version,
    )
    return _agreement(user, agreement_id)


@router.get(
    "/agreements/{agreement_id}/history",
    response={200: list[HistoryEntryOut], **READ_ERRORS},
    tags=["agreements"],
)
def agreement_history(request: HttpRequest, agreement_id: int, limit: int = Query(100, ge=1, le=500)):
    """Every recorded change: status moves, renewals (with the reason), documents (internal users)."""
    user = acting_user(request)
    require_internal(user, hide=True)
    return selectors.agreement_history(_agreement(user, agreement_id), limit=limit)


# --- documents ----------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    agreement_id: int
    original_name: str
    description: str
    content_type: str = Field(description="Found by sniffing the content, not from the name.")
    size: int = Field(description="Bytes.")
    sha256: str
    uploaded_by: str | None
    uploaded_at: datetime
    download_url: str
    archived: bool

    @staticmethod
    def resolve_uploaded_by(obj: AgreementDocument) -> str | None:
        return obj.uploaded_by.username if obj.uploaded_by_id else None

    @staticmethod
    def resolve_uploaded_at(obj: AgreementDocument) -> datetime:
        return obj.created_at

    @staticmethod
    def resolve_download_url(obj: AgreementDocument) -> str:
        return f"/api/v1/agreements/{obj.agreement_id}/documents/{obj.pk}/download"

    @staticmethod
    def resolve_archived(obj: AgreementDocument) -> bool:
        return archived_flag(obj)


def _documents(user: Any, agreement: Agreement) -> QuerySet:
    return (
        AgreementDocument.objects.visible_to(user).filter(agreement=agreement).select_related("uploaded_by")
    )


def _document(user: Any, agreement_id: int, document_id: int) -> AgreementDocument:
    check_id(document_id)
    agreement = _agreement(user, agreement_id)
    return get_visible(AgreementDocument, user, document_id, _documents(user, agreement))


class DocumentFilters(Schema):
    include_archived: bool = Field(False, description="Archived documents (internal users only).")


@router.get(
    "/agreements/{agreement_id}/documents",
    response={200: list[DocumentOut], **READ_ERRORS},
    tags=["agreements"],
)
@paginate(Page)
def document_list(request: HttpRequest, agreement_id: int, filters: Query[DocumentFilters]):
    user = acting_user(request)
    qs = _documents(user, _agreement(user, agreement_id))
    if not filters.include_archived:
        qs = qs.active()
    return qs.order_by("-created_at", "-id")


@router.post(
    "/agreements/{agreement_id}/documents",
    response={201: DocumentOut, **WRITE_ERRORS},
    tags=["agreements"],
)
def document_upload(
    request: HttpRequest,
    agreement_id: int,
    file: File[UploadedFile] = None,  # type: ignore[assignment]  # missing: the service names "file"
    description: Form[str] = "",
):
    """Upload a file (multipart/form-data, field ``file``). Checked by content: PDF, DOCX, XLSX,
    PPTX, ODT, PNG, JPEG, TXT or CSV, at most ``AMITY_UPLOAD_MAX_MB`` megabytes."""
    user = acting_user(request)
    document = services.document_upload(
        agreement=_agreement(user, agreement_id), upload=file, description=description, user=user
    )
    return Status(201, _document(user, agreement_id, document.pk))


@router.get(
    "/agreements/{agreement_id}/documents/{document_id}",
    response={200: DocumentOut, **READ_ERRORS},
    tags=["agreements"],
)
def document_detail(request: HttpRequest, agreement_id: int, document_id: int):
    return _document(acting_user(request), agreement_id, document_id)


@router.get(
    "/agreements/{agreement_id}/documents/{document_id}/download",
    response=READ_ERRORS,
    tags=["agreements"],
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment with its sniffed content type.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def document_download(request: HttpRequest, agreement_id: int, document_id: int):
    return document_response(_document(acting_user(request), agreement_id, document_id))


@router.delete(
    "/agreements/{agreement_id}/documents/{document_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["agreements"],
)
def document_archive(request: HttpRequest, agreement_id: int, document_id: int):
    """Archive (never delete) a document: partners can no longer download it."""
    user = acting_user(request)
    services.document_archive(document=_document(user, agreement_id, document_id), user=user)
    return Status(204, None)


@router.post(
    "/agreements/{agreement_id}/documents/{document_id}/restore",
    response={200: DocumentOut, **WRITE_ERRORS},
    tags=["agreements"],
)
def document_restore(request: HttpRequest, agreement_id: int, document_id: int):
    user = acting_user(request)
    services.document_restore(document=_document(user, agreement_id, document_id), user=user)
    return _document(user, agreement_id, document_id)


# --- commitments ----------------------------------------------------------------------------------


class AgreementRef(Schema):
    id: int
    title: str


class ContactRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Contact) -> str:
        return str(obj)


class CommitmentOut(Schema):
    id: int
    alliance: AllianceRef
    party: OrganizationRef = Field(description="The committing party.")
    side: str = Field(description="ours (our company committed) or partner.")
    nature: str
    nature_label: str
    soft_source: str
    agreement: AgreementRef | None
    category: str
    category_label: str
    title: str
    description: str
    quantity: Decimal | None
    unit: str
    amount: Money | None
    currency: str
    due_date: date
    owner_contact: ContactRef | None
    owner_user: UserRef | None
    status: str
    status_label: str
    allowed_statuses: list[str]
    met_on: date | None
    met_on_time: bool | None
    overdue: bool = Field(description="Open (proposed, agreed, in progress) and due before today.")
    evidence: str
    replaces_id: int | None
    replaced_by_id: int | None
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_side(obj: Commitment) -> str:
        return "ours" if obj.party.is_home else "partner"

    @staticmethod
    def resolve_nature_label(obj: Commitment) -> str:
        return obj.get_nature_display()

    @staticmethod
    def resolve_category_label(obj: Commitment) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj: Commitment) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_allowed_statuses(obj: Commitment) -> list[str]:
        return list(services.allowed_commitment_statuses(obj))

    @staticmethod
    def resolve_overdue(obj: Commitment) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_replaced_by_id(obj: Commitment) -> int | None:
        successor = getattr(obj, "replaced_by", None) if hasattr(obj, "replaced_by") else None
        return successor.pk if successor else None

    @staticmethod
    def resolve_archived(obj: Commitment) -> bool:
        return archived_flag(obj)


class CommitmentEdit(InputSchema):
    """What a party commits. Hard: bound by an agreement of the alliance (``agreement_id``);
    soft: from an annual plan, an executive handshake or a one-off project (``soft_source``).
    Give a quantity with its unit, or an amount of money, or both."""

    party_id: Id = Field(description="The committing organization, a party of the alliance.")
    nature: Nature = Nature.SOFT
    soft_source: SoftSourceChoice = Field(
        "", description="Soft commitments: annual_plan, handshake, project."
    )
    agreement_id: Id | None = Field(None, description="Hard commitments: the agreement that binds it.")
    category: Category = Category.OTHER
    title: Text = Field(..., min_length=1, max_length=200)
    description: Text = ""
    quantity: Quantity | None = None
    unit: Text = Field("", max_length=30, description="FTE or headcount count as headcount.")
    amount: Amount | None = None
    currency: Currency = Field(default_factory=_reporting_currency)
    due_date: date
    owner_contact_id: Id | None = Field(None, description="A contact of the committing party.")
    owner_user_id: Id | None = Field(None, description="An internal user who follows it up.")


class CommitmentIn(CommitmentEdit):
    alliance_id: Id
    status: Literal["proposed", "agreed", "in_progress"] = "proposed"


CommitmentPatch = partial(CommitmentEdit, "CommitmentPatch")


class ReplacementIn(InputSchema):
    """The renegotiated terms; what is not given is copied from the old commitment."""

    due_date: date | None = None
    title: Text | None = Field(None, min_length=1, max_length=200)
    description: Text | None = None
    quantity: Quantity | None = None
    unit: Text | None = Field(None, max_length=30)
    amount: Amount | None = None
    currency: Currency | None = None


class CommitmentStatusIn(InputSchema):
    status: CommitmentStatus
    met_on: date | None = Field(None, description="met: the day it was met (default today).")
    evidence: Text = Field("", description="met: required - what shows it was met.")
    note: Text = Field(
        "",
        max_length=500,
        description="Why (missed, waived, renegotiated): kept as the evidence, and in the history.",
    )
    replacement: ReplacementIn | None = Field(None, description="renegotiated: the new terms.")
    version: int | None = Field(None, ge=1, description="The version you saw; stale answers 409.")


class CommitmentFilters(Schema):
    alliance: Id | None = Field(None, description="Alliance id.")
    party: Id | None = Field(None, description="Committing organization id.")
    side: Literal["ours", "partner"] | None = None
    status: CommitmentStatus | None = None
    nature: Nature | None = None
    category: Category | None = None
    overdue: bool | None = Field(None, description="true: open and due before today; false: the rest.")
    due_within_days: int | None = Field(None, ge=0, le=3650, description="Open and due in the next N days.")
    include_archived: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        day = selectors.today()
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.party:
            qs = qs.filter(party_id=self.party)
        if self.side:
            qs = qs.filter(selectors.side_q(self.side))
        if self.status:
            qs = qs.filter(status=self.status)
        if self.nature:
            qs = qs.filter(nature=self.nature)
        if self.category:
            qs = qs.filter(category=self.category)
        if self.overdue is True:
            qs = qs.filter(selectors.overdue_q(day))
        elif self.overdue is False:
            qs = qs.exclude(selectors.overdue_q(day))
        if self.due_within_days is not None:
            qs = qs.filter(selectors.due_soon_q(day, self.due_within_days))
        return qs


def _commitment_data(data: dict[str, Any], user: Any) -> dict[str, Any]:
    resolve = Resolver(user)
    if "party_id" in data:
        data["party"] = resolve.one(Organization, data.pop("party_id"), "party_id")
    if "agreement_id" in data:
        data["agreement"] = resolve.one(Agreement, data.pop("agreement_id"), "agreement_id")
    if "owner_contact_id" in data:
        data["owner_contact"] = resolve.one(Contact, data.pop("owner_contact_id"), "owner_contact_id")
    if "owner_user_id" in data:
        data["owner_user"] = resolve.one(User, data.pop("owner_user_id"), "owner_user_id", _active_users())
    resolve.check()
    return data


def _commitment(user: Any, commitment_id: int) -> Commitment:
    check_id(commitment_id)
    qs = selectors.commitment_list(user=user, include_archived=True)
    return get_visible(Commitment, user, commitment_id, qs)


@router.get("/commitments", response={200: list[CommitmentOut], **READ_ERRORS}, tags=["commitments"])
@paginate(Page)
def commitment_list(request: HttpRequest, filters: Query[CommitmentFilters]):
    user = acting_user(request)
    qs = selectors.commitment_list(user=user, include_archived=filters.include_archived)
    return filters.apply(qs).order_by("due_date", "pk")


@router.post("/commitments", response={201: CommitmentOut, **WRITE_ERRORS}, tags=["commitments"])
def commitment_create(request: HttpRequest, payload: CommitmentIn):
    user = acting_user(request)
    data = payload.dict(exclude_unset=True)
    data.setdefault("currency", payload.currency)
    resolve = Resolver(user)
    alliance = resolve.one(Alliance, data.pop("alliance_id"), "alliance_id")
    resolve.check()
    data = _commitment_data(data, user)
    with renamed_fields(COMMITMENT_FIELDS):
        commitment = services.commitment_create(alliance=alliance, data=data, user=user)
    return Status(201, _commitment(user, commitment.pk))


@router.get(
    "/commitments/{commitment_id}", response={200: CommitmentOut, **READ_ERRORS}, tags=["commitments"]
)
def commitment_detail(request: HttpRequest, commitment_id: int):
    return _commitment(acting_user(request), commitment_id)


@router.patch(
    "/commitments/{commitment_id}", response={200: CommitmentOut, **WRITE_ERRORS}, tags=["commitments"]
)
def commitment_update(request: HttpRequest, commitment_id: int, payload: CommitmentPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    commitment = _commitment(user, commitment_id)
    data, version = changes(payload)
    if "soft_source" in data and data["soft_source"] is None:
        data["soft_source"] = ""
    data = _commitment_data(data, user)
    with renamed_fields(COMMITMENT_FIELDS):
        services.commitment_update(commitment=commitment, data=data, user=user, expected_version=version)
    return _commitment(user, commitment_id)


@router.delete("/commitments/{commitment_id}", response={204: None, **WRITE_ERRORS}, tags=["commitments"])
def commitment_archive(request: HttpRequest, commitment_id: int):
    user = acting_user(request)
    services.commitment_archive(commitment=_commitment(user, commitment_id), user=user)
    return Status(204, None)


@router.post(
    "/commitments/{commitment_id}/restore",
    response={200: CommitmentOut, **WRITE_ERRORS},
    tags=["commitments"],
)
def commitment_restore(request: HttpRequest, commitment_id: int):
    user = acting_user(request)
    services.commitment_restore(commitment=_commitment(user, commitment_id), user=user)
    return _commitment(user, commitment_id)


@router.post(
    "/commitments/{commitment_id}/status", response={200: CommitmentOut, **WRITE_ERRORS}, tags=["commitments"]
)
def commitment_status(request: HttpRequest, commitment_id: int, payload: CommitmentStatusIn):
    """proposed → agreed → in progress → met / missed / waived / renegotiated.

    ``met`` needs ``evidence`` (``met_on`` defaults to today); ``renegotiated`` needs
    ``replacement`` with the new terms and answers the old commitment, whose
    ``replaced_by_id`` is the new one.
    """
    user = acting_user(request)
    replacement = None
    if payload.replacement is not None:
        replacement = payload.replacement.dict(exclude_unset=True)
    services.commitment_set_status(
        commitment=_commitment(user, commitment_id),
        to_status=payload.status,
        met_on=payload.met_on,
        evidence=payload.evidence,
        note=payload.note,
        replacement=replacement,
        user=user,
        expected_version=payload.version,
    )
    return _commitment(user, commitment_id)


@router.get(
    "/commitments/{commitment_id}/history",
    response={200: list[HistoryEntryOut], **READ_ERRORS},
    tags=["commitments"],
)
def commitment_history(request: HttpRequest, commitment_id: int, limit: int = Query(100, ge=1, le=500)):
    user = acting_user(request)
    require_internal(user, hide=True)
    return selectors.commitment_history(_commitment(user, commitment_id), limit=limit)


# --- the summary of one alliance ------------------------------------------------------------------------


class MoneyOut(Schema):
    currency: str
    amount: Money


class PartySummaryOut(Schema):
    organization: OrganizationRef
    side: str
    committed: int = Field(description="Agreed, in progress, met or missed.")
    open: int
    overdue: int
    met: int
    met_on_time: int
    met_late: int
    missed: int
    closed_with_verdict: int = Field(description="Met + missed: the denominator of the rate.")
    met_on_time_rate: float | None = Field(description="met_on_time ÷ closed_with_verdict (0–1).")
    money: Money = Field(description="Committed amounts in the reporting currency.")
    money_share_pct: int | None
    other_money: list[MoneyOut] = Field(description="Amounts in other currencies, never converted.")
    headcount: Decimal = Field(description="Committed quantities in FTE/headcount.")
    headcount_share_pct: int | None
    other: int = Field(description="Committed items that are neither money nor headcount.")
    targets: int = Field(description="Committed revenue targets (outcomes: not counted as contribution).")
    targets_money: list[MoneyOut] = Field(description="The amounts of those revenue targets, per currency.")


class MixOut(Schema):
    nature: str
    source: str
    label: str
    count: int


class StatusCountOut(Schema):
    status: str
    label: str
    count: int


class CommitmentTotalsOut(Schema):
    money: Money
    headcount: Decimal
    other: int


class CommitmentSummaryOut(Schema):
    alliance: AllianceRef
    as_of: date
    reporting_currency: str
    total: int
    open: int
    overdue: int
    due_soon: int = Field(description="Open and due today or in the next 30 days.")
    by_status: list[StatusCountOut]
    parties: list[PartySummaryOut] = Field(
        description="One row per party: met-on-time rate and contribution."
    )
    mix: list[MixOut] = Field(description="Committed commitments by nature and soft source.")
    hard: int
    soft: int
    totals: CommitmentTotalsOut
    other_currencies: list[str]
    balance_reading: str
    explanation: dict[str, str] = Field(description="How each number is counted.")


@router.get(
    "/alliances/{alliance_id}/commitments/summary",
    response={200: CommitmentSummaryOut, **READ_ERRORS},
    tags=["commitments"],
)
def commitment_summary(request: HttpRequest, alliance_id: int):
    """Met-on-time rate per side, hard/soft mix and contribution balance of one alliance."""
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    s = selectors.commitment_summary(user=user, alliance=alliance)
    return {
        "alliance": alliance,
        "as_of": s["as_of"],
        "reporting_currency": s["currency"],
        **{k: s["counts"][k] for k in ("total", "open", "overdue", "due_soon", "by_status")},
        "parties": [
            {
                **p,
                "closed_with_verdict": p["judged"],
                "met_on_time_rate": p["rate"],
                "money_share_pct": p["money_share"],
                "headcount_share_pct": p["headcount_share"],
                "other_money": [{"currency": c, "amount": a} for c, a in p["other_money"]],
                "targets_money": [{"currency": c, "amount": a} for c, a in p["targets_money"]],
            }
            for p in s["parties"]
        ],
        "mix": s["mix"],
        "hard": s["hard"],
        "soft": s["soft"],
        "totals": s["totals"],
        "other_currencies": s["other_currencies"],
        "balance_reading": s["balance"],
        "explanation": s["explanation"],
    }
