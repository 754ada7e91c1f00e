"""Organizations (our own company and the partners) and their contacts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.core.models import BaseModel


class PartnerKind(models.TextChoices):
    ISV = "isv", "ISV"
    VAR = "var", "VAR (value-added reseller)"
    SI = "si", "System integrator"
    MSP = "msp", "Managed service provider"
    DISTRIBUTOR = "distributor", "Distributor"
    TECHNOLOGY = "technology", "Technology"
    CONSULTING = "consulting", "Consulting"
    RESEARCH = "research", "Research"
    OTHER = "other", "Other"


#: Kinds that seed 001 calls tactical channel partners ("resell as is").
CHANNEL_KINDS = frozenset(
    {PartnerKind.ISV, PartnerKind.VAR, PartnerKind.SI, PartnerKind.MSP, PartnerKind.DISTRIBUTOR}
)


class CompanySize(models.TextChoices):
    MICRO = "1-49", "1–49 employees"
    SMALL = "50-249", "50–249 employees"
    MEDIUM = "250-999", "250–999 employees"
    LARGE = "1000-4999", "1,000–4,999 employees"
    ENTERPRISE = "5000+", "5,000+ employees"


def partner_org_ids(organization_id: int) -> models.QuerySet:
    """Ids of organizations a partner user may see: their own, ours, and co-parties."""
    from amity.alliances.models import AllianceParty, visible_alliance_ids

    return AllianceParty.objects.filter(
        alliance_id__in=visible_alliance_ids(organization_id), archived_at__isnull=True
    ).values("organization_id")


class Organization(BaseModel):
    """A company: our own (``is_home``) or a partner, prospect or consortium member."""

    name = models.CharField(max_length=200, unique=True)
    is_home = models.BooleanField(default=False, help_text="Our own company - the one running this Amity.")
    partner_kind = models.CharField(max_length=20, choices=PartnerKind.choices, default=PartnerKind.OTHER)
    website = models.URLField(blank=True)
    domain = models.CharField(max_length=253, blank=True, db_index=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code, e.g. NL.")
    industry = models.CharField(max_length=100, blank=True)
    size = models.CharField(max_length=20, choices=CompanySize.choices, blank=True)
    description = models.TextField(blank=True)
    capabilities = models.TextField(blank=True, help_text="One capability per line.")
    strengths = models.TextField(blank=True, help_text="One per line.")
    weaknesses = models.TextField(blank=True, help_text="One per line.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_home"], condition=Q(is_home=True), name="partners_one_home_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:organization_detail", args=[self.pk])

    def clean(self) -> None:
        self.country = (self.country or "").upper()
        self.domain = (self.domain or "").lower().strip().removeprefix("www.")
        if self.country and (len(self.country) != 2 or not self.country.isalpha()):
            from django.core.exceptions import ValidationError

            raise ValidationError({"country": "Use a two-letter ISO country code, e.g. NL."})

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(pk=organization_id) | Q(is_home=True) | Q(pk__in=partner_org_ids(organization_id))

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]

    @property
    def capability_list(self) -> list[str]:
        return self.lines(self.capabilities)

    @property
    def strength_list(self) -> list[str]:
        return self.lines(self.strengths)

    @property
    def weakness_list(self) -> list[str]:
        return self.lines(self.weaknesses)


class ContactFunction(models.TextChoices):
    EXECUTIVE = "executive", "Executive"
    ALLIANCES = "alliances", "Alliances / partnerships"
    SALES = "sales", "Sales"
    MARKETING = "marketing", "Marketing"
    TECHNICAL = "technical", "Technical / product"
    OPERATIONS = "operations", "Operations"
    FINANCE = "finance", "Finance"
    LEGAL = "legal", "Legal"
    OTHER = "other", "Other"


class Contact(BaseModel):
    """A person at an organization - executive sponsors and joint team members are contacts."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contacts")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    title = models.CharField(max_length=150, blank=True)
    function = models.CharField(max_length=20, choices=ContactFunction.choices, default=ContactFunction.OTHER)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["organization", "last_name"], name="partners_contact_org_name")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def get_absolute_url(self) -> str:
        return reverse("partners:contact_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return (
            Q(organization_id=organization_id)
            | Q(organization__is_home=True)
            | Q(organization_id__in=partner_org_ids(organization_id))
        )


class CredentialKind(models.TextChoices):
    CERTIFICATION = "certification", "Certification"
    TRAINING = "training", "Training completed"


class Certification(BaseModel):
    """A training or certification a partner person holds (course, date, expiry).

    Tier rules count the people with a valid certification (fact ``certified_people``), and the
    technical dimension of the scorecard has a KPI over them.
    """

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="certifications")
    kind = models.CharField(
        max_length=20, choices=CredentialKind.choices, default=CredentialKind.CERTIFICATION
    )
    course = models.CharField(
        max_length=200, help_text="The course or certification, e.g. Integration Architect."
    )
    issuer = models.CharField(
        max_length=200, blank=True, help_text="Who certified it (us, the partner, a body)."
    )
    completed_on = models.DateField(help_text="The day it was passed or completed.")
    expires_on = models.DateField(null=True, blank=True, help_text="Empty: does not expire.")
    credential_id = models.CharField("credential ID", max_length=100, blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["contact", "expires_on"], name="partners_cert_contact")]
        constraints = [
            models.CheckConstraint(
                name="partners_cert_dates_in_order",
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("completed_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} - {self.contact}"

    def clean(self) -> None:
        if self.expires_on and self.completed_on and self.expires_on < self.completed_on:
            from django.core.exceptions import ValidationError

            raise ValidationError({"expires_on": "The expiry date is before the completion date."})

    def valid_on(self, day) -> bool:
        return self.completed_on <= day and (self.expires_on is None or self.expires_on >= day)

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(contact__organization_id=organization_id)


from .models_applications import ApplicationStatus, PartnerApplication  # noqa: E402, F401
