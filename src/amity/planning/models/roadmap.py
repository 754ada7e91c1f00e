"""The partnership roadmap: milestones, joint initiatives and joint offerings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import Alliance, DataKind, shared_alliance_ids
from amity.core.models import BaseModel
from amity.core.money import currency_validator

from .common import (
    NOT_NEGATIVE,
    ZERO,
    _check_person,
    _check_side,
    day_label,
)


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
        return Q(alliance_id__in=shared_alliance_ids(organization_id, DataKind.ROADMAP))

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
        return Q(alliance_id__in=shared_alliance_ids(organization_id, DataKind.ROADMAP))

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
        return Q(initiative__alliance_id__in=shared_alliance_ids(organization_id, DataKind.ROADMAP))

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
        return Q(alliance_id__in=shared_alliance_ids(organization_id, DataKind.ROADMAP))

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
        return Q(offering__alliance_id__in=shared_alliance_ids(organization_id, DataKind.ROADMAP))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.offering_id:
            _check_side(errors, "organization", self.organization_id, self.offering.alliance_id)
        if errors:
            raise ValidationError(errors)
