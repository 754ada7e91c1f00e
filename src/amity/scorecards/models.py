"""Balanced scorecard data: KPI definitions (formulas over measures of Amity's data, with targets
and red/amber/green thresholds), alliance costs per period, competitor benchmark figures,
engagement options for the portfolio optimizer, and business cases."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.core.models import BaseModel
from amity.core.money import amount_field, currency_field
from amity.core.roles import EDITORS, INTERNAL_ROLES


class Dimension(models.TextChoices):
    COMMERCIAL = "commercial", "Commercial"
    TECHNICAL = "technical", "Technical"
    STRATEGIC = "strategic", "Strategic"
    CULTURAL = "cultural", "Cultural"
    OPERATIONAL = "operational", "Operational"


class Unit(models.TextChoices):
    MONEY = "money", "Money (reporting currency)"
    PERCENT = "percent", "Percent"
    RATIO = "ratio", "Ratio (×)"
    COUNT = "count", "Count"


INTERNAL_ONLY = {"view": INTERNAL_ROLES, "create": EDITORS, "change": EDITORS, "archive": EDITORS}


class KPI(BaseModel):
    """A KPI is a formula over named measures (``measures.py``), e.g.
    ``(attributed_margin - alliance_cost) / alliance_cost * 100``."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    formula = models.CharField(
        max_length=300, help_text="Arithmetic (+ − × ÷, parentheses, numbers) over the measures' names."
    )
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PERCENT)
    higher_is_better = models.BooleanField(default=True)
    target = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    green_at = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Green from this value (or below it when lower is better).",
    )
    amber_at = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Amber from this value; red beyond it.",
    )
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    order = models.PositiveIntegerField(default=10)
    active = models.BooleanField(default=True)

    policy = INTERNAL_ONLY

    class Meta:
        ordering = ["dimension", "order", "name"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scorecards:kpi_list")

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q | None:
        return None  # our yardsticks are ours

    def clean(self) -> None:
        from .formula import FormulaError, names

        try:
            unknown = set(names(self.formula)) - set(_measure_names())
        except FormulaError as exc:
            raise ValidationError({"formula": str(exc)}) from None
        if unknown:
            raise ValidationError({"formula": f"Unknown measure(s): {', '.join(sorted(unknown))}."})
        if self.green_at is not None and self.amber_at is not None:
            wrong = self.green_at < self.amber_at if self.higher_is_better else self.green_at > self.amber_at
            if wrong:
                raise ValidationError(
                    {"amber_at": "Amber must be on the red side of green (below it when higher is better)."}
                )


def _measure_names():
    from .measures import MEASURES

    return MEASURES


class CostKind(models.TextChoices):
    PEOPLE = "people", "People (FTE × loaded cost)"
    PROGRAM = "program", "Program and marketing"
    TRAVEL = "travel", "Travel and events"
    OTHER = "other", "Other"


class AllianceCost(BaseModel):
    """What running an alliance cost us in a period (MDF and incentives paid are added from
    their ledgers, not entered here)."""

    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.PROTECT, related_name="costs")
    kind = models.CharField(max_length=10, choices=CostKind.choices, default=CostKind.PEOPLE)
    period_start = models.DateField()
    period_end = models.DateField()
    description = models.CharField(max_length=200, blank=True)
    fte = models.DecimalField("FTE", max_digits=6, decimal_places=2, null=True, blank=True)
    loaded_cost_per_fte = amount_field("loaded cost per FTE (for the period)", null=True, blank=True)
    amount = amount_field(help_text="People: FTE × loaded cost, computed when both are given.")
    currency = currency_field()

    policy = INTERNAL_ONLY

    class Meta:
        ordering = ["alliance", "-period_start", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="scorecards_cost_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance} · {self.get_kind_display()} · {self.period_start:%Y-%m}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q | None:
        return None

    def clean(self) -> None:
        if self.period_end and self.period_start and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period cannot end before it starts."})
        if self.fte is not None and self.loaded_cost_per_fte is not None:
            self.amount = (self.fte * self.loaded_cost_per_fte).quantize(Decimal("0.01"))
        elif self.kind == CostKind.PEOPLE and self.amount in (None, ""):
            raise ValidationError({"fte": "Give FTE and the loaded cost per FTE, or the amount."})


class Benchmark(BaseModel):
    """A competitor's figure for a KPI, entered by hand with its source."""

    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="benchmarks")
    competitor = models.CharField(max_length=120)
    value = models.DecimalField(max_digits=16, decimal_places=2)
    as_of = models.DateField()
    source = models.CharField(max_length=300, blank=True)

    policy = INTERNAL_ONLY

    class Meta:
        ordering = ["kpi", "competitor", "-as_of"]

    def __str__(self) -> str:
        return f"{self.competitor}: {self.kpi} {self.value}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q | None:
        return None


class EngagementLevel(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    MANAGED = "managed", "Managed"
    SELF_SERVICE = "self-service", "Self-service"
    EXIT = "exit", "Exit"


class EngagementOption(BaseModel):
    """For the optimizer: what an alliance is expected to yield at one engagement level, and what
    that level costs in alliance-management FTE and budget per year."""

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.CASCADE, related_name="engagement_options"
    )
    level = models.CharField(max_length=20, choices=EngagementLevel.choices)
    expected_value = models.DecimalField(
        max_digits=16, decimal_places=2, help_text="Expected yearly gross margin."
    )
    effort_fte = models.DecimalField(
        "effort (FTE)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    cost = amount_field("budget per year")
    is_current = models.BooleanField(default=False, help_text="The level the alliance gets today.")
    must_keep = models.BooleanField(default=False, help_text="The optimizer may not recommend exit.")

    policy = INTERNAL_ONLY

    class Meta:
        ordering = ["alliance", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "level"],
                condition=Q(archived_at__isnull=True),
                name="scorecards_option_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance} · {self.get_level_display()}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q | None:
        return None


class BusinessCase(BaseModel):
    """Investment, costs and revenue uplift per year, discounted (``business_case.py``)."""

    name = models.CharField(max_length=200)
    alliance = models.ForeignKey(
        "alliances.Alliance", null=True, blank=True, on_delete=models.PROTECT, related_name="business_cases"
    )
    currency = currency_field()
    discount_rate = models.DecimalField(
        "discount rate (%)", max_digits=6, decimal_places=2, default=Decimal("8")
    )
    years = models.JSONField(
        default=list, help_text="[{investment, costs, revenue_uplift, margin_percent}] from year 0."
    )
    scenario_multipliers = models.JSONField(default=dict, blank=True)
    spreads = models.JSONField(default=dict, blank=True, help_text="Monte Carlo spreads per driver.")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    policy = INTERNAL_ONLY

    class Meta:
        ordering = ["-updated_at", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scorecards:business_case_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q | None:
        return None
