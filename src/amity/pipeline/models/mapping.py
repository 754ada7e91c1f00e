"""Account-mapping runs with a partner, in shared or private mode (docs/account-mapping.md).

A :class:`MappingRun` records one mapping of our accounts against one partner's, within an
alliance:

* **shared** - both lists are in Amity; the run stores the overlap matrix and, when the
  alliance shares them, the matched accounts.
* **private** - ECDH private set intersection. When *we* start, the run keeps our request
  (sent to the partner) and our secret state (never leaves this server), then the partner's
  response; finishing stores the matrix. When the *partner* starts, we store their request
  and our response (which they finish on their side): we learn nothing but counts they send.

Visibility: internal users see every run; a partner user sees the runs with their own
organization (the counts, never our non-matching accounts).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.core.models import BaseModel
from amity.core.roles import EDITORS, EVERYONE


class MappingMode(models.TextChoices):
    SHARED = "shared", "Shared (both lists in Amity)"
    PRIVATE = "private", "Private (private set intersection)"


class MappingRole(models.TextChoices):
    INITIATOR = "initiator", "We started it"
    RESPONDER = "responder", "The partner started it"


class MappingStatus(models.TextChoices):
    REQUESTED = "requested", "Request sent, waiting for the partner's response"
    RESPONDED = "responded", "Response sent to the partner"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class MappingRun(BaseModel):
    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.PROTECT, related_name="mapping_runs")
    partner = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="mapping_runs",
        help_text="The partner organization whose accounts are mapped against ours.",
    )
    mode = models.CharField(max_length=20, choices=MappingMode.choices)
    role = models.CharField(max_length=20, choices=MappingRole.choices, default=MappingRole.INITIATOR)
    status = models.CharField(max_length=20, choices=MappingStatus.choices, default=MappingStatus.REQUESTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mapping_runs"
    )
    reveal_matches = models.BooleanField(
        default=False, help_text="Show the matched accounts, not only the counts (both sides must agree)."
    )
    our_count = models.PositiveIntegerField(default=0)
    their_count = models.PositiveIntegerField(null=True, blank=True)
    request_file = models.FileField(upload_to="mapping/%Y/%m/", max_length=255, blank=True)
    state_file = models.FileField(
        upload_to="mapping/private/%Y/%m/", max_length=255, blank=True, help_text="Our secret; never sent."
    )
    response_file = models.FileField(upload_to="mapping/%Y/%m/", max_length=255, blank=True)
    matrix = models.JSONField(default=dict, blank=True, help_text="Overlap counts by status pair.")
    matches = models.JSONField(default=list, blank=True, help_text="Matched accounts, when revealed.")
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)

    policy = {"view": EVERYONE, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["alliance", "partner"], name="pipeline_mapping_alliance_idx")]

    def __str__(self) -> str:
        return f"{self.get_mode_display().split(' (')[0]} mapping with {self.partner}"

    def get_absolute_url(self) -> str:
        return reverse("pipeline:mapping_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(partner_id=organization_id)
