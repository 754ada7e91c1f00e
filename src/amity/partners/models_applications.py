"""Applications to become a partner: submitted on the public page, vetted and decided by our
alliance managers. An approved application enters the alliance life cycle at *identify*: it
links to the partner organization, its contact and the new alliance that approval created.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.core.models import BaseModel
from amity.core.roles import EDITORS

from .models import CompanySize, PartnerKind

#: The longest free-text answer (characters).
MAX_TEXT = 5000


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    VETTING = "vetting", "Vetting"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


OPEN_APPLICATION = (ApplicationStatus.SUBMITTED, ApplicationStatus.VETTING)


class PartnerApplication(BaseModel):
    """A company's application to become a partner (from ``/become-a-partner/``).

    submitted → vetting → approved (organization, contact and an alliance in *identify*) or
    rejected (with a reason). Partner users never see applications; among our people only the
    editors (admins and alliance managers) do.
    """

    company_name = models.CharField("company name", max_length=200)
    website = models.URLField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. NL.")
    partner_kind = models.CharField("kind of partner", max_length=20, choices=PartnerKind.choices)
    size = models.CharField("company size", max_length=20, choices=CompanySize.choices)
    contact_first_name = models.CharField("first name", max_length=100)
    contact_last_name = models.CharField("last name", max_length=100)
    contact_email = models.EmailField("e-mail")
    contact_title = models.CharField("job title", max_length=150, blank=True)
    proposal = models.TextField(
        "what you propose", max_length=MAX_TEXT, help_text="What would we do together, for which customers?"
    )
    capabilities = models.TextField(
        max_length=MAX_TEXT,
        blank=True,
        help_text="One per line: products, services, certifications, markets.",
    )
    submitted_from = models.GenericIPAddressField(null=True, blank=True, editable=False)

    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    vetting_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vetting_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    vetting_notes = models.TextField(blank=True, help_text="What the vetting found (internal).")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    rejection_reason = models.TextField(blank=True)
    organization = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        editable=False,
    )
    contact = models.ForeignKey(
        "partners.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    alliance = models.ForeignKey(
        "alliances.Alliance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        editable=False,
    )

    policy = {"view": EDITORS, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "partner application"
        indexes = [
            models.Index(fields=["status", "created_at"], name="partner_application_status"),
            models.Index(fields=["submitted_from", "created_at"], name="partner_application_from"),
        ]
        constraints = [
            models.CheckConstraint(
                name="partner_application_rejected_has_reason",
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
            ),
            models.CheckConstraint(
                name="partner_application_approved_is_linked",
                condition=~Q(status="approved")
                | Q(organization__isnull=False, contact__isnull=False, alliance__isnull=False),
            ),
            # One application creates one alliance: approving twice cannot link a second one.
            models.UniqueConstraint(
                fields=["alliance"],
                condition=Q(alliance__isnull=False),
                name="partner_application_one_alliance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("partner_applications:application_detail", args=[self.pk])

    def clean(self) -> None:
        self.country = (self.country or "").upper().strip()
        if self.country and (len(self.country) != 2 or not self.country.isalpha()):
            from django.core.exceptions import ValidationError

            raise ValidationError({"country": "Use a two-letter ISO country code, e.g. NL."})

    @classmethod
    def internal_visibility(cls, user: Any) -> Q | None:
        # Executives and sales reps do not see applications (they are the editors' inbox).
        return None if getattr(user, "role", None) in EDITORS else Q(pk__in=[])

    @property
    def contact_name(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}".strip()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION

    @property
    def capability_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in (self.capabilities or "").splitlines() if line.strip(" -•\t")]
