"""Incentive plans paid on closed-won deals: our sales reps' bonuses and partners' referral
fees and rebates, with one engine (``funds/incentives.py``).

* An :class:`IncentivePlan` is for one **audience** (our reps, or partners), in one currency,
  per quarter, with an optional target (above which accelerated rates apply) and cap per payee.
* Its :class:`IncentiveRule` rows are the rules as data: a percentage of closed-won revenue or a
  fixed amount per won deal, for deals where a partner has one of the listed roles (sourced,
  co-sell, referral, resell, …), optionally only registered deals or deals above an amount.
* An :class:`Enrollment` makes a rep (or a partner organization) eligible for a plan in a
  period.
* A :class:`Statement` per payee, plan and quarter holds :class:`StatementLine` rows, each
  traced to one opportunity and one rule with its calculation in words; draft → approved →
  paid. The database refuses the same deal earning twice under the same rule for the same
  payee, a paid statement without its payment, and negative amounts.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.core.models import BaseModel
from amity.core.money import amount_field, currency_field
from amity.core.roles import EDITORS, INTERNAL_ROLES, Role

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Audience(models.TextChoices):
    REP = "rep", "Our sales reps"
    PARTNER = "partner", "Partners (referral fees and rebates)"


class IncentivePlan(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.REP)
    description = models.TextField(blank=True)
    currency = currency_field(help_text="Earnings are computed and paid in this currency.")
    valid_from = models.DateField(help_text="Deals closed on or after this day count.")
    valid_to = models.DateField(null=True, blank=True, help_text="Last day of the plan (empty: open-ended).")
    quarterly_target = amount_field(
        "quarterly target",
        null=True,
        blank=True,
        help_text="Revenue per payee and quarter above which percentage rules pay their accelerated rate.",
    )
    quarterly_cap = amount_field(
        "quarterly cap",
        null=True,
        blank=True,
        help_text="Most a payee can earn from this plan in one quarter.",
    )
    active = models.BooleanField(default=True)

    policy = {
        "view": INTERNAL_ROLES | {Role.PARTNER},
        "create": EDITORS,
        "change": EDITORS,
        "archive": EDITORS,
    }

    class Meta:
        ordering = ["audience", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="funds_plan_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funds:incentive_plan_detail", args=[self.pk])

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "The plan cannot end before it starts."})

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        # A partner sees the fee and rebate plans it is enrolled in, never reps' plans.
        return Q(audience=Audience.PARTNER, pk__in=_enrolled_plans(organization_id))

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def _enrolled_plans(organization_id: int):
    return Enrollment.objects.filter(organization_id=organization_id, archived_at__isnull=True).values(
        "plan_id"
    )


class RuleKind(models.TextChoices):
    PERCENT = "percent", "Percentage of closed-won revenue"
    FIXED = "fixed", "Fixed amount per won deal"


class IncentiveRule(BaseModel):
    plan = models.ForeignKey(IncentivePlan, on_delete=models.PROTECT, related_name="rules")
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=10, help_text="Rules are listed and applied in this order.")
    kind = models.CharField(max_length=10, choices=RuleKind.choices, default=RuleKind.PERCENT)
    partner_roles = models.JSONField(
        default=list,
        blank=True,
        help_text="Deals count where a partner has one of these roles (sourced, co_sell, referral, resell, "
        "influenced); empty: any partner role.",
    )
    registered_only = models.BooleanField(
        default=False, help_text="Only deals with an approved deal registration count."
    )
    min_deal_amount = amount_field(
        "minimum deal amount", null=True, blank=True, help_text="In the plan currency."
    )
    rate_percent = models.DecimalField(
        "rate (%)", max_digits=6, decimal_places=3, null=True, blank=True, validators=PERCENT
    )
    accelerated_percent = models.DecimalField(
        "rate above target (%)",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text="Paid on the revenue above the plan's quarterly target (empty: the normal rate).",
    )
    fixed_amount = amount_field("fixed amount", null=True, blank=True)

    policy = {
        "view": INTERNAL_ROLES | {Role.PARTNER},
        "create": EDITORS,
        "change": EDITORS,
        "archive": EDITORS,
    }

    class Meta:
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="percent", rate_percent__isnull=False)
                    | Q(kind="fixed", fixed_amount__isnull=False)
                ),
                name="funds_rule_has_its_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funds:incentive_plan_detail", args=[self.plan_id])

    def clean(self) -> None:
        from amity.pipeline.models import PartnerRole

        errors: dict[str, str] = {}
        if self.kind == RuleKind.PERCENT and self.rate_percent is None:
            errors["rate_percent"] = "A percentage rule needs its rate."
        if self.kind == RuleKind.FIXED and not self.fixed_amount:
            errors["fixed_amount"] = "A fixed-amount rule needs its amount."
        roles = self.partner_roles or []
        if not isinstance(roles, list) or any(r not in PartnerRole.values for r in roles):
            errors["partner_roles"] = f"Use partner roles from: {', '.join(PartnerRole.values)}."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(plan__audience=Audience.PARTNER, plan_id__in=_enrolled_plans(organization_id))

    def describe(self, currency: str) -> str:
        from amity.pipeline.models import PartnerRole

        roles = ", ".join(PartnerRole(r).label.lower() for r in self.partner_roles) or "any partner role"
        if self.kind == RuleKind.PERCENT:
            what = f"{self.rate_percent.normalize():f} % of revenue"
            if self.accelerated_percent is not None:
                what += f" ({self.accelerated_percent.normalize():f} % above target)"
        else:
            what = f"{self.fixed_amount} {currency} per deal"
        extra = " · registered deals only" if self.registered_only else ""
        if self.min_deal_amount:
            extra += f" · deals from {self.min_deal_amount} {currency}"
        return f"{what} · {roles}{extra}"


class Enrollment(BaseModel):
    """A rep (or a partner organization) eligible for a plan from one day to another."""

    plan = models.ForeignKey(IncentivePlan, on_delete=models.PROTECT, related_name="enrollments")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incentive_enrollments",
        limit_choices_to={"role__in": sorted(INTERNAL_ROLES)},
    )
    organization = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incentive_enrollments",
        limit_choices_to={"is_home": False},
        verbose_name="partner",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    policy = {
        "view": INTERNAL_ROLES | {Role.PARTNER},
        "create": EDITORS,
        "change": EDITORS,
        "archive": EDITORS,
    }

    class Meta:
        ordering = ["plan", "valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rep__isnull=False, organization__isnull=True)
                | Q(rep__isnull=True, organization__isnull=False),
                name="funds_enrollment_one_payee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payee} in {self.plan}"

    @property
    def payee(self):
        return self.rep or self.organization

    def get_absolute_url(self) -> str:
        return reverse("funds:incentive_plan_detail", args=[self.plan_id])

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "The enrollment cannot end before it starts."})

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(organization_id=organization_id)

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class StatementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"


class Statement(BaseModel):
    """What one payee earned from one plan in one quarter; every line is one deal."""

    #: Computed from the deals (``funds.incentives``): recompute it, never restore it.
    restorable = False

    plan = models.ForeignKey(IncentivePlan, on_delete=models.PROTECT, related_name="statements")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    organization = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name="partner",
    )
    period_start = models.DateField(help_text="First day of the quarter.")
    period_end = models.DateField(help_text="Last day of the quarter.")
    currency = currency_field()
    basis = amount_field("revenue basis", default=Decimal("0"))
    total = amount_field(default=Decimal("0"))
    status = models.CharField(max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT)
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)

    policy = {
        "view": INTERNAL_ROLES | {Role.PARTNER},
        "create": EDITORS,
        "change": EDITORS,
        "archive": EDITORS,
    }

    class Meta:
        ordering = ["-period_start", "plan", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "rep", "period_start"],
                condition=Q(rep__isnull=False, archived_at__isnull=True),
                name="funds_statement_one_per_rep_quarter",
            ),
            models.UniqueConstraint(
                fields=["plan", "organization", "period_start"],
                condition=Q(organization__isnull=False, archived_at__isnull=True),
                name="funds_statement_one_per_partner_quarter",
            ),
            models.CheckConstraint(
                condition=Q(rep__isnull=False, organization__isnull=True)
                | Q(rep__isnull=True, organization__isnull=False),
                name="funds_statement_one_payee",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="funds_statement_total_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(payment_reference="")),
                name="funds_statement_paid_has_payment",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="funds_statement_approved_has_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payee} · {self.plan} · {self.quarter_label}"

    @property
    def payee(self):
        return self.rep or self.organization

    @property
    def quarter_label(self) -> str:
        from amity.core import periods

        return periods.fiscal_quarter_of(self.period_start).label

    def get_absolute_url(self) -> str:
        return reverse("funds:statement_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(organization_id=organization_id, plan__audience=Audience.PARTNER)

    @classmethod
    def internal_visibility(cls, user) -> Q | None:
        """A sales rep sees only their own statements; managers, admins and executives all."""
        if getattr(user, "role", None) == Role.SALES:
            return Q(rep_id=user.pk)
        return None


class StatementLine(models.Model):
    """One deal's earning under one rule, with the calculation in words. Written only by the
    engine while the statement is a draft; frozen with the statement's approval."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    rule = models.ForeignKey(IncentiveRule, on_delete=models.PROTECT, related_name="+")
    opportunity = models.ForeignKey("pipeline.Opportunity", on_delete=models.PROTECT, related_name="+")
    close_date = models.DateField()
    deal_amount = amount_field()
    deal_currency = models.CharField(max_length=3)
    rate = models.DecimalField(
        "exchange rate", max_digits=18, decimal_places=8, help_text="Deal currency → plan currency."
    )
    basis = amount_field("basis in plan currency")
    amount = amount_field("earned")
    explanation = models.CharField(max_length=500)
    #: The payee key, so the database can refuse the same deal earning twice under one rule.
    payee_key = models.CharField(max_length=40, editable=False)

    class Meta:
        ordering = ["close_date", "opportunity_id", "rule__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "opportunity", "payee_key"], name="funds_line_one_earning_per_deal_rule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.amount}"
