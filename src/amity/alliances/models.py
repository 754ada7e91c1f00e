"""Alliances, their parties and people, tiers, objectives, life cycle and strategic review."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from amity.core.models import BaseModel
from amity.core.roles import ADMINS, EDITORS, EVERYONE, INTERNAL_ROLES

#: Engagement levels of the portfolio optimizer (``scorecards.EngagementLevel`` uses the same codes).
ENGAGEMENT_LEVELS = [
    ("strategic", "Strategic"),
    ("managed", "Managed"),
    ("self-service", "Self-service"),
]


class Tier(BaseModel):
    """A level of the alliance portfolio (strategic, platinum, gold …); rank 1 is the top."""

    name = models.CharField(max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the top tier.")
    target_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many alliances this tier is meant to hold."
    )
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, default="#6c757d", help_text="Hex colour for charts.")
    grace_days = models.PositiveSmallIntegerField(
        "grace period (days)",
        default=90,
        validators=[MaxValueValidator(730)],
        help_text="How long an alliance that no longer meets this tier's rules keeps the tier "
        "before a re-tier review's demotion takes effect.",
    )
    engagement_level = models.CharField(
        max_length=20,
        choices=ENGAGEMENT_LEVELS,
        blank=True,
        help_text="The engagement level alliances of this tier get; the portfolio optimizer's "
        "maximum count per level is the sum of its tiers' target counts.",
    )

    policy = {"view": EVERYONE, "create": ADMINS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q()


class CorporateObjective(BaseModel):
    """A goal of the business strategy that the alliance program must support (seed 004)."""

    code = models.CharField(max_length=20, unique=True, help_text="Short reference, e.g. O1.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    target = models.CharField(max_length=200, blank=True, help_text="How success is measured.")
    horizon_year = models.PositiveSmallIntegerField(null=True, blank=True)

    policy = {"view": INTERNAL_ROLES, "create": ADMINS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AllianceType(models.TextChoices):
    MARKETING = "marketing", "Marketing"
    GO_TO_MARKET = "gtm", "Go-to-market / co-sell"
    DEVELOPMENT = "development", "Development / technology"
    CHANNEL = "channel", "Channel"
    CONSORTIUM = "consortium", "Consortium"


class Stage(models.TextChoices):
    IDENTIFY = "identify", "Identify"
    ASSESS = "assess", "Assess & select"
    NEGOTIATE = "negotiate", "Negotiate"
    LAUNCH = "launch", "Launch"
    MANAGE = "manage", "Manage & grow"
    REVIEW = "review", "Review & renew"
    TRANSFORM = "transform", "Transform or retire"
    RETIRED = "retired", "Retired"


STAGE_ORDER = {code: i for i, code in enumerate(Stage.values)}


def visible_alliance_ids(organization_id: int) -> models.QuerySet:
    return AllianceParty.objects.filter(organization_id=organization_id, archived_at__isnull=True).values(
        "alliance_id"
    )


class DataKind(models.TextChoices):
    """The kinds of an alliance's data whose sharing with each partner is set per alliance."""

    PLAN = "plan", "Joint business plan"
    ROADMAP = "roadmap", "Roadmap (milestones, initiatives, offerings)"
    COMMITMENTS = "commitments", "Commitments"
    PIPELINE = "pipeline", "Our pipeline (deals we linked to the alliance, with their amounts)"
    REVENUE = "revenue", "Revenue figures (plan revenue target and growth, forecast)"
    SCORECARD = "scorecard", "Scorecard"
    ASSESSMENTS = "assessments", "Two-sided assessments"
    DOCUMENTS = "documents", "Agreements and their documents"
    GOVERNANCE = "governance", "Governance (bodies, meetings, decisions, actions, escalations)"


#: What a partner of an alliance sees when nobody has set the kind for it. Revenue figures and
#: the scorecard are strategic information (seed 002): shared only when someone decides so.
SHARED_BY_DEFAULT = {
    DataKind.PLAN: True,
    DataKind.ROADMAP: True,
    DataKind.COMMITMENTS: True,
    DataKind.PIPELINE: True,
    DataKind.REVENUE: False,
    DataKind.SCORECARD: False,
    DataKind.ASSESSMENTS: True,
    DataKind.DOCUMENTS: True,
    DataKind.GOVERNANCE: True,
}


