"""CRM imports started from the UI or the API, run by the background worker.

An :class:`ImportJob` keeps the uploaded file, the detected (or chosen) layout and column
mapping shown in the preview, the progress the worker reports while it streams the file, the
counts at the end and the rejected-rows report (CSV). Only internal editors import; partner
users never see import jobs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.core.models import BaseModel
from amity.core.roles import EDITORS, INTERNAL_ROLES


class ImportKind(models.TextChoices):
    ACCOUNTS = "accounts", "Accounts"
    OPPORTUNITIES = "opportunities", "Opportunities"


class ImportFormat(models.TextChoices):
    AUTO = "", "Detect from the columns"
    SALESFORCE = "salesforce", "Salesforce export"
    HUBSPOT = "hubspot", "HubSpot export"
    CSV = "csv", "Amity CSV"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Waiting for confirmation"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


#: Statuses after which a job never changes again.
FINISHED_IMPORT_STATUSES = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ImportJob(BaseModel):
    """One upload of a CRM export: preview → confirm → run in the background → report."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    format = models.CharField(
        max_length=20, choices=ImportFormat.choices, blank=True, help_text="Empty: detected from the columns."
    )
    detected_format = models.CharField(max_length=20, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=40, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    mapping = models.JSONField(
        default=dict, blank=True, help_text="Column → field, as detected or as the user changed it."
    )
    preview = models.JSONField(default=dict, blank=True, help_text="Header, sample rows and warnings.")
    alliance = models.ForeignKey(
        "alliances.Alliance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        help_text="Link imported opportunities to this alliance.",
    )
    dry_run = models.BooleanField(default=False, help_text="Validate every row, write nothing.")
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    bytes_read = models.PositiveBigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    error_report = models.FileField(upload_to="imports/errors/%Y/%m/", max_length=255, blank=True)
    message = models.TextField(blank=True, help_text="Why the file could not be imported at all.")

    policy = {"view": INTERNAL_ROLES, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="pipeline_import_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("pipeline:import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_IMPORT_STATUSES

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.size:
            return 0
        return min(99, int(self.bytes_read * 100 / self.size))

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q | None:
        return None
