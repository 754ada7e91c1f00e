"""Exchange rates, fund programs, budgets and the append-only ledger.

The **ledger** is the source of truth: every movement of money on a budget is one
:class:`LedgerEntry` (never changed, never deleted). The running balance columns on
:class:`Budget` are a copy kept in the same transaction as each entry, so the database itself
refuses an overspend (``available >= 0``) and an unbalanced budget (allocated = committed +
claimed + paid + expired + available), whatever bug a caller has.

Kinds and their effect on the balance (amounts are always positive, in the budget currency):

==========  ==========================================================
allocation  allocated +, available +
top_up      allocated +, available +
commit      available −, committed + (a request approved)
release     committed −, available + (a cancelled or completed request)
claim       committed −, claimed + (a claim approved)
pay         claimed −, paid + (a claim paid)
expire      available −, expired + (fiscal year close)
==========  ==========================================================

Referral fees, rebates and incentives reuse the same ledger and exchange rates later.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from amity.core.models import BaseModel, VisibleQuerySet
from amity.core.money import amount_field, currency_field
from amity.core.roles import ADMINS, EDITORS, EVERYONE

ZERO = Decimal("0.00")


class ExchangeRate(BaseModel):
    """How many units of the reporting currency one unit of ``currency`` is worth from a date."""

    currency = currency_field(default=None)
    rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text="Units of the reporting currency per one unit of this currency.",
    )
    valid_from = models.DateField(
        help_text="Used for amounts dated on or after this day (until a newer rate)."
    )

    policy = {"view": EVERYONE, "create": ADMINS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"],
                condition=Q(archived_at__isnull=True),
                name="funds_rate_one_per_day",
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="funds_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate.normalize():f} {settings.AMITY_REPORTING_CURRENCY} from {self.valid_from}"

    def get_absolute_url(self) -> str:
        return reverse("funds:rate_list")

    def validate_constraints(self, exclude=None) -> None:
        from django.core.exceptions import ValidationError

        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            raise ValidationError({"valid_from": "This currency already has a rate from this day."}) from exc

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q()  # rates are public reference data


class FundProgram(BaseModel):
    """A market development fund (or, later, another program paying out of budgets)."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    default_cofunding_share = models.DecimalField(
        "default partner co-funding share (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="The share of planned cost the partner pays itself, in percent.",
    )
    claim_window_days = models.PositiveIntegerField(
        default=90, help_text="Days after approval within which proof of performance must be claimed."
    )
    active = models.BooleanField(default=True)

    policy = {"view": EVERYONE, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q()


class Budget(BaseModel):
    """A partner's funds in one program and fiscal year; the columns below mirror the ledger."""

    program = models.ForeignKey(FundProgram, on_delete=models.PROTECT, related_name="budgets")
    organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="fund_budgets",
        verbose_name="partner",
        limit_choices_to={"is_home": False},
    )
    alliance = models.ForeignKey(
        "alliances.Alliance", null=True, blank=True, on_delete=models.PROTECT, related_name="fund_budgets"
    )
    fiscal_year = models.PositiveIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    currency = currency_field()
    expiry_date = models.DateField(help_text="Unspent funds expire after this day (end of the fiscal year).")
    renewed_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal"
    )
    # Running balances, written only by the ledger service with each entry.
    allocated = amount_field("allocated (incl. top-ups)", default=ZERO, editable=False)
    committed = amount_field(default=ZERO, editable=False)
    claimed = amount_field(default=ZERO, editable=False)
    paid = amount_field(default=ZERO, editable=False)
    expired = amount_field(default=ZERO, editable=False)
    available = amount_field(default=ZERO, editable=False)

    policy = {"view": EVERYONE, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["-fiscal_year", "organization__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organization", "fiscal_year"],
                condition=Q(archived_at__isnull=True),
                name="funds_budget_one_per_year",
            ),
            models.CheckConstraint(condition=Q(available__gte=0), name="funds_budget_available_not_negative"),
            models.CheckConstraint(
                condition=Q(allocated__gte=0, committed__gte=0, claimed__gte=0, paid__gte=0, expired__gte=0),
                name="funds_budget_balances_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    allocated=F("committed") + F("claimed") + F("paid") + F("expired") + F("available")
                ),
                name="funds_budget_balanced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.organization} · FY{self.fiscal_year}"

    def get_absolute_url(self) -> str:
        return reverse("funds:budget_detail", args=[self.pk])

    def validate_constraints(self, exclude=None) -> None:
        from django.core.exceptions import ValidationError

        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            if "fiscal_year" in str(exc) or "one_per_year" in str(exc) or "already" in str(exc):
                raise ValidationError(
                    {"fiscal_year": "This partner already has a budget in this program for this fiscal year."}
                ) from exc
            raise

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(organization_id=organization_id)

    def is_expired_on(self, day) -> bool:
        return day > self.expiry_date


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", "Allocation"
    TOP_UP = "top_up", "Top-up"
    COMMIT = "commit", "Commit"
    RELEASE = "release", "Release"
    CLAIM = "claim", "Claim"
    PAY = "pay", "Payment"
    EXPIRE = "expire", "Expiry"


#: The change each kind makes to the running balances: (column, sign) pairs.
EFFECTS: dict[str, tuple[tuple[str, int], ...]] = {
    EntryKind.ALLOCATION: (("allocated", 1), ("available", 1)),
    EntryKind.TOP_UP: (("allocated", 1), ("available", 1)),
    EntryKind.COMMIT: (("available", -1), ("committed", 1)),
    EntryKind.RELEASE: (("committed", -1), ("available", 1)),
    EntryKind.CLAIM: (("committed", -1), ("claimed", 1)),
    EntryKind.PAY: (("claimed", -1), ("paid", 1)),
    EntryKind.EXPIRE: (("available", -1), ("expired", 1)),
}
BALANCES = ("allocated", "committed", "claimed", "paid", "expired", "available")


class AppendOnlyError(Exception):
    """Ledger entries are never changed or deleted: correct with a new entry."""


class LedgerEntry(models.Model):
    """One movement of money on a budget. Append-only: it is its own history."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount = amount_field()
    request = models.ForeignKey(
        "funds.FundRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    claim = models.ForeignKey(
        "funds.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    payment = models.ForeignKey(
        "funds.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["budget", "at", "pk"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["budget", "kind"], name="funds_entry_budget_kind")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funds_entry_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.budget.currency}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Ledger entries cannot be changed; add a correcting entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Ledger entries cannot be deleted; add a correcting entry.")

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(budget__organization_id=organization_id)