def shared_alliance_ids(organization_id: int, kind: str) -> models.QuerySet:
    """Ids of the alliances whose ``kind`` of data the partner ``organization_id`` may see: it is
    a party, and the alliance shares that kind with it (``SharingSetting``, else the default)."""
    parties = visible_alliance_ids(organization_id)
    settings_of = SharingSetting.objects.filter(organization_id=organization_id, kind=kind)
    if SHARED_BY_DEFAULT[DataKind(kind)]:
        return parties.exclude(alliance_id__in=settings_of.filter(shared=False).values("alliance_id"))
    return parties.filter(alliance_id__in=settings_of.filter(shared=True).values("alliance_id"))


class Alliance(BaseModel):
    """A formal collaboration between our company and one or more partners."""

    #: A tier changes with its reason and TierChange record (``tiering.set_tier``), not by a restore.
    restore_exclude = ("tier",)

    name = models.CharField(max_length=200, unique=True)
    alliance_type = models.CharField("type", max_length=20, choices=AllianceType.choices)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_alliances",
        limit_choices_to={"role__in": ["admin", "manager"]},
        help_text="The alliance manager accountable for it.",
    )
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="alliances")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDENTIFY)
    stage_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    annual_value = models.DecimalField(
        "expected annual revenue",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Revenue expected through the alliance per year, in the reporting currency.",
    )
    objectives = models.ManyToManyField(CorporateObjective, blank=True, related_name="alliances")
    exit_plan = models.TextField(blank=True, help_text="How the alliance would be wound down.")

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["stage"], name="alliance_stage"),
            models.Index(fields=["alliance_type"], name="alliance_type"),
            models.Index(fields=["archived_at", "name"], name="alliance_active_name"),
        ]
        constraints = [
            models.CheckConstraint(
                name="alliance_dates_in_order",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("alliances:alliance_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date is before the start date."})

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(pk__in=visible_alliance_ids(organization_id))


class PartyRole(models.TextChoices):
    HOST = "host", "Our company"
    PARTNER = "partner", "Partner"
    LEAD = "lead", "Lead partner"
    MEMBER = "member", "Consortium member"
    RESEARCH = "research", "Research partner"


class AllianceParty(BaseModel):
    """One organization taking part in an alliance, with its role."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="alliance_parties"
    )
    role = models.CharField(max_length=20, choices=PartyRole.choices, default=PartyRole.PARTNER)

    class Meta:
        ordering = ["alliance", "id"]
        verbose_name_plural = "alliance parties"
        constraints = [
            models.UniqueConstraint(fields=["alliance", "organization"], name="alliance_party_unique")
        ]
        indexes = [models.Index(fields=["organization", "alliance"], name="party_org_alliance")]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()}) in {self.alliance}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=visible_alliance_ids(organization_id))


class MemberRole(models.TextChoices):
    SPONSOR = "sponsor", "Executive sponsor"
    MANAGER = "manager", "Alliance manager"
    TEAM = "team", "Joint team member"


class AllianceMember(BaseModel):
    """A person on an alliance: executive sponsor, alliance manager or joint team member."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey("partners.Contact", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=MemberRole.choices, default=MemberRole.TEAM)
    area = models.CharField(max_length=100, blank=True, help_text="e.g. sales, marketing, engineering")

    class Meta:
        ordering = ["alliance", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "contact", "role"], name="alliance_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact} - {self.get_role_display()} of {self.alliance}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=visible_alliance_ids(organization_id))


# --- life cycle: transitions and gates are data ---------------------------------------


class StageTransitionRule(BaseModel):
    """An allowed move between two life-cycle stages."""

    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    label = models.CharField(max_length=100, blank=True)

    policy = {"view": INTERNAL_ROLES, "create": ADMINS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["from_stage", "to_stage"]
        constraints = [
            models.UniqueConstraint(fields=["from_stage", "to_stage"], name="stage_transition_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"


class GateCheck(models.TextChoices):
    ATTEST = "attest", "Confirmed by the person making the transition"
    OWNER = "owner", "An alliance owner is assigned"
    PARTNER = "partner", "At least one partner organization is a party"
    SPONSORS = "sponsors", "Executive sponsors named on our side and the partner's"
    REVIEW = "review", "A strategic review is recorded"
    RECENT_REVIEW = "recent_review", "A strategic review in the last 12 months"
    OBJECTIVE = "objective", "Serves at least one corporate objective"
    TIER = "tier", "A tier is assigned"
    START_DATE = "start_date", "A start date is set"
    EXIT_PLAN = "exit_plan", "An exit plan is written"


class GateRequirement(BaseModel):
    """One item of the checklist for entering a stage."""

    stage = models.CharField(max_length=20, choices=Stage.choices, help_text="The stage being entered.")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=200)
    check_kind = models.CharField("check", max_length=20, choices=GateCheck.choices, default=GateCheck.ATTEST)
    help_text = models.TextField(blank=True)

    policy = {"view": INTERNAL_ROLES, "create": ADMINS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["stage", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.label}"


class StageChange(models.Model):
    """An entry in an alliance's stage history (append-only)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    overridden = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    checklist = models.JSONField(default=list, blank=True, help_text="Gate results at the time.")

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["alliance", "changed_at"], name="stagechange_alliance")]

    def __str__(self) -> str:
        return f"{self.alliance}: {self.from_stage or '-'} → {self.to_stage}"


# --- strategic review ------------------------------------------------------------------


class Classification(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    TACTICAL = "tactical", "Tactical"
    UNDETERMINED = "undetermined", "Undetermined"


class Sponsorship(models.IntegerChoices):
    NONE = 0, "None"
    MANAGER = 1, "Manager"
    DIRECTOR = 2, "Director"
    VP = 3, "Vice president"
    C_LEVEL = 4, "C-level / board"


#: Seed 000's five criteria: (field suffix, label, guidance).
CRITERIA = [
    (
        "goals",
        "Major business goals and revenue growth",
        "Does its success move one or more major business goals, especially revenue growth?",
    ),
    (
        "competency",
        "Core competency, competitive advantage or blocked threat",
        "Does it build or reinforce a core competency that gives an advantage or blocks a competitor?",
    ),
    (
        "opportunities",
        "New opportunities, markets and ecosystems",
        "Does it open new products, services, markets or ecosystems, sold in new ways?",
    ),
    (
        "sustainability",
        "Sustainability and risk mitigation",
        "Does it make the business more sustainable or reduce a significant (e.g. regulatory) risk?",
    ),
    (
        "innovation",
        "Innovation and adaptability",
        "Does it let us innovate and adapt better than we could alone (shared innovation)?",
    ),
]

#: Seed 001's strategic activities: (field, label).
ACTIVITIES = [
    ("act_bundled", "Bundled offering with a new value proposition"),
    ("act_joint_teams", "Joint teams at all levels"),
    ("act_joint_planning", "Joint advanced planning"),
    ("act_knowledge", "Knowledge, training and methods shared"),
    ("act_exclusivity", "Exclusivity or privileged relationship"),
    ("act_long_term", "Long-term horizon, return on collaboration"),
]

SCORE_HELP = "0 none · 1 weak · 2 moderate · 3 strong · 4 decisive"


def _score_field(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=0, validators=[MinValueValidator(0), MaxValueValidator(4)], help_text=SCORE_HELP
    )


class StrategicReview(BaseModel):
    """A scored strategic review of one alliance, with the rules' result frozen at the time."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    review_date = models.DateField(default=timezone.localdate)

    score_goals = _score_field(CRITERIA[0][1])
    evidence_goals = models.TextField(blank=True)
    score_competency = _score_field(CRITERIA[1][1])
    evidence_competency = models.TextField(blank=True)
    score_opportunities = _score_field(CRITERIA[2][1])
    evidence_opportunities = models.TextField(blank=True)
    score_sustainability = _score_field(CRITERIA[3][1])
    evidence_sustainability = models.TextField(blank=True)
    score_innovation = _score_field(CRITERIA[4][1])
    evidence_innovation = models.TextField(blank=True)

    act_bundled = models.BooleanField(ACTIVITIES[0][1], default=False)
    act_joint_teams = models.BooleanField(ACTIVITIES[1][1], default=False)
    act_joint_planning = models.BooleanField(ACTIVITIES[2][1], default=False)
    act_knowledge = models.BooleanField(ACTIVITIES[3][1], default=False)
    act_exclusivity = models.BooleanField(ACTIVITIES[4][1], default=False)
    act_long_term = models.BooleanField(ACTIVITIES[5][1], default=False)

    fte = models.DecimalField(
        "alliance-management FTEs",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("999"))],
        help_text="People's time dedicated to managing this alliance (full-time equivalents).",
    )
    annual_investment = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="What we invest per year (people, marketing, development), reporting currency.",
    )
    sponsorship = models.PositiveSmallIntegerField(
        "top-executive sponsorship", choices=Sponsorship.choices, default=Sponsorship.NONE
    )
    notes = models.TextField(blank=True)

    # The result, computed by the rules when the review was recorded.
    criteria_total = models.PositiveSmallIntegerField(default=0, editable=False)
    activities_count = models.PositiveSmallIntegerField(default=0, editable=False)
    commitment_signals = models.PositiveSmallIntegerField(default=0, editable=False)
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.UNDETERMINED, editable=False
    )
    recommended_tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    explanation = models.JSONField(default=dict, blank=True, editable=False)

    policy = {"view": INTERNAL_ROLES, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["-review_date", "-id"]
        indexes = [models.Index(fields=["alliance", "-review_date", "-id"], name="review_latest")]

    def __str__(self) -> str:
        return f"Strategic review of {self.alliance} on {self.review_date}"

    def get_absolute_url(self) -> str:
        return reverse("alliances:review_detail", args=[self.alliance_id, self.pk])

    @property
    def scores(self) -> list[tuple[str, str, int, str]]:
        return [
            (key, label, getattr(self, f"score_{key}"), getattr(self, f"evidence_{key}"))
            for key, label, _ in CRITERIA
        ]

    @property
    def activities(self) -> list[tuple[str, bool]]:
        return [(label, getattr(self, field)) for field, label in ACTIVITIES]


class RuleKind(models.TextChoices):
    SIGNAL = "signal", "Commitment signal"
    CLASSIFICATION = "classification", "Classification"
    TIER = "tier", "Tier recommendation"
    FLAG = "flag", "Portfolio flag"


class ReviewRule(BaseModel):
    """A rule of the strategic review, kept as data.

    ``conditions`` is a list of clauses ``{"fact": "criteria_total", "op": ">=", "value": 14}``
    that must all hold. Signal and flag rules all fire when they match; for classification
    and tier rules the first match in ``order`` decides.
    """

    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    conditions = models.JSONField(default=list, blank=True)
    outcome = models.CharField(
        max_length=40,
        blank=True,
        help_text="Classification code, signal name or flag name, depending on the kind.",
    )
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="rules")

    policy = {"view": INTERNAL_ROLES, "create": ADMINS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["kind", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    def clean(self) -> None:
        from .rules import validate_conditions

        validate_conditions(self.conditions)
        if self.kind == RuleKind.TIER and not self.tier_id:
            raise ValidationError({"tier": "A tier rule must name the tier it recommends."})
        if self.kind == RuleKind.CLASSIFICATION and self.outcome not in Classification.values:
            raise ValidationError({"outcome": f"Use one of {', '.join(Classification.values)}."})


# --- tier changes and the periodic re-tier review ------------------------------------------


class TierChangeSource(models.TextChoices):
    REVIEW = "review", "Strategic review recommendation"
    RETIER = "retier", "Re-tier review, approved"
    MANUAL = "manual", "Set by hand"


class TierChange(models.Model):
    """An entry in an alliance's tier history (append-only), with the rule that justified it."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=TierChangeSource.choices)
    rule = models.ForeignKey(
        ReviewRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="tier_changes"
    )
    rule_name = models.CharField(max_length=150, blank=True, help_text="The rule's name at the time.")
    clauses = models.JSONField(
        default=list, blank=True, help_text="The rule's clauses with the actual values that made it fire."
    )
    proposal = models.ForeignKey(
        "TierProposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    review = models.ForeignKey(
        StrategicReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="tier_changes"
    )
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["alliance", "changed_at"], name="tierchange_alliance")]
        constraints = [
            models.CheckConstraint(
                name="tierchange_rule_or_reason",
                condition=~Q(rule_name="", reason=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.alliance}: {self.from_tier or 'no tier'} → {self.to_tier or 'no tier'}"

    @property
    def justification(self) -> str:
        return self.rule_name or self.reason


class TierReview(BaseModel):
    """One periodic re-tier review: every alliance's tier rules evaluated on one day, with the
    performance of the twelve months before it."""

    run_on = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    scheduled = models.BooleanField(default=False, help_text="Started by the daily pass, not by a person.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    policy = {"view": INTERNAL_ROLES, "create": EDITORS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["-run_on", "-id"]

    def __str__(self) -> str:
        return f"Re-tier review of {self.run_on:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("alliances:tier_review_detail", args=[self.pk])


class ProposalStatus(models.TextChoices):
    NO_CHANGE = "no_change", "Keeps its tier"
    NOT_EVALUATED = "not_evaluated", "Not evaluated"
    PROPOSED = "proposed", "Awaiting approval"
    APPROVED = "approved", "Approved, in grace period"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected"
    LAPSED = "lapsed", "Lapsed"
    SUPERSEDED = "superseded", "Superseded by a later review"


#: Proposals still waiting for a decision or for their effective date.
OPEN_PROPOSALS = (ProposalStatus.PROPOSED, ProposalStatus.APPROVED)


class TierProposal(BaseModel):
    """What a re-tier review found for one alliance: keep, promote or demote, and why."""

    review = models.ForeignKey(TierReview, on_delete=models.CASCADE, related_name="proposals")
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="tier_proposals")
    current_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(ReviewRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    explanation = models.JSONField(default=dict, blank=True, help_text="The facts and every rule evaluated.")
    status = models.CharField(max_length=20, choices=ProposalStatus.choices)
    note = models.TextField(blank=True, help_text="Why it was not evaluated, lapsed or superseded.")
    effective_on = models.DateField(
        null=True, blank=True, help_text="Promotions: on approval. Demotions: after the grace period."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    policy = {"view": INTERNAL_ROLES, "create": EDITORS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["review", "alliance__name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "alliance"], name="tierproposal_one_per_review")
        ]
        indexes = [models.Index(fields=["alliance", "status"], name="tierproposal_alliance_status")]

    def __str__(self) -> str:
        return f"{self.alliance}: {self.current_tier or 'no tier'} → {self.proposed_tier or 'no tier'}"

    @property
    def direction(self) -> str:
        """promote, demote or keep, by tier rank (no tier is below every tier)."""

        def rank(tier: Tier | None) -> int:
            return tier.rank if tier is not None else 10**6

        if self.proposed_tier_id == self.current_tier_id:
            return "keep"
        return "promote" if rank(self.proposed_tier) < rank(self.current_tier) else "demote"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PROPOSALS


# --- sharing with partners ------------------------------------------------------------------


class SharingSetting(models.Model):
    """Whether one partner of an alliance sees one kind of its data (absent: the default).

    The visibility rule reads these rows (``shared_alliance_ids``) for every partner read: pages,
    API, exports, PDFs, calendar feeds, notifications and webhooks.
    """

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="sharing")
    organization = models.ForeignKey("partners.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=DataKind.choices)
    shared = models.BooleanField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["alliance", "organization", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "organization", "kind"], name="sharing_one_per_kind")
        ]
        indexes = [models.Index(fields=["organization", "kind", "shared"], name="sharing_org_kind")]

    def __str__(self) -> str:
        return f"{self.alliance}: {self.get_kind_display()} {'shared with' if self.shared else 'hidden from'} {self.organization}"
