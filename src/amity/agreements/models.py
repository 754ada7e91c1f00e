"""Agreements, their documents, and the commitments register (seed 002: flexibility vs commitment).

An *agreement* is the legal framework of an alliance ("flexible yet contractual", seed 000):
NDA, MoU, master alliance agreement, reseller, co-marketing, SOW or MDF agreement, with its
term, renewal, notice period, exclusivity and IP terms. A *commitment* is what one party
promised to put in: **hard** when an agreement binds it, **soft** when it comes from an annual
plan, an executive handshake or a one-off project. All of them are alliance-scoped: a partner
user sees the agreements and commitments of the alliances their organization is party to.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import Alliance, visible_alliance_ids
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
        return Q(alliance_id__in=visible_alliance_ids(organization_id))

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
            agreement__alliance_id__in=visible_alliance_ids(organization_id),
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


class Nature(models.TextChoices):
    HARD = "hard", "Hard (contractual)"
    SOFT = "soft", "Soft"


class SoftSource(models.TextChoices):
    ANNUAL_PLAN = "annual_plan", "Annual plan"
    HANDSHAKE = "handshake", "Executive handshake"
    PROJECT = "project", "One-off project"


class Category(models.TextChoices):
    FUNDING = "funding", "Funding"
    HEADCOUNT = "headcount", "Headcount"
    MARKETING = "marketing", "Marketing investment"
    ROADMAP = "roadmap", "Roadmap item"
    INTEGRATION = "integration", "Integration"
    CERTIFICATION = "certification", "Certification"
    REVENUE = "revenue", "Revenue target"
    OTHER = "other", "Other"


class CommitmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    IN_PROGRESS = "in_progress", "In progress"
    MET = "met", "Met"
    MISSED = "missed", "Missed"
    WAIVED = "waived", "Waived"
    RENEGOTIATED = "renegotiated", "Renegotiated"


#: Still to be delivered: these count as overdue once their due date has passed.
OPEN_STATUSES = (CommitmentStatus.PROPOSED, CommitmentStatus.AGREED, CommitmentStatus.IN_PROGRESS)
#: Closed with a verdict on delivery: the met-on-time rate is computed over these.
JUDGED_STATUSES = (CommitmentStatus.MET, CommitmentStatus.MISSED)
#: What a party has committed (counted in the contribution balance and the hard/soft mix):
#: proposals are not commitments yet; waived ones were released; renegotiated ones were
#: replaced by their successor, which is counted instead.
COMMITTED_STATUSES = (
    CommitmentStatus.AGREED,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.MET,
    CommitmentStatus.MISSED,
)
#: Units whose quantities add up to headcount in the contribution balance (case-insensitive).
HEADCOUNT_UNITS = ("fte", "ftes", "headcount", "people", "persons")


def headcount_q(prefix: str = "") -> Q:
    unit = Q()
    for name in HEADCOUNT_UNITS:
        unit |= Q(**{f"{prefix}unit__iexact": name})
    return Q(**{f"{prefix}quantity__isnull": False}) & unit


class Commitment(BaseModel):
    """What one party of an alliance committed to put in, by when, and whether it delivered."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="commitments")
    party = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name="committing party",
        help_text="The organization that committed; a party of the alliance.",
    )
    nature = models.CharField(max_length=10, choices=Nature.choices, default=Nature.SOFT)
    soft_source = models.CharField(
        "source", max_length=20, choices=SoftSource.choices, blank=True, help_text="Soft commitments only."
    )
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text="Hard commitments only: the agreement that binds it.",
    )
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="How many, with the unit (e.g. 2 FTE, 10 certified consultants).",
    )
    unit = models.CharField(max_length=30, blank=True, help_text="FTE or headcount count as headcount.")
    amount = amount_field("amount", null=True, blank=True, help_text="An amount of money, if it is one.")
    currency = currency_field()
    due_date = models.DateField()
    owner_contact = models.ForeignKey(
        "partners.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_commitments",
        verbose_name="owner",
        help_text="The person of the committing party who delivers it.",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watched_commitments",
        verbose_name="internal owner",
        help_text="Who follows it up on our side (reminders go to them, else the alliance owner).",
    )
    status = models.CharField(
        max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.PROPOSED
    )
    met_on = models.DateField(null=True, blank=True, editable=False)
    evidence = models.TextField(blank=True, help_text="What shows it was met (or why not).")
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        editable=False,
        help_text="The commitment this one renegotiated.",
    )

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["alliance", "status", "due_date"], name="commitment_alliance_status"),
            models.Index(fields=["status", "due_date"], name="commitment_status_due"),
            models.Index(fields=["party", "status"], name="commitment_party_status"),
            models.Index(fields=["archived_at", "due_date"], name="commitment_active_due"),
        ]
        constraints = [
            models.CheckConstraint(
                name="commitment_has_quantity_or_amount",
                condition=Q(quantity__isnull=False) | Q(amount__isnull=False),
            ),
            models.CheckConstraint(
                name="commitment_unit_with_quantity",
                condition=Q(quantity__isnull=True, unit="") | (Q(quantity__isnull=False) & ~Q(unit="")),
            ),
            models.CheckConstraint(
                name="commitment_hard_has_agreement",
                condition=~Q(nature="hard") | Q(agreement__isnull=False),
            ),
            models.CheckConstraint(
                name="commitment_soft_has_source",
                condition=~Q(nature="soft") | ~Q(soft_source=""),
            ),
            models.CheckConstraint(
                name="commitment_met_has_date", condition=~Q(status="met") | Q(met_on__isnull=False)
            ),
            models.CheckConstraint(
                name="commitment_amounts_not_negative",
                condition=(Q(amount__isnull=True) | Q(amount__gte=0))
                & (Q(quantity__isnull=True) | Q(quantity__gte=0)),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:commitment_detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if self.quantity is None and self.amount is None:
            errors["quantity"] = "Give a quantity with its unit, or an amount of money (or both)."
        if self.quantity is not None and not self.unit.strip():
            errors["unit"] = "Say what the quantity counts, e.g. FTE, consultants, integrations."
        if self.quantity is None and self.unit.strip():
            errors["quantity"] = f"Give the number of {self.unit.strip()}, or clear the unit."
        if self.nature == Nature.HARD:
            if not self.agreement_id:
                errors["agreement"] = "A hard commitment is tied to an agreement: choose it."
            if self.soft_source:
                errors["soft_source"] = "Only soft commitments have a source; a hard one has its agreement."
        elif self.nature == Nature.SOFT:
            if not self.soft_source:
                errors["soft_source"] = (
                    "Say where this soft commitment comes from: annual plan, executive handshake "
                    "or one-off project."
                )
            if self.agreement_id:
                errors["agreement"] = (
                    "A soft commitment is not bound by an agreement: make it hard, or clear it."
                )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance_id__in=visible_alliance_ids(organization_id))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue_on(self, today: date) -> bool:
        return self.is_open and self.due_date < today

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    @property
    def days_overdue(self) -> int:
        return max(0, (timezone.localdate() - self.due_date).days) if self.is_open else 0

    @property
    def met_on_time(self) -> bool | None:
        if self.status != CommitmentStatus.MET or self.met_on is None:
            return None
        return self.met_on <= self.due_date

    @property
    def is_headcount(self) -> bool:
        return self.quantity is not None and self.unit.strip().lower() in HEADCOUNT_UNITS

    @property
    def source_label(self) -> str:
        """'Hard · <agreement>' or 'Soft · annual plan' …"""
        if self.nature == Nature.HARD:
            return "Hard (contractual)"
        return f"Soft · {self.get_soft_source_display().lower()}" if self.soft_source else "Soft"
