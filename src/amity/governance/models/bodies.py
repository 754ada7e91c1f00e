"""Governance bodies, their members, and cadence rules."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.alliances.models import DataKind, shared_alliance_ids
from amity.core.models import BaseModel
from amity.core.roles import ADMINS, INTERNAL_ROLES

from .common import (
    MAX_INTERVAL_MONTHS,
    BodyKind,
    BodyRole,
    MeetingKind,
    _alliance_scoped,
)


class GovernanceBody(BaseModel):
    """A standing body of an alliance - e.g. its executive steering group or joint operating
    team - with members from both sides."""

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.CASCADE, related_name="governance_bodies"
    )
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=BodyKind.choices, default=BodyKind.OPERATING)
    purpose = models.TextField(blank=True, help_text="What the body decides and how often it meets.")

    class Meta:
        ordering = ["alliance", "kind", "name"]
        verbose_name = "governance body"
        verbose_name_plural = "governance bodies"
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "name"],
                condition=Q(archived_at__isnull=True),
                name="governance_body_unique_name",
            ),
            models.CheckConstraint(condition=Q(kind__in=BodyKind.values), name="governance_body_kind_valid"),
        ]
        indexes = [models.Index(fields=["alliance", "archived_at"], name="governance_body_alliance")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:alliance_governance", args=[self.alliance_id]) + f"#body-{self.pk}"

    def clean(self) -> None:
        if self.alliance_id and self.name and self.archived_at is None:
            twins = GovernanceBody.objects.filter(
                alliance_id=self.alliance_id, name__iexact=self.name.strip(), archived_at__isnull=True
            ).exclude(pk=self.pk)
            if twins.exists():
                raise ValidationError({"name": "This alliance already has a body with this name."})

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return _alliance_scoped(organization_id)


class BodyMember(BaseModel):
    """A contact of one of the alliance's parties sitting on a governance body."""

    body = models.ForeignKey(GovernanceBody, on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey("partners.Contact", on_delete=models.PROTECT, related_name="governance_seats")
    role = models.CharField(max_length=10, choices=BodyRole.choices, default=BodyRole.MEMBER)

    class Meta:
        ordering = ["body", "role", "contact__last_name", "id"]
        verbose_name = "body member"
        constraints = [
            models.UniqueConstraint(fields=["body", "contact"], name="governance_body_member_unique"),
            models.CheckConstraint(
                condition=Q(role__in=BodyRole.values), name="governance_body_member_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["contact"], name="governance_member_contact")]

    def __str__(self) -> str:
        return f"{self.contact} ({self.get_role_display().lower()}) on {self.body}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(body__alliance_id__in=shared_alliance_ids(organization_id, DataKind.GOVERNANCE))


# --- cadences ---------------------------------------------------------------------------------


def _interval_field() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        "every (months)",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_INTERVAL_MONTHS)],
        help_text="How many months between two meetings of this kind (1 = monthly, 3 = quarterly).",
    )


class CadenceTemplate(BaseModel):
    """A program-wide default rhythm (QBR every 3 months, …) that alliances adopt as cadences.

    Rules are data: installed by a data migration, edited in the admin.
    """

    name = models.CharField(max_length=120, unique=True)
    meeting_kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    interval_months = _interval_field()
    body_kind = models.CharField(
        max_length=20,
        choices=BodyKind.choices,
        blank=True,
        help_text="Attach the cadence to the alliance's body of this kind, when it has one.",
    )
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    policy = {"view": INTERNAL_ROLES, "create": ADMINS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=1) & Q(interval_months__lte=MAX_INTERVAL_MONTHS),
                name="governance_template_interval_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Cadence(BaseModel):
    """How often an alliance holds one kind of meeting; the next due date is computed.

    Next due = the last *held* meeting of this kind (of this body, when one is named) plus
    the interval; with none held yet, the alliance's start date plus the interval (or the day
    the cadence was set up, when the alliance has no start date).
    """

    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.CASCADE, related_name="cadences")
    template = models.ForeignKey(
        CadenceTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadences",
        editable=False,
        help_text="The program default this cadence was created from.",
    )
    meeting_kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    interval_months = _interval_field()
    body = models.ForeignKey(
        GovernanceBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cadences",
        help_text="Optional: only meetings of this body count.",
    )
    active = models.BooleanField(default=True, help_text="Inactive cadences are never due.")
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["alliance", "interval_months", "meeting_kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=1) & Q(interval_months__lte=MAX_INTERVAL_MONTHS),
                name="governance_cadence_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(meeting_kind__in=MeetingKind.values), name="governance_cadence_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "archived_at"], name="governance_cadence_alliance"),
            models.Index(fields=["active", "archived_at"], name="governance_cadence_active"),
        ]

    def __str__(self) -> str:
        return f"{self.get_meeting_kind_display()} {self.rhythm}"

    @property
    def rhythm(self) -> str:
        n = self.interval_months
        return {1: "monthly", 3: "quarterly", 6: "every six months", 12: "yearly"}.get(n, f"every {n} months")

    def get_absolute_url(self) -> str:
        return reverse("governance:alliance_governance", args=[self.alliance_id]) + f"#cadence-{self.pk}"

    def clean(self) -> None:
        if self.body_id and self.alliance_id and self.body.alliance_id != self.alliance_id:
            raise ValidationError({"body": "Choose a body of this alliance."})
        if self.alliance_id and self.meeting_kind:
            twins = Cadence.objects.filter(
                alliance_id=self.alliance_id,
                meeting_kind=self.meeting_kind,
                body_id=self.body_id,
                archived_at__isnull=True,
            ).exclude(pk=self.pk)
            if self.archived_at is None and twins.exists():
                raise ValidationError(
                    {"meeting_kind": "This alliance already has a cadence for this kind of meeting."}
                )

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return _alliance_scoped(organization_id)


# --- meetings and decisions ---------------------------------------------------------------------
