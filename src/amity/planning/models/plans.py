"""Joint business plans, the sides' agreements and the plan objectives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import Alliance, DataKind, shared_alliance_ids
from amity.core import periods
from amity.core.models import BaseModel
from amity.core.money import amount_field, currency_field

from .common import (
    NOT_NEGATIVE,
    QUARTERS,
    ZERO,
    _check_person,
    _check_side,
    number_label,
    percent,
)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


PLAN_STATUS_ORDER = list(PlanStatus.values)


class JointBusinessPlan(BaseModel):
    """The annual joint business plan of one alliance: a thesis, mutual expectations on
    revenue growth and capability development, and objectives with quarterly targets.

    One per alliance and fiscal year (among plans that are not archived). Every side of the
    alliance agrees to it; editing its substance after someone agreed asks everyone again.
    """

    #: Fields whose change means the sides no longer agree to the same plan.
    SUBSTANCE = (
        "title",
        "fiscal_year",
        "thesis",
        "revenue_target",
        "currency",
        "revenue_growth_pct",
        "capability_expectations",
    )

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="plans")
    fiscal_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="Named by the calendar year in which the fiscal year ends (FY2026).",
    )
    title = models.CharField(max_length=200)
    thesis = models.TextField(
        blank=True, help_text="Why both sides invest in the alliance this year, and how each side wins."
    )
    revenue_target = amount_field(
        "revenue target",
        null=True,
        blank=True,
        help_text="Joint revenue both sides expect this fiscal year; empty when the plan sets none.",
    )
    currency = currency_field()
    revenue_growth_pct = models.DecimalField(
        "revenue growth (%)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("9999"))],
        help_text="Expected growth of alliance revenue over last year, in percent.",
    )
    capability_expectations = models.TextField(
        "capability development",
        blank=True,
        help_text="One expectation per line: what each side builds, learns or certifies this year.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_plans",
        limit_choices_to={"role__in": ["admin", "manager"]},
        help_text="Who keeps the plan current (an alliance manager).",
    )
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    proposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    renewed_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
        editable=False,
        help_text="The previous year's plan this one was renewed from.",
    )

    class Meta:
        ordering = ["alliance", "-fiscal_year"]
        verbose_name = "joint business plan"
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "fiscal_year"],
                condition=Q(archived_at__isnull=True),
                name="plan_one_per_alliance_year",
            ),
            models.UniqueConstraint(
                fields=["renewed_from"],
                condition=Q(archived_at__isnull=True, renewed_from__isnull=False),
                name="plan_renewed_once",
            ),
            models.CheckConstraint(
                name="plan_fiscal_year_range", condition=Q(fiscal_year__gte=2000, fiscal_year__lte=2100)
            ),
            models.CheckConstraint(
                name="plan_revenue_target_not_negative",
                condition=Q(revenue_target__isnull=True) | Q(revenue_target__gte=0),
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="plan_status"),
            models.Index(fields=["fiscal_year"], name="plan_fiscal_year"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:plan_detail", args=[self.alliance_id, self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=shared_alliance_ids(organization_id, DataKind.PLAN))

    @classmethod
    def partner_redactions(cls, organization_id: int) -> dict[str, Q]:
        revenue = Q(alliance_id__in=shared_alliance_ids(organization_id, DataKind.REVENUE))
        return {"revenue_target": revenue, "revenue_growth_pct": revenue}

    def clean(self) -> None:
        if self.archived_at is None and self.alliance_id and self.fiscal_year:
            clash = (
                JointBusinessPlan.objects.filter(
                    alliance_id=self.alliance_id, fiscal_year=self.fiscal_year, archived_at__isnull=True
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash is not None:
                raise ValidationError(
                    {
                        "fiscal_year": f"This alliance already has a plan for FY{self.fiscal_year} "
                        f"(“{clash.title}”). Edit or renew that plan instead."
                    }
                )

    def validate_constraints(self, exclude: Any = None) -> None:
        # clean() and the renew service report the two uniqueness rules on the field, with
        # a readable message; the database constraints stay as the safety net.
        super().validate_constraints(exclude={*(exclude or ()), "fiscal_year", "renewed_from"})

    @property
    def period(self) -> periods.Period:
        return periods.fiscal_year(self.fiscal_year)

    @property
    def expectations(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.capability_expectations.splitlines() if line.strip()]


class PlanAgreement(BaseModel):
    """One side's agreement to a plan: who agreed for the organization, and when.

    Archived (never deleted) when the agreement is reset, so history shows every round.
    ``on_behalf`` marks an agreement an internal editor recorded for a partner side (for
    example from a signed copy), with the evidence in ``note``.
    """

    plan = models.ForeignKey(JointBusinessPlan, on_delete=models.CASCADE, related_name="agreements")
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+")
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(default=timezone.now)
    on_behalf = models.BooleanField(
        default=False, help_text="Recorded by an internal editor for this side (not by the side itself)."
    )
    note = models.TextField(blank=True, help_text="Evidence, e.g. 'signed copy received by e-mail'.")

    class Meta:
        ordering = ["plan", "agreed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organization"],
                condition=Q(archived_at__isnull=True),
                name="plan_agreement_one_per_side",
            )
        ]
        indexes = [models.Index(fields=["plan", "organization"], name="plan_agreement_side")]

    def __str__(self) -> str:
        return f"{self.organization} agreed to {self.plan}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(plan__alliance_id__in=shared_alliance_ids(organization_id, DataKind.PLAN))


@dataclass(frozen=True)
class QuarterProgress:
    """One quarter of an objective: the target, the actual (None: not reported yet) and the
    actual as a percentage of the target."""

    number: int
    label: str
    start: date
    end: date
    target: Decimal
    actual: Decimal | None

    @property
    def progress(self) -> Decimal | None:
        return percent(self.actual, self.target)

    @property
    def reported(self) -> bool:
        return self.actual is not None

    @property
    def explanation(self) -> str:
        if self.actual is None:
            return f"{self.label}: target {number_label(self.target)}, no actual reported yet."
        if not self.target:
            return f"{self.label}: {number_label(self.actual)} against no target."
        return f"{self.label}: {number_label(self.actual)} of a {number_label(self.target)} target = {self.progress}%."


def _quarter_field(kind: str, number: int) -> models.DecimalField:
    if kind == "target":
        return models.DecimalField(
            f"Q{number} target", max_digits=14, decimal_places=2, default=ZERO, validators=NOT_NEGATIVE
        )
    return models.DecimalField(
        f"Q{number} actual",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text="Empty until the quarter is reported.",
    )


class PlanObjective(BaseModel):
    """A measurable objective of a plan with quarterly targets and actuals.

    Progress is the sum of reported actuals against the targets of the same quarters (so a
    year in progress is judged on the quarters that are in), and of the whole year.
    """

    #: Fields whose change is a change to what the sides agreed (actuals are not).
    SUBSTANCE = (
        "title",
        "metric",
        "unit",
        "owning_side",
        "target_q1",
        "target_q2",
        "target_q3",
        "target_q4",
    )

    plan = models.ForeignKey(JointBusinessPlan, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the plan.")
    title = models.CharField(max_length=200)
    metric = models.CharField(
        max_length=200, blank=True, help_text="What is measured, e.g. co-sell pipeline created."
    )
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. EUR, deals, people, %.")
    owning_side = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The party that delivers it.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_q1 = _quarter_field("target", 1)
    target_q2 = _quarter_field("target", 2)
    target_q3 = _quarter_field("target", 3)
    target_q4 = _quarter_field("target", 4)
    actual_q1 = _quarter_field("actual", 1)
    actual_q2 = _quarter_field("actual", 2)
    actual_q3 = _quarter_field("actual", 3)
    actual_q4 = _quarter_field("actual", 4)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = "plan objective"
        indexes = [models.Index(fields=["plan", "order"], name="plan_objective_order")]
        constraints = [
            models.CheckConstraint(
                name="plan_objective_targets_not_negative",
                condition=Q(target_q1__gte=0, target_q2__gte=0, target_q3__gte=0, target_q4__gte=0),
            ),
            models.CheckConstraint(
                name="plan_objective_actuals_not_negative",
                condition=(Q(actual_q1__isnull=True) | Q(actual_q1__gte=0))
                & (Q(actual_q2__isnull=True) | Q(actual_q2__gte=0))
                & (Q(actual_q3__isnull=True) | Q(actual_q3__gte=0))
                & (Q(actual_q4__isnull=True) | Q(actual_q4__gte=0)),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return (
            reverse("planning:plan_detail", args=[self.plan.alliance_id, self.plan_id])
            + f"#objective-{self.pk}"
        )

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(plan__alliance_id__in=shared_alliance_ids(organization_id, DataKind.PLAN))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.plan_id:
            alliance_id = self.plan.alliance_id
            _check_side(errors, "owning_side", self.owning_side_id, alliance_id)
            _check_person(errors, "owner", self.owner, alliance_id)
        if errors:
            raise ValidationError(errors)

    # --- progress (every number explained) -------------------------------------------

    def target(self, quarter: int) -> Decimal:
        return getattr(self, f"target_q{quarter}") or ZERO

    def actual(self, quarter: int) -> Decimal | None:
        return getattr(self, f"actual_q{quarter}")

    def quarters(self, fiscal_year: int | None = None) -> list[QuarterProgress]:
        year = fiscal_year or self.plan.fiscal_year
        return [
            QuarterProgress(q, f"Q{q}", p.start, p.end, self.target(q), self.actual(q))
            for q, p in zip(QUARTERS, periods.fiscal_quarters(year), strict=True)
        ]

    @property
    def total_target(self) -> Decimal:
        return sum((self.target(q) for q in QUARTERS), ZERO)

    @property
    def total_actual(self) -> Decimal | None:
        reported = [a for a in (self.actual(q) for q in QUARTERS) if a is not None]
        return sum(reported, ZERO) if reported else None

    @property
    def reported_target(self) -> Decimal:
        """The targets of the quarters that have an actual: what the actuals are judged on."""
        return sum((self.target(q) for q in QUARTERS if self.actual(q) is not None), ZERO)

    @property
    def progress_to_date(self) -> Decimal | None:
        return percent(self.total_actual, self.reported_target)

    @property
    def progress_of_year(self) -> Decimal | None:
        return percent(self.total_actual, self.total_target)

    @property
    def on_track(self) -> bool | None:
        """At least 90% of the targets of the reported quarters; None before any report."""
        pct = self.progress_to_date
        return None if pct is None else pct >= 90

    @property
    def progress_explanation(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        year = f"{number_label(self.total_target)}{unit}"
        actual = self.total_actual
        if actual is None:
            return f"No quarter reported yet; the year's target is {year}."
        reported = ", ".join(f"Q{q}" for q in QUARTERS if self.actual(q) is not None)
        text = f"{number_label(actual)} reported in {reported} against {number_label(self.reported_target)} targeted"
        if self.progress_to_date is None:
            text += " (no target for those quarters)"
        else:
            text += f" for those quarters = {self.progress_to_date}% to date"
        if self.progress_of_year is not None:
            text += f"; {self.progress_of_year}% of the year's {year}"
        return text + "."


# --- roadmap ------------------------------------------------------------------------------
