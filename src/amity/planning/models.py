"""Joint planning: annual joint business plans with objectives and agreement by every side,
the partnership development roadmap (milestones with dependencies), joint initiatives with
the resources each side was asked for and assigned, and joint offerings (seed 000, 001, 002).

Every model is alliance-scoped: a partner user sees the rows of alliances their
organization is party to (``visible_alliance_ids``), nobody else's.
"""

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

from amity.alliances.models import Alliance, AllianceParty, visible_alliance_ids
from amity.core import periods
from amity.core.models import BaseModel
from amity.core.money import amount_field, currency_field, currency_validator

ZERO = Decimal("0")
HUNDRED = Decimal("100")
QUARTERS = (1, 2, 3, 4)
NOT_NEGATIVE = [MinValueValidator(ZERO)]


def party_organization_ids(alliance_id: int | None) -> set[int]:
    """The organizations taking part in an alliance now (our company included)."""
    if alliance_id is None:
        return set()
    return set(
        AllianceParty.objects.filter(alliance_id=alliance_id, archived_at__isnull=True).values_list(
            "organization_id", flat=True
        )
    )


def _check_side(errors: dict[str, str], field: str, organization_id: int | None, alliance_id: int) -> None:
    if organization_id is not None and organization_id not in party_organization_ids(alliance_id):
        errors[field] = "This organization is not a party of the alliance."


def _check_person(errors: dict[str, str], field: str, user: Any, alliance_id: int) -> None:
    """A partner user can own something only for an organization that is a party."""
    if user is None or getattr(user, "role", None) != "partner":
        return
    if user.organization_id not in party_organization_ids(alliance_id):
        errors[field] = f"{user} works for an organization that is not a party of the alliance."


def day_label(day: date | None) -> str:
    """1 Jun 2026 (no leading zero, on every platform)."""
    return f"{day.day} {day:%b %Y}" if day else ""


