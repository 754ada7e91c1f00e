"""The joint pipeline: customer accounts, opportunities with stage history, deal registrations.

Visibility (the one rule, per model):

* **Account** - internal users see every account. A partner user sees the accounts their own
  organization owns, and accounts *we* own that an opportunity of one of their alliances is
  for. Another partner's accounts are never visible, even when they share an opportunity.
* **Opportunity** (and its alliance links and stage changes) - the opportunities linked to an
  alliance the partner's organization is party to.
* **DealRegistration** - only the registrations the partner's own organization submitted:
  competing partners never see each other's registrations.
* **RegistrationMatch** - the duplicate/conflict check's findings are for internal reviewers
  only; partner users see none (they only learn that the registration is under review).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.alliances.models import DataKind, shared_alliance_ids
from amity.core.models import BaseModel
from amity.core.money import amount_field, currency_field
from amity.core.roles import EDITORS, EVERYONE, INTERNAL_ROLES, Role

from ..normalize import normalize_domain, normalize_name

#: Where an external id comes from (keys of ``external_ids``).
EXTERNAL_SYSTEMS = ("salesforce", "hubspot", "csv")


def _clean_external_ids(value: object) -> None:
    if not isinstance(value, dict):
        raise ValidationError({"external_ids": 'Use an object of system → id, e.g. {"salesforce": "001…"}.'})
    for key, ext in value.items():
        if key not in EXTERNAL_SYSTEMS:
            raise ValidationError(
                {"external_ids": f"Unknown system {key!r}; use {', '.join(EXTERNAL_SYSTEMS)}."}
            )
        if not isinstance(ext, str) or not ext.strip() or len(ext) > 64:
            raise ValidationError({"external_ids": f"The {key} id must be text of 1–64 characters."})


class AccountStatus(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    PROSPECT = "prospect", "Prospect"


class Account(BaseModel):
    """A customer company, owned by our side or by a partner organization."""

    name = models.CharField(max_length=200)
    normalized_name = models.CharField(max_length=200, editable=False, db_index=True)
    domain = models.CharField(max_length=253, blank=True, help_text="Stored normalized: acme.com")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code, e.g. NL.")
    industry = models.CharField(max_length=100, blank=True)
    owner_organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name="owning side",
        help_text="Our company or the partner whose account this is.",
    )
    status = models.CharField(max_length=20, choices=AccountStatus.choices, default=AccountStatus.PROSPECT)
    external_ids = models.JSONField(
        default=dict, blank=True, help_text='CRM ids by system, e.g. {"salesforce": "0015g00000AbCdE"}.'
    )

    policy = {"view": EVERYONE, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["domain"], name="pipeline_account_domain_idx"),
            models.Index(fields=["owner_organization", "status"], name="pipeline_account_owner_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_organization", "normalized_name"],
                condition=Q(archived_at__isnull=True),
                name="pipeline_account_unique_name_per_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("pipeline:account_detail", args=[self.pk])

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        self.normalized_name = normalize_name(self.name)
        self.domain = normalize_domain(self.domain)
        self.country = (self.country or "").upper()
        if self.name and not self.normalized_name:
            raise ValidationError({"name": "The name needs more than a legal form or punctuation."})
        if self.country and (len(self.country) != 2 or not self.country.isalpha()):
            raise ValidationError({"country": "Use a two-letter ISO country code, e.g. NL."})
        _clean_external_ids(self.external_ids)

    def validate_constraints(self, exclude=None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            raise ValidationError({"name": "This side already has an account with this name."}) from exc

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        linked = OpportunityAlliance.objects.filter(
            alliance_id__in=shared_alliance_ids(organization_id, DataKind.PIPELINE), archived_at__isnull=True
        ).values("opportunity__account_id")
        return Q(owner_organization_id=organization_id) | Q(owner_organization__is_home=True, pk__in=linked)


class OpportunityStage(models.TextChoices):
    PROSPECTING = "prospecting", "Prospecting"
    QUALIFICATION = "qualification", "Qualification"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    CLOSED_WON = "closed_won", "Closed won"
    CLOSED_LOST = "closed_lost", "Closed lost"


CLOSED_STAGES = (OpportunityStage.CLOSED_WON, OpportunityStage.CLOSED_LOST)
OPEN_STAGES = tuple(s for s in OpportunityStage if s not in CLOSED_STAGES)
#: An open deal that is not archived (the condition of the open-deal partial indexes).
OPEN_DEAL = Q(stage__in=[str(s) for s in OPEN_STAGES], archived_at__isnull=True)
#: Default win probability per stage (percent), used when none is given.
STAGE_PROBABILITY = {
    OpportunityStage.PROSPECTING: 10,
    OpportunityStage.QUALIFICATION: 20,
    OpportunityStage.PROPOSAL: 50,
    OpportunityStage.NEGOTIATION: 75,
    OpportunityStage.CLOSED_WON: 100,
    OpportunityStage.CLOSED_LOST: 0,
}


class PartnerRole(models.TextChoices):
    SOURCED = "sourced", "Sourced"
    INFLUENCED = "influenced", "Influenced"
    CO_SELL = "co_sell", "Co-sell"
    RESELL = "resell", "Resell"
    REFERRAL = "referral", "Referral"


class Opportunity(BaseModel):
    """A deal with a customer account, linked to the alliances that take part in it."""

    name = models.CharField(max_length=200)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="opportunities")
    alliances = models.ManyToManyField(
        "alliances.Alliance", through="OpportunityAlliance", related_name="opportunities", blank=True
    )
    amount = amount_field(default=Decimal("0"))
    currency = currency_field()
    stage = models.CharField(
        max_length=20, choices=OpportunityStage.choices, default=OpportunityStage.PROSPECTING
    )
    probability = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(100)], help_text="Percent; defaults per stage."
    )
    close_date = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    external_ids = models.JSONField(default=dict, blank=True, help_text="CRM ids by system.")
    stage_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    policy = {"view": EVERYONE, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["close_date", "name"]
        verbose_name_plural = "opportunities"
        indexes = [
            models.Index(fields=["stage", "close_date"], name="pipeline_opp_stage_close_idx"),
            models.Index(fields=["close_date"], name="pipeline_opp_close_idx"),
            # The agenda's open deals by close date (the dashboard's overdue and due panels):
            # only open, active deals, so the first days are found without walking the closed
            # ones (millions at a large program).
            models.Index(
                fields=["close_date"],
                condition=OPEN_DEAL,
                name="pipeline_opp_open_close_idx",
            ),
            # Which accounts have an open deal (account mapping, the account list's counts).
            models.Index(
                fields=["account"],
                condition=OPEN_DEAL,
                name="pipeline_opp_open_account_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="pipeline_opp_probability_max_100"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="pipeline_opp_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("pipeline:opportunity_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @property
    def is_won(self) -> bool:
        return self.stage == OpportunityStage.CLOSED_WON

    @property
    def alliance_roles(self) -> str:
        """ "Stratus alliance (co-sell); …" - reads the (prefetched) links."""
        return "; ".join(
            f"{link.alliance.name} ({link.get_role_display().lower()})" for link in self.links.all()
        )

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.probability / Decimal(100)).quantize(Decimal("0.01"))

    def clean(self) -> None:
        if self.probability is None and self.stage:
            self.probability = STAGE_PROBABILITY.get(self.stage, 0)
        _clean_external_ids(self.external_ids)

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        linked = OpportunityAlliance.objects.filter(
            alliance_id__in=shared_alliance_ids(organization_id, DataKind.PIPELINE), archived_at__isnull=True
        ).values("opportunity_id")
        return Q(pk__in=linked)


class OpportunityAlliance(BaseModel):
    """An alliance taking part in an opportunity, with the partner's role in it."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="links")
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="opportunity_links"
    )
    role = models.CharField(max_length=20, choices=PartnerRole.choices, default=PartnerRole.CO_SELL)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "alliance"], name="pipeline_opp_alliance_unique")
        ]
        indexes = [models.Index(fields=["alliance", "role"], name="pipeline_oppall_alliance_idx")]

    def __str__(self) -> str:
        return f"{self.alliance} ({self.get_role_display()}) on {self.opportunity}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=shared_alliance_ids(organization_id, DataKind.PIPELINE))


