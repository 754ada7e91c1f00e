"""The commitments register: hard and soft commitments of each party."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import Alliance, DataKind, shared_alliance_ids
from amity.core.models import BaseModel
from amity.core.money import amount_field, currency_field

# --- agreements ------------------------------------------------------------------------------
from .agreement import (
    Agreement,
)


class Nature(models.TextChoices):
    HARD = "hard", "Hard (contractual)"
    SOFT = "soft", "Soft"


class SoftSource(models.TextChoices):
    ANNUAL_PLAN = "annual_plan", "Annual plan"
    HANDSHAKE = "handshake", "Executive handshake"
    PROJECT = "project", "One-off project"


class Category(models.TextChoices):
    FUNDING = "funding", "Funding"
    HEADCOUNT = "headcount", "Headcount"
    MARKETING = "marketing", "Marketing investment"
    ROADMAP = "roadmap", "Roadmap item"
    INTEGRATION = "integration", "Integration"
    CERTIFICATION = "certification", "Certification"
    REVENUE = "revenue", "Revenue target"
    OTHER = "other", "Other"


class CommitmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    IN_PROGRESS = "in_progress", "In progress"
    MET = "met", "Met"
    MISSED = "missed", "Missed"
    WAIVED = "waived", "Waived"
    RENEGOTIATED = "renegotiated", "Renegotiated"


#: Still to be delivered: these count as overdue once their due date has passed.
OPEN_STATUSES = (CommitmentStatus.PROPOSED, CommitmentStatus.AGREED, CommitmentStatus.IN_PROGRESS)
#: Closed with a verdict on delivery: the met-on-time rate is computed over these.
JUDGED_STATUSES = (CommitmentStatus.MET, CommitmentStatus.MISSED)
#: What a party has committed (counted in the contribution balance and the hard/soft mix):
#: proposals are not commitments yet; waived ones were released; renegotiated ones were
#: replaced by their successor, which is counted instead.
COMMITTED_STATUSES = (
    CommitmentStatus.AGREED,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.MET,
    CommitmentStatus.MISSED,
)
#: Units whose quantities add up to headcount in the contribution balance (case-insensitive).
HEADCOUNT_UNITS = ("fte", "ftes", "headcount", "people", "persons")


def headcount_q(prefix: str = "") -> Q:
    unit = Q()
    for name in HEADCOUNT_UNITS:
        unit |= Q(**{f"{prefix}unit__iexact": name})
    return Q(**{f"{prefix}quantity__isnull": False}) & unit


class Commitment(BaseModel):
    """What one party of an alliance committed to put in, by when, and whether it delivered."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="commitments")
    party = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name="committing party",
        help_text="The organization that committed; a party of the alliance.",
    )
    nature = models.CharField(max_length=10, choices=Nature.choices, default=Nature.SOFT)
    soft_source = models.CharField(
        "source", max_length=20, choices=SoftSource.choices, blank=True, help_text="Soft commitments only."
    )
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text="Hard commitments only: the agreement that binds it.",
    )
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="How many, with the unit (e.g. 2 FTE, 10 certified consultants).",
    )
    unit = models.CharField(max_length=30, blank=True, help_text="FTE or headcount count as headcount.")
    amount = amount_field("amount", null=True, blank=True, help_text="An amount of money, if it is one.")
    currency = currency_field()
    due_date = models.DateField()
    owner_contact = models.ForeignKey(
        "partners.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_commitments",
        verbose_name="owner",
        help_text="The person of the committing party who delivers it.",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watched_commitments",
        verbose_name="internal owner",
        help_text="Who follows it up on our side (reminders go to them, else the alliance owner).",
    )
    status = models.CharField(
        max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.PROPOSED
    )
    met_on = models.DateField(null=True, blank=True, editable=False)
    evidence = models.TextField(blank=True, help_text="What shows it was met (or why not).")
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        editable=False,
        help_text="The commitment this one renegotiated.",
    )

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["alliance", "status", "due_date"], name="commitment_alliance_status"),
            models.Index(fields=["status", "due_date"], name="commitment_status_due"),
            models.Index(fields=["party", "status"], name="commitment_party_status"),
            models.Index(fields=["archived_at", "due_date"], name="commitment_active_due"),
        ]
        constraints = [
            models.CheckConstraint(
                name="commitment_has_quantity_or_amount",
                condition=Q(quantity__isnull=False) | Q(amount__isnull=False),
            ),
            models.CheckConstraint(
                name="commitment_unit_with_quantity",
                condition=Q(quantity__isnull=True, unit="") | (Q(quantity__isnull=False) & ~Q(unit="")),
            ),
            models.CheckConstraint(
                name="commitment_hard_has_agreement",
                condition=~Q(nature="hard") | Q(agreement__isnull=False),
            ),
            models.CheckConstraint(
                name="commitment_soft_has_source",
                condition=~Q(nature="soft") | ~Q(soft_source=""),
            ),
            models.CheckConstraint(
                name="commitment_met_has_date", condition=~Q(status="met") | Q(met_on__isnull=False)
            ),
            models.CheckConstraint(
                name="commitment_amounts_not_negative",
                condition=(Q(amount__isnull=True) | Q(amount__gte=0))
                & (Q(quantity__isnull=True) | Q(quantity__gte=0)),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:commitment_detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if self.quantity is None and self.amount is None:
            errors["quantity"] = "Give a quantity with its unit, or an amount of money (or both)."
        if self.quantity is not None and not self.unit.strip():
            errors["unit"] = "Say what the quantity counts, e.g. FTE, consultants, integrations."
        if self.quantity is None and self.unit.strip():
            errors["quantity"] = f"Give the number of {self.unit.strip()}, or clear the unit."
        if self.nature == Nature.HARD:
            if not self.agreement_id:
                errors["agreement"] = "A hard commitment is tied to an agreement: choose it."
            if self.soft_source:
                errors["soft_source"] = "Only soft commitments have a source; a hard one has its agreement."
        elif self.nature == Nature.SOFT:
            if not self.soft_source:
                errors["soft_source"] = (
                    "Say where this soft commitment comes from: annual plan, executive handshake "
                    "or one-off project."
                )
            if self.agreement_id:
                errors["agreement"] = (
                    "A soft commitment is not bound by an agreement: make it hard, or clear it."
                )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=shared_alliance_ids(organization_id, DataKind.COMMITMENTS))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue_on(self, today: date) -> bool:
        return self.is_open and self.due_date < today

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    @property
    def days_overdue(self) -> int:
        return max(0, (timezone.localdate() - self.due_date).days) if self.is_open else 0

    @property
    def met_on_time(self) -> bool | None:
        if self.status != CommitmentStatus.MET or self.met_on is None:
            return None
        return self.met_on <= self.due_date

    @property
    def is_headcount(self) -> bool:
        return self.quantity is not None and self.unit.strip().lower() in HEADCOUNT_UNITS

    @property
    def source_label(self) -> str:
        """'Hard · <agreement>' or 'Soft · annual plan' …"""
        if self.nature == Nature.HARD:
            return "Hard (contractual)"
        return f"Soft · {self.get_soft_source_display().lower()}" if self.soft_source else "Soft"