def number_label(value: Decimal | None) -> str:
    """1234.50 → '1,234.5', 3.00 → '3', None → '—' (explanations read like the page)."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral():
        return f"{value.quantize(Decimal('1')):,}"
    return f"{value.normalize():,f}"


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """``part`` as a whole-number percentage of ``whole``; None when it cannot be computed."""
    if part is None or whole is None or whole == 0:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("1"))


# --- joint business plans -----------------------------------------------------------------


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
        return Q(alliance_id__in=visible_alliance_ids(organization_id))

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
        return Q(plan__alliance_id__in=visible_alliance_ids(organization_id))


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
        return Q(plan__alliance_id__in=visible_alliance_ids(organization_id))

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


class MilestoneCategory(models.TextChoices):
    INTEGRATION = "integration", "Integration"
    SHARED_DASHBOARD = "shared_dashboard", "Shared dashboard"
    JOINT_OFFERING = "joint_offering", "Joint offering"
    CERTIFICATION = "certification", "Certification"
    GTM_LAUNCH = "gtm_launch", "Go-to-market launch"
    OTHER = "other", "Other"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_MILESTONE = (MilestoneStatus.DONE, MilestoneStatus.CANCELLED)


class Milestone(BaseModel):
    """A milestone of the partnership development roadmap (seed 002): CRM integration, a
    shared dashboard, a joint offering launch …

    ``original_due_date`` is fixed at creation, so a slip stays visible after the due date
    moves. Dependencies are other milestones of the same alliance; cycles are refused.
    """

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    category = models.CharField(
        max_length=20, choices=MilestoneCategory.choices, default=MilestoneCategory.OTHER
    )
    description = models.TextField(blank=True)
    due_date = models.DateField()
    original_due_date = models.DateField(
        null=True, blank=True, editable=False, help_text="The due date when the milestone was created."
    )
    status = models.CharField(max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED)
    completed_on = models.DateField(null=True, blank=True, help_text="When it was done.")
    owning_side = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The party that delivers it.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_milestones",
        help_text="Reminded when it falls due (else the alliance owner).",
    )
    dependencies = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependents",
        help_text="Milestones of the same alliance that must be done first.",
    )

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["alliance", "due_date"], name="milestone_alliance_due"),
            models.Index(fields=["status", "due_date"], name="milestone_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                name="milestone_completed_only_when_done",
                condition=Q(status=MilestoneStatus.DONE) | Q(completed_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.original_due_date is None:
            self.original_due_date = self.due_date
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("planning:alliance_roadmap", args=[self.alliance_id]) + f"#milestone-{self.pk}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=visible_alliance_ids(organization_id))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.status == MilestoneStatus.DONE and self.completed_on is None:
            errors["completed_on"] = "Say when the milestone was done."
        if self.status != MilestoneStatus.DONE and self.completed_on is not None:
            errors["completed_on"] = "Only a milestone that is done has a completion date."
        elif self.completed_on is not None and self.completed_on > timezone.localdate():
            errors["completed_on"] = "A milestone cannot be done in the future."
        if self.alliance_id:
            _check_side(errors, "owning_side", self.owning_side_id, self.alliance_id)
            _check_person(errors, "owner", self.owner, self.alliance_id)
        if errors:
            raise ValidationError(errors)

    # --- slips -------------------------------------------------------------------------

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_MILESTONE

    @property
    def moved_days(self) -> int:
        """Days the due date moved later than the original one (0 when it did not)."""
        if self.original_due_date is None or self.due_date is None:
            return 0
        return max(0, (self.due_date - self.original_due_date).days)

    def overdue_days(self, today: date | None = None) -> int:
        if self.is_closed or self.due_date is None:
            return 0
        today = today or timezone.localdate()
        return max(0, (today - self.due_date).days)

    def late_days(self) -> int:
        """For a done milestone: days after the original date it was completed."""
        if self.status != MilestoneStatus.DONE or not self.completed_on or not self.original_due_date:
            return 0
        return max(0, (self.completed_on - self.original_due_date).days)

    def slipped(self, today: date | None = None) -> bool:
        """Due later than originally planned, or past due and not done (cancelled never slips)."""
        if self.status == MilestoneStatus.CANCELLED:
            return False
        if self.status == MilestoneStatus.DONE:
            return self.late_days() > 0
        return self.moved_days > 0 or self.overdue_days(today) > 0

    def slip_explanation(self, today: date | None = None) -> str:
        if self.status == MilestoneStatus.CANCELLED:
            return ""
        if self.status == MilestoneStatus.DONE:
            late = self.late_days()
            return (
                f"Done on {day_label(self.completed_on)}, {late} day{'s' if late != 1 else ''} after the "
                f"original date {day_label(self.original_due_date)}."
                if late
                else ""
            )
        parts = []
        if self.moved_days:
            parts.append(
                f"Slipped {self.moved_days} day{'s' if self.moved_days != 1 else ''} from the original date "
                f"{day_label(self.original_due_date)} to {day_label(self.due_date)}."
            )
        overdue = self.overdue_days(today)
        if overdue:
            parts.append(f"Past due by {overdue} day{'s' if overdue != 1 else ''} and not done.")
        return " ".join(parts)


# --- joint initiatives --------------------------------------------------------------------


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class JointInitiative(BaseModel):
    """Work both sides do together, with the resources each side was asked for and has
    assigned: the gap between intent and ability to execute (seed 002)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(max_length=200)
    goal = models.TextField(blank=True, help_text="What the initiative must achieve.")
    status = models.CharField(
        max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.PROPOSED
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["alliance", "start_date", "id"]
        verbose_name = "joint initiative"
        indexes = [models.Index(fields=["alliance", "status"], name="initiative_alliance_status")]
        constraints = [
            models.CheckConstraint(
                name="initiative_dates_in_order",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:alliance_roadmap", args=[self.alliance_id]) + f"#initiative-{self.pk}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=visible_alliance_ids(organization_id))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date is before the start date."
        if self.alliance_id:
            _check_person(errors, "owner", self.owner, self.alliance_id)
        if errors:
            raise ValidationError(errors)


class ResourceKind(models.TextChoices):
    HEADCOUNT = "headcount", "Headcount"
    BUDGET = "budget", "Budget"


class InitiativeResource(BaseModel):
    """What one side was asked to put into an initiative and what it has assigned."""

    initiative = models.ForeignKey(JointInitiative, on_delete=models.CASCADE, related_name="resources")
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="+", help_text="The side."
    )
    kind = models.CharField(max_length=20, choices=ResourceKind.choices, default=ResourceKind.HEADCOUNT)
    description = models.CharField(max_length=200, blank=True, help_text="e.g. solution architects.")
    requested = models.DecimalField(max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    assigned = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO, validators=NOT_NEGATIVE)
    unit = models.CharField(
        max_length=20, default="FTE", help_text="FTE or people for headcount; a currency code for budget."
    )

    class Meta:
        ordering = ["initiative", "id"]
        verbose_name = "initiative resource"
        indexes = [models.Index(fields=["initiative", "organization"], name="resource_initiative_side")]
        constraints = [
            models.CheckConstraint(
                name="resource_amounts_not_negative", condition=Q(requested__gte=0, assigned__gte=0)
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description or self.unit}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(initiative__alliance_id__in=visible_alliance_ids(organization_id))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == ResourceKind.BUDGET:
            try:
                currency_validator(self.unit or "")
            except ValidationError:
                errors["unit"] = "A budget is in a three-letter currency code, e.g. EUR."
        elif not (self.unit or "").strip():
            errors["unit"] = "Say what the headcount is counted in, e.g. FTE."
        if self.initiative_id:
            _check_side(errors, "organization", self.organization_id, self.initiative.alliance_id)
        if errors:
            raise ValidationError(errors)

    @property
    def gap(self) -> Decimal:
        return (self.requested or ZERO) - (self.assigned or ZERO)

    @property
    def short(self) -> bool:
        return (self.assigned or ZERO) < (self.requested or ZERO)


# --- joint offerings ----------------------------------------------------------------------


class OfferingStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    IN_DEVELOPMENT = "in_development", "In development"
    LAUNCHED = "launched", "Launched"
    RETIRED = "retired", "Retired"


class JointOffering(BaseModel):
    """A bundled product or service both sides bring to market together (seed 001)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="offerings")
    name = models.CharField(max_length=200)
    value_proposition = models.TextField(
        blank=True, help_text="What the customer gets that neither side sells alone."
    )
    target_markets = models.TextField(blank=True, help_text="One market or segment per line.")
    launch_milestone = models.ForeignKey(
        Milestone,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="launched_offerings",
        help_text="The roadmap milestone that launches it.",
    )
    status = models.CharField(max_length=20, choices=OfferingStatus.choices, default=OfferingStatus.IDEA)

    class Meta:
        ordering = ["alliance", "name", "id"]
        verbose_name = "joint offering"
        indexes = [models.Index(fields=["alliance", "status"], name="offering_alliance_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning:alliance_roadmap", args=[self.alliance_id]) + f"#offering-{self.pk}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=visible_alliance_ids(organization_id))

    def clean(self) -> None:
        if self.launch_milestone_id and self.alliance_id:
            milestone = self.launch_milestone
            if milestone.alliance_id != self.alliance_id:
                raise ValidationError(
                    {"launch_milestone": "The launch milestone belongs to another alliance."}
                )
            if milestone.archived_at is not None:
                raise ValidationError({"launch_milestone": "The launch milestone is archived."})

    @property
    def markets(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.target_markets.splitlines() if line.strip()]


class OfferingComponent(BaseModel):
    """What one side contributes to a joint offering."""

    offering = models.ForeignKey(JointOffering, on_delete=models.CASCADE, related_name="components")
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="+", help_text="The side."
    )
    contribution = models.TextField(help_text="The product, service or capability it brings.")

    class Meta:
        ordering = ["offering", "id"]
        verbose_name = "offering component"
        indexes = [models.Index(fields=["offering", "organization"], name="component_offering_side")]

    def __str__(self) -> str:
        return self.contribution[:80]

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(offering__alliance_id__in=visible_alliance_ids(organization_id))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.offering_id:
            _check_side(errors, "organization", self.organization_id, self.offering.alliance_id)
        if errors:
            raise ValidationError(errors)
