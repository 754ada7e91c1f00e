"""REST API of MDF claims (multipart with proof files), payments and exchange rates.

Registered on the router of ``funds.api`` (imported at its end).
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Schema, Status, UploadedFile
from ninja.pagination import paginate

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

from . import selectors
from . import services_claims as claims
from .api import ReasonIn, router
from .models import Claim, ClaimProof, ClaimStatus, FundRequest

# --- claims and payments -------------------------------------------------------------------------


class ProofOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    download_url: str = Field(alias="get_download_url")


class PaymentOut(Schema):
    id: int
    claim_id: int
    date: date
    reference: str
    amount: Money


class ClaimOut(Schema):
    id: int
    request_id: int
    amount: Money
    description: str
    status: ClaimStatus
    review_reason: str
    reviewed_at: datetime | None
    proofs: list[ProofOut]
    payment: PaymentOut | None
    version: int


class PaymentIn(InputSchema):
    claim: Id
    date: date
    reference: Text = Field(min_length=1, max_length=100)
    amount: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2)


class ClaimIn(Schema):
    request: Id
    amount: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    description: Text = ""


class ClaimFilters(Schema):
    status: ClaimStatus | None = None
    request: Id | None = None


def _claims(user):

    return selectors.claim_list(user=user).prefetch_related(
        Prefetch("proofs", queryset=ClaimProof.objects.visible_to(user).active())
    )


def _claim_row(claim: Claim) -> Claim:
    claim.proofs_list = list(claim.proofs.all())
    return claim


class _ClaimOut(ClaimOut):
    proofs: list[ProofOut] = Field(alias="proofs_list")
    payment: PaymentOut | None = Field(None, alias="payment_or_none")


def _claim(user, pk: int) -> Claim:
    claim = get_visible(Claim, user, pk, _claims(user))
    claim.payment_or_none = getattr(claim, "payment", None) if hasattr(claim, "payment") else None
    return _claim_row(claim)


@router.get("/mdf/claims", response={200: list[_ClaimOut], **READ_ERRORS})
@paginate(Page)
def claim_list(request: HttpRequest, filters: Query[ClaimFilters]):
    qs = _claims(acting_user(request)).active()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.request:
        qs = qs.filter(request_id=filters.request)
    rows = []
    for claim in qs.order_by("-created_at", "-pk"):
        claim.payment_or_none = claim.payment if hasattr(claim, "payment") else None
        rows.append(_claim_row(claim))
    return rows


@router.get("/mdf/claims/{claim_id}", response={200: _ClaimOut, **READ_ERRORS})
def claim_detail(request: HttpRequest, claim_id: int):
    return _claim(acting_user(request), claim_id)


@router.post("/mdf/claims", response={201: _ClaimOut, **WRITE_ERRORS})
def claim_create(
    request: HttpRequest,
    payload: Form[ClaimIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # missing: the service names "files"
):
    """Claim (multipart/form-data): ``request``, ``amount``, ``description`` and one or more
    ``files`` (proof of performance: PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG, TXT or CSV)."""
    user = acting_user(request)
    refs = Resolver(user)
    fund_request = refs.one(FundRequest, payload.request, "request")
    refs.check()
    claim = claims.claim_submit(
        request=fund_request,
        amount=payload.amount,
        description=payload.description,
        files=files or [],
        user=user,
    )
    return Status(201, _claim(user, claim.pk))


@router.post("/mdf/claims/{claim_id}/approve", response={200: _ClaimOut, **WRITE_ERRORS})
def claim_approve(request: HttpRequest, claim_id: int):
    user = acting_user(request)
    claims.claim_approve(claim=_claim(user, claim_id), user=user)
    return _claim(user, claim_id)


@router.post("/mdf/claims/{claim_id}/reject", response={200: _ClaimOut, **WRITE_ERRORS})
def claim_reject(request: HttpRequest, claim_id: int, payload: ReasonIn):
    user = acting_user(request)
    claims.claim_reject(claim=_claim(user, claim_id), reason=payload.reason, user=user)
    return _claim(user, claim_id)


@router.get("/mdf/payments", response={200: list[PaymentOut], **READ_ERRORS})
@paginate(Page)
def payment_list(request: HttpRequest):
    return selectors.payment_list(user=acting_user(request)).active().order_by("-date", "-pk")


@router.post("/mdf/payments", response={201: PaymentOut, **WRITE_ERRORS})
def payment_create(request: HttpRequest, payload: PaymentIn):
    """Pay an approved claim in full (alliance managers, admins)."""
    user = acting_user(request)
    refs = Resolver(user)
    claim = refs.one(Claim, payload.claim, "claim")
    refs.check()
    return Status(
        201,
        claims.claim_pay(
            claim=claim, paid_on=payload.date, reference=payload.reference, amount=payload.amount, user=user
        ),
    )


# --- exchange rates --------------------------------------------------------------------------------


class RateOut(Schema):
    id: int
    currency: str
    rate: Decimal
    valid_from: date


class RateIn(InputSchema):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    rate: Decimal = Field(gt=0, max_digits=18, decimal_places=8)
    valid_from: date


@router.get("/exchange-rates", response={200: list[RateOut], **READ_ERRORS})
@paginate(Page)
def rate_list(request: HttpRequest):
    return selectors.rate_list(user=acting_user(request)).active().order_by("currency", "-valid_from", "pk")


@router.post("/exchange-rates", response={201: RateOut, **WRITE_ERRORS})
def rate_create(request: HttpRequest, payload: RateIn):
    """Add a dated rate: 1 unit of ``currency`` = ``rate`` units of the reporting currency (admins)."""
    return Status(201, claims.rate_create(data=payload.dict(), user=acting_user(request)))
