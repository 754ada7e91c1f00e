"""Instruments (versioned questionnaires synced from YAML files in the repository), assessments
of an alliance with one instrument, and each respondent's answers.

* An :class:`Instrument` is one version of a YAML file under ``assessments/instruments/``; its
  :class:`InstrumentItem` rows are the items. A version that has answers is never changed: a
  changed file must carry a new version number (``amity instruments sync`` says so).
* An :class:`Assessment` is one wave of an instrument on one alliance; when it is two-sided,
  the partner's people answer the same items.
* A :class:`Response` is one person's answers (:class:`Answer` per item), on our side or the
  partner's. Scores and the perception gap are computed from the answers (``scoring.py``),
  never stored, so every number can be recomputed and shown with its calculation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.core.models import BaseModel
from amity.core.roles import EDITORS, EVERYONE, INTERNAL_ROLES, Role


class InstrumentKind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    HEALTH = "health", "Alliance health check"
    BENCHMARK = "benchmark", "Best-practice benchmark"


class Instrument(BaseModel):
    key = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=InstrumentKind.choices, default=InstrumentKind.ASSESSMENT)
    description = models.TextField(blank=True)
    two_sided = models.BooleanField(default=False, help_text="The partner's people answer the same items.")
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=5)
    scale_labels = models.JSONField(default=dict, blank=True)
    dimensions = models.JSONField(default=list, help_text="[{key, name, weight, description}] in order.")
    source = models.CharField(max_length=200, help_text="The YAML file it was synced from.")
    sha256 = models.CharField(max_length=64)
    active = models.BooleanField(default=True, help_text="Only the newest version of a file is active.")

    policy = {"view": EVERYONE, "create": frozenset(), "change": frozenset(), "archive": frozenset()}

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="assessments_instrument_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:instrument_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q()  # the questions are not secret

    def dimension_names(self) -> dict[str, str]:
        return {d["key"]: d["name"] for d in self.dimensions}


class ItemType(models.TextChoices):
    SCALE = "scale", "Rating on the scale"
    TENSION = "tension", "Tension: where the alliance stands and where you want it"


class InstrumentItem(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=60)
    dimension = models.SlugField(max_length=60)
    order = models.PositiveIntegerField()
    type = models.CharField(max_length=10, choices=ItemType.choices, default=ItemType.SCALE)
    text = models.TextField()
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=3, default=1)
    reverse = models.BooleanField(default=False, help_text="A high answer is a bad sign.")
    poles = models.JSONField(default=list, blank=True, help_text="Tension items: the two ends of the scale.")
    indicator = models.CharField(
        max_length=60, blank=True, help_text="Computed from Amity's data beside the answers."
    )
    stage = models.CharField(max_length=30, blank=True, help_text="Benchmark items: the life-cycle stage.")

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "key"], name="assessments_item_key")]

    def __str__(self) -> str:
        return self.key


class AssessmentStatus(models.TextChoices):
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"


class Assessment(BaseModel):
    """One wave of an instrument on one alliance."""

    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.PROTECT, related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    wave = models.CharField(max_length=60, help_text='e.g. "H1 2026"')
    opened_on = models.DateField()
    closes_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN)
    two_sided = models.BooleanField(default=False, help_text="Partner users of the alliance may answer.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A wave of the strategic-review instrument mirrors one StrategicReview (strategic_review.py).
    # PROTECT: reviews are archived, never deleted, and a mirror left behind without its review
    # (SET_NULL) could never be traced or re-mirrored; CASCADE could not work anyway, because the
    # mirror's response protects the assessment.
    review = models.OneToOneField(
        "alliances.StrategicReview",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment",
        editable=False,
        help_text="The strategic review this wave mirrors (strategic-review instrument only).",
    )

    policy = {"view": EVERYONE, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "instrument", "wave"],
                condition=Q(archived_at__isnull=True),
                name="assessments_one_wave_per_instrument",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name} · {self.alliance} · {self.wave}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:assessment_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        from amity.alliances.models import DataKind, shared_alliance_ids

        return Q(two_sided=True, alliance_id__in=shared_alliance_ids(organization_id, DataKind.ASSESSMENTS))


class Side(models.TextChoices):
    OURS = "ours", "Our side"
    PARTNER = "partner", "Partner side"


class Response(BaseModel):
    """One person's answers to one assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responses"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    policy = {
        "view": EVERYONE,
        "create": INTERNAL_ROLES | {Role.PARTNER},
        "change": EVERYONE,
        "archive": EDITORS,
    }

    class Meta:
        ordering = ["assessment", "side", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent"],
                condition=Q(archived_at__isnull=True),
                name="assessments_one_response_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.respondent} · {self.assessment}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        # A partner sees its own people's answers; ours only as aggregated scores (``scoring``).
        return Q(organization_id=organization_id, assessment__two_sided=True)


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: not applicable / don't know."
    )
    want = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Tension items: where this side wants the alliance to be."
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="assessments_one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item.key}={self.value}"
