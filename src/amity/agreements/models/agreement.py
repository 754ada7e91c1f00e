"""Agreements and their documents."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import Alliance, DataKind, shared_alliance_ids
from amity.core.models import BaseModel
from amity.core.money import amount_field, currency_field

# --- agreements ------------------------------------------------------------------------------


class AgreementKind(models.TextChoices):
    NDA = "nda", "NDA"
    MOU = "mou", "MoU"
    MASTER = "master", "Master alliance agreement"
    RESELLER = "reseller", "Reseller agreement"
    CO_MARKETING = "co_marketing", "Co-marketing agreement"
    SOW = "sow", "Statement of work (SOW)"
    MDF = "mdf", "MDF agreement"
    OTHER = "other", "Other"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    NEGOTIATING = "negotiating", "Negotiating"
    SIGNED = "signed", "Signed"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


#: Statuses in which an agreement binds the parties (notice deadlines and expiry matter).
IN_FORCE = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)


def notice_deadline_for(expiry_date: date | None, notice_period_days: int | None) -> date | None:
    """The last day to give notice: the expiry date minus the notice period (calendar days).

    90 days' notice before an expiry on 21 February 2027 is 23 November 2026; the year end
    and 29 February are ordinary days in this count.
    """
    if expiry_date is None or notice_period_days is None:
        return None
    return expiry_date - timedelta(days=notice_period_days)


#: Accepted document types, found by sniffing the content: MIME type → (extension, label).
DOCUMENT_TYPES: dict[str, tuple[str, str]] = {
    "application/pdf": ("pdf", "PDF"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx", "Word (DOCX)"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx", "Excel (XLSX)"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "pptx",
        "PowerPoint (PPTX)",
    ),
    "application/vnd.oasis.opendocument.text": ("odt", "OpenDocument text (ODT)"),
    "image/png": ("png", "PNG image"),
    "image/jpeg": ("jpg", "JPEG image"),
    "text/plain": ("txt", "plain text"),
    "text/csv": ("csv", "CSV"),
}


def document_upload_to(instance: AgreementDocument, filename: str) -> str:
    """Where an upload is stored: named by its SHA-256, never by the user's file name.

    ``filename`` is ignored. The extension is the one of the type found by sniffing the
    content, so a file is never stored under a name that claims another type. Content
    addressing also stores identical files once (rows are archived, files never deleted).
    """
    digest = instance.sha256
    return f"agreements/{digest[:2]}/{digest}.{instance.extension or 'bin'}"


class Agreement(BaseModel):
    """A legal agreement of an alliance: kind, parties, status, term, renewal, notice, terms, value."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AgreementKind.choices, default=AgreementKind.OTHER)
    parties = models.ManyToManyField(
        "partners.Organization",
        related_name="agreements",
        blank=True,
        help_text="The organizations that sign it; each must be a party of the alliance.",
    )
    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    signed_date = models.DateField(null=True, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(
        null=True, blank=True, help_text="The last day of the current term (empty: open-ended)."
    )
    terminated_date = models.DateField(null=True, blank=True, editable=False)
    auto_renew = models.BooleanField(
        "renews automatically",
        default=False,
        help_text="At expiry the term extends by the renewal term unless notice was given.",
    )
    renewal_term_months = models.PositiveSmallIntegerField(
        "renewal term (months)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    notice_period_days = models.PositiveSmallIntegerField(
        "notice period (days)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(3650)],
        help_text="Days before expiry by which a party must give notice (not to renew, or to end it).",
    )
    notice_deadline = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Computed: expiry date minus the notice period.",
    )
    exclusive = models.BooleanField("exclusivity", default=False)
    exclusivity_scope = models.CharField(
        max_length=300, blank=True, help_text="What is exclusive: territory, segment, product…"
    )
    ip_terms = models.TextField("IP ownership terms", blank=True)
    value = amount_field("value", null=True, blank=True, help_text="Contract value, if it has one.")
    currency = currency_field()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_agreements",
        help_text="Who watches its deadlines (else the alliance owner).",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["alliance", "-effective_date", "title", "id"]
        indexes = [
            models.Index(fields=["alliance", "status"], name="agreement_alliance_status"),
            models.Index(fields=["status", "notice_deadline"], name="agreement_status_notice"),
            models.Index(fields=["status", "expiry_date"], name="agreement_status_expiry"),
            models.Index(fields=["archived_at", "title"], name="agreement_active_title"),
        ]
        constraints = [
            models.CheckConstraint(
                name="agreement_expiry_after_effective",
                condition=Q(expiry_date__isnull=True)
                | Q(effective_date__isnull=True)
                | Q(expiry_date__gte=F("effective_date")),
            ),
            models.CheckConstraint(
                name="agreement_auto_renew_has_term",
                condition=Q(auto_renew=False) | Q(renewal_term_months__isnull=False),
            ),
            models.CheckConstraint(
                name="agreement_value_not_negative", condition=Q(value__isnull=True) | Q(value__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:agreement_detail", args=[self.pk])

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived, stored so lists, filters and the agenda can sort and select by it in SQL.
        self.notice_deadline = notice_deadline_for(self.expiry_date, self.notice_period_days)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "notice_deadline"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if self.effective_date and self.expiry_date and self.expiry_date < self.effective_date:
            errors["expiry_date"] = "The expiry date is before the effective date."
        if self.auto_renew and not self.renewal_term_months:
            errors["renewal_term_months"] = "An agreement that renews automatically needs a renewal term."
        if self.auto_renew and not self.expiry_date:
            errors["expiry_date"] = "An agreement that renews automatically needs an expiry date."
        if self.exclusivity_scope.strip() and not self.exclusive:
            errors["exclusivity_scope"] = "Tick exclusivity, or clear its scope."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=shared_alliance_ids(organization_id, DataKind.DOCUMENTS))

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE

    def days_to_notice(self, today: date | None = None) -> int | None:
        if self.notice_deadline is None:
            return None
        return (self.notice_deadline - (today or timezone.localdate())).days

    def notice_state(self, today: date | None = None) -> str:
        """'passed', 'soon' (within ``AMITY_REMINDER_DAYS``) or '' - for highlighting."""
        days = self.days_to_notice(today)
        if days is None or not self.in_force:
            return ""
        if days < 0:
            return "passed"
        if days <= settings.AMITY_REMINDER_DAYS:
            return "soon"
        return ""


class AgreementDocument(BaseModel):
    """A file attached to an agreement: stored under a random name, type sniffed from content."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=255, help_text="The name the file was uploaded with.")
    extension = models.CharField(max_length=10, help_text="From the sniffed type, not the name.")
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=120, help_text="Found by sniffing the content.")
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "-created_at", "-id"]
        indexes = [models.Index(fields=["agreement", "archived_at"], name="agreementdoc_agreement")]
        constraints = [
            models.CheckConstraint(
                name="agreementdoc_sha256_length", condition=Q(sha256__regex=r"^[0-9a-f]{64}$")
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return self.agreement.get_absolute_url()

    def get_download_url(self) -> str:
        return reverse("agreements:document_download", args=[self.agreement_id, self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        # Partners download only live documents of live agreements of their own alliances.
        return Q(
            archived_at__isnull=True,
            agreement__archived_at__isnull=True,
            agreement__alliance_id__in=shared_alliance_ids(organization_id, DataKind.DOCUMENTS),
        )

    @property
    def type_label(self) -> str:
        return DOCUMENT_TYPES.get(self.content_type, (self.extension, self.content_type))[1]

    @property
    def icon(self) -> str:
        return {
            "pdf": "bi-file-earmark-pdf",
            "docx": "bi-file-earmark-word",
            "odt": "bi-file-earmark-text",
            "xlsx": "bi-file-earmark-excel",
            "pptx": "bi-file-earmark-slides",
            "png": "bi-file-earmark-image",
            "jpg": "bi-file-earmark-image",
            "csv": "bi-filetype-csv",
        }.get(self.extension, "bi-file-earmark")

    @property
    def download_name(self) -> str:
        """The original name, with the sniffed extension when the name lacks it."""
        name = self.original_name or f"document.{self.extension}"
        if self.extension and not name.lower().endswith("." + self.extension):
            name = f"{name}.{self.extension}"
        return name


# --- commitments -----------------------------------------------------------------------------
