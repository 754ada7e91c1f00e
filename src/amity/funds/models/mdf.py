"""MDF requests, claims with proof of performance, and payments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.core.models import BaseModel
from amity.core.roles import EDITORS, EVERYONE, Role

from .ledger import Budget

REQUESTERS = EDITORS | {Role.PARTNER}


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    PARTIALLY_APPROVED = "partially_approved", "Partially approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


#: Statuses whose approved amount is committed on the budget.
FUNDED = (RequestStatus.APPROVED, RequestStatus.PARTIALLY_APPROVED)


class FundRequest(BaseModel):
    """A partner's request for funds for one marketing activity."""

    #: Decided amounts move the budget's ledger: only the decision verbs set them.
    restore_exclude = ("approved_amount", "decision_reason")

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="requests")
    activity = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    planned_cost = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    partner_share = models.DecimalField(
        "partner co-funded share (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    requested_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Our share: planned cost minus the partner's co-funded share.",
    )
    expected_outcome = models.TextField(blank=True)
    campaign_name = models.CharField(max_length=200, blank=True)
    opportunities = models.ManyToManyField(
        "pipeline.Opportunity", blank=True, related_name="fund_requests", verbose_name="linked opportunities"
    )
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    approved_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    policy = {"view": EVERYONE, "create": REQUESTERS, "change": REQUESTERS, "archive": EDITORS}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "fund request"
        indexes = [models.Index(fields=["budget", "status"], name="funds_request_budget_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="funds_request_approved_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.activity

    def get_absolute_url(self) -> str:
        return reverse("funds:request_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(budget__organization_id=organization_id)

    @property
    def currency(self) -> str:
        return self.budget.currency

    @property
    def is_funded(self) -> bool:
        return self.status in FUNDED


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"


class Claim(BaseModel):
    """Proof of performance for (part of) an approved request, asking to be paid."""

    restore_exclude = ("review_reason",)

    request = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="claims")
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    review_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    policy = {"view": EVERYONE, "create": REQUESTERS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["request", "status"], name="funds_claim_request_status")]

    def __str__(self) -> str:
        return f"Claim {self.pk} · {self.request}"

    def get_absolute_url(self) -> str:
        return reverse("funds:claim_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(request__budget__organization_id=organization_id)

    @property
    def payment_reference(self) -> str:
        payment = getattr(self, "payment", None) if self.status == ClaimStatus.PAID else None
        return payment.reference if payment is not None else ""


def proof_upload_to(instance: ClaimProof, filename: str) -> str:
    """Stored under its SHA-256 and sniffed extension, never the user's name (as agreements)."""
    return f"funds/{instance.sha256[:2]}/{instance.sha256}.{instance.extension or 'bin'}"


class ClaimProof(BaseModel):
    """A proof-of-performance file of a claim: size and type checked, downloaded through visibility."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="proofs")
    file = models.FileField(upload_to=proof_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    policy = {"view": EVERYONE, "create": REQUESTERS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["claim", "pk"]
        verbose_name = "proof of performance"
        verbose_name_plural = "proofs of performance"

    def __str__(self) -> str:
        return self.original_name

    def get_download_url(self) -> str:
        return reverse("funds:proof_download", args=[self.pk])

    @property
    def download_name(self) -> str:
        name = self.original_name or f"proof.{self.extension}"
        if self.extension and not name.lower().endswith("." + self.extension):
            name = f"{name}.{self.extension}"
        return name

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(archived_at__isnull=True, claim__request__budget__organization_id=organization_id)


class Payment(BaseModel):
    """The payment of an approved claim (its full amount, in the budget currency)."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="payment")
    date = models.DateField()
    reference = models.CharField(max_length=100)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    policy = {"view": EVERYONE, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.amount})"

    def get_absolute_url(self) -> str:
        return reverse("funds:claim_detail", args=[self.claim_id])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(claim__request__budget__organization_id=organization_id)