class OpportunityStageChange(BaseModel):
    """One move of an opportunity from a stage to another: who, when, from, to."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=OpportunityStage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=OpportunityStage.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["opportunity", "changed_at"], name="pipeline_stagechange_opp_idx")]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_stage or '—'} → {self.to_stage}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(opportunity__in=Opportunity.objects.filter(Opportunity.partner_visibility(organization_id)))


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


#: Registrations that protect a customer against other partners' registrations.
ACTIVE_STATUSES = (RegistrationStatus.SUBMITTED, RegistrationStatus.APPROVED)

PARTNER_WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.PARTNER})


class DealRegistration(BaseModel):
    """A partner's claim on a deal with a customer, reviewed by us, protected once approved."""

    #: The decision and what it linked are the review's (approve, reject, convert, expire).
    restore_exclude = ("rejection_reason", "protection_until", "account", "opportunity")

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="deal_registrations"
    )
    organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="deal_registrations",
        help_text="The partner that registered the deal.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="deal_registrations"
    )
    company_name = models.CharField("customer company", max_length=200)
    normalized_name = models.CharField(max_length=200, editable=False, db_index=True)
    domain = models.CharField("customer domain", max_length=253, blank=True)
    country = models.CharField(max_length=2, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    offering = models.CharField(max_length=200, help_text="What the customer is buying.")
    amount = amount_field()
    currency = currency_field()
    expected_close_date = models.DateField()
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.SUBMITTED
    )
    submitted_on = models.DateField()
    decision_deadline = models.DateField(help_text="Submitted plus the review period in business days.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)
    approved_on = models.DateField(null=True, blank=True)
    protection_until = models.DateField(null=True, blank=True)
    expired_on = models.DateField(null=True, blank=True)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="deal_registrations"
    )
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.PROTECT, related_name="deal_registrations"
    )

    policy = {
        "view": EVERYONE,
        "create": PARTNER_WRITERS,
        "change": EDITORS,
        "archive": EDITORS,
        "decide": EDITORS,
    }

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "decision_deadline"], name="pipeline_reg_status_dl_idx"),
            models.Index(fields=["status", "protection_until"], name="pipeline_reg_status_prot_idx"),
            models.Index(fields=["domain"], name="pipeline_reg_domain_idx"),
            models.Index(fields=["organization", "status"], name="pipeline_reg_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="pipeline_reg_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(protection_until__isnull=False),
                name="pipeline_reg_approved_has_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.organization})"

    def get_absolute_url(self) -> str:
        return reverse("pipeline:registration_detail", args=[self.pk])

    def clean(self) -> None:
        self.company_name = (self.company_name or "").strip()
        self.normalized_name = normalize_name(self.company_name)
        self.domain = normalize_domain(self.domain)
        self.country = (self.country or "").upper()
        if self.company_name and not self.normalized_name:
            raise ValidationError({"company_name": "The name needs more than a legal form or punctuation."})
        if self.country and (len(self.country) != 2 or not self.country.isalpha()):
            raise ValidationError({"country": "Use a two-letter ISO country code, e.g. NL."})
        if self.domain and ("." not in self.domain or " " in self.domain):
            raise ValidationError({"domain": "Enter a domain such as acme.com."})

    def is_protected_on(self, day) -> bool:
        return (
            self.status == RegistrationStatus.APPROVED
            and bool(self.protection_until)
            and day <= self.protection_until
        )

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(organization_id=organization_id)


class MatchKind(models.TextChoices):
    OPEN_OPPORTUNITY = "open_opportunity", "Open opportunity"
    COMPETING_REGISTRATION = "competing_registration", "Another partner's active registration"
    DUPLICATE = "duplicate", "Same partner's earlier registration"


class RegistrationMatch(BaseModel):
    """What the duplicate/conflict check found for a registration - for internal reviewers only."""

    registration = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(max_length=30, choices=MatchKind.choices)
    on_name = models.BooleanField(default=False)
    on_domain = models.BooleanField(default=False)
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    other_registration = models.ForeignKey(
        DealRegistration, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    policy = {"view": INTERNAL_ROLES, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["kind", "pk"]
        indexes = [models.Index(fields=["registration", "kind"], name="pipeline_match_reg_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_name=True) | Q(on_domain=True), name="pipeline_match_has_basis"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.registration}"

    @property
    def basis(self) -> str:
        return " and ".join(x for x, on in (("name", self.on_name), ("domain", self.on_domain)) if on)
