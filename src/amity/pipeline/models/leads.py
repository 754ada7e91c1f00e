"""Leads we share with partners, routed by rules kept as data.

A :class:`LeadRoutingRule` says which leads go to which partner: by the lead's country
(territory), by the capability it needs (matched against the partner's capabilities) and by
the alliance's tier; the first active rule by priority that matches routes the lead, and the
lead records the rule and the reason. The partner accepts or declines (with a reason) before
the response deadline; routed/responded times give acceptance times per partner.

Visibility: internal users see every lead; a partner user sees only the leads routed to their
own organization - never another partner's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.core.models import BaseModel
from amity.core.money import amount_field, currency_field
from amity.core.roles import EDITORS, EVERYONE, INTERNAL_ROLES

from ..normalize import normalize_domain, normalize_name


def _codes(value: object, field: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError({field: "Use a list of text values."})


class LeadRoutingRule(BaseModel):
    """Route matching leads to a partner (through one of its alliances). Empty criteria match all."""

    name = models.CharField(max_length=120)
    priority = models.PositiveIntegerField(default=100, help_text="Lower runs first.")
    is_active = models.BooleanField(default=True)
    countries = models.JSONField(
        default=list, blank=True, help_text='ISO codes, e.g. ["NL", "BE"]; empty: any.'
    )
    industries = models.JSONField(default=list, blank=True, help_text="Empty: any industry.")
    capability = models.CharField(
        max_length=120,
        blank=True,
        help_text="The lead needs this; the partner must list it among its capabilities.",
    )
    tiers = models.ManyToManyField(
        "alliances.Tier", blank=True, related_name="lead_rules", help_text="Only alliances in these tiers."
    )
    alliance = models.ForeignKey(
        "alliances.Alliance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_rules",
        help_text="Route to this alliance's partner; empty: the best-tiered matching alliance.",
    )
    response_days = models.PositiveSmallIntegerField(default=5, help_text="Days the partner has to respond.")
    notes = models.TextField(blank=True)

    policy = {"view": INTERNAL_ROLES, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("pipeline:lead_rule_edit", args=[self.pk])

    def clean(self) -> None:
        _codes(self.countries, "countries")
        _codes(self.industries, "industries")
        self.countries = [c.strip().upper() for c in self.countries if c.strip()]
        for code in self.countries:
            if len(code) != 2 or not code.isalpha():
                raise ValidationError({"countries": f"{code!r} is not a two-letter ISO country code."})


class LeadStatus(models.TextChoices):
    NEW = "new", "New (not routed)"
    ROUTED = "routed", "Routed, waiting for the partner"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CONVERTED = "converted", "Converted to an opportunity"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Lead(BaseModel):
    company_name = models.CharField("customer company", max_length=200)
    normalized_name = models.CharField(max_length=200, editable=False, db_index=True)
    domain = models.CharField(max_length=253, blank=True)
    country = models.CharField(max_length=2, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    need = models.CharField(
        "capability needed", max_length=120, blank=True, help_text="What the customer needs from a partner."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    amount = amount_field("estimated amount", null=True, blank=True)
    currency = currency_field()
    description = models.TextField(blank=True)
    account = models.ForeignKey(
        "pipeline.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    status = models.CharField(max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    alliance = models.ForeignKey(
        "alliances.Alliance", null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    organization = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
        help_text="The partner the lead is routed to.",
    )
    rule = models.ForeignKey(
        LeadRoutingRule, null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    routing_reason = models.TextField(blank=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    response_due = models.DateField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    opportunity = models.ForeignKey(
        "pipeline.Opportunity", null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="leads_created"
    )

    policy = {"view": EVERYONE, "create": EDITORS, "change": EDITORS, "archive": EDITORS, "respond": EVERYONE}

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status"], name="pipeline_lead_org_idx"),
            models.Index(fields=["status", "response_due"], name="pipeline_lead_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="pipeline_lead_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.company_name

    def get_absolute_url(self) -> str:
        return reverse("pipeline:lead_detail", args=[self.pk])

    def clean(self) -> None:
        self.company_name = (self.company_name or "").strip()
        self.normalized_name = normalize_name(self.company_name)
        self.domain = normalize_domain(self.domain)
        self.country = (self.country or "").upper()
        if self.company_name and not self.normalized_name:
            raise ValidationError({"company_name": "The name needs more than a legal form or punctuation."})
        if self.country and (len(self.country) != 2 or not self.country.isalpha()):
            raise ValidationError({"country": "Use a two-letter ISO country code, e.g. NL."})

    @property
    def response_time(self):
        if self.routed_at and self.responded_at:
            return self.responded_at - self.routed_at
        return None

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(organization_id=organization_id)
