"""Meetings, decisions, action items and escalations."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import MemberRole
from amity.core.models import BaseModel

from .bodies import GovernanceBody
from .common import (
    ESCALATION_DAYS,
    MAX_YEAR,
    MIN_YEAR,
    ActionStatus,
    EscalationStatus,
    MeetingKind,
    MeetingStatus,
    _alliance_scoped,
    program_date,
    program_today,
)


class Meeting(BaseModel):
    """A governance meeting: QBR, pipeline review, executive alignment … with its agenda,
    attendees, minutes and status (planned → held / cancelled)."""

    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.CASCADE, related_name="meetings")
    body = models.ForeignKey(
        GovernanceBody, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.QBR)
    title = models.CharField(max_length=200)
    scheduled_start = models.DateTimeField("starts", help_text="In your time zone.")
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)", default=60, validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    location = models.CharField(
        "location or link", max_length=500, blank=True, help_text="A room, an address or a video-call link."
    )
    attendees = models.ManyToManyField("partners.Contact", blank=True, related_name="meetings_attended")
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)

    class Meta:
        ordering = ["-scheduled_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="governance_meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="governance_meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=24 * 60),
                name="governance_meeting_duration_range",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "scheduled_start"], name="governance_meeting_alliance"),
            models.Index(fields=["alliance", "kind", "status"], name="governance_meeting_kind"),
            models.Index(fields=["status", "scheduled_start"], name="governance_meeting_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.pk])

    @property
    def end(self) -> datetime:
        return self.scheduled_start + timedelta(minutes=self.duration_minutes)

    @property
    def day(self) -> date:
        return program_date(self.scheduled_start)

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    def clean(self) -> None:
        if self.scheduled_start is not None and timezone.is_naive(self.scheduled_start):
            raise ValidationError({"scheduled_start": "Give the time with its time zone."})
        if self.scheduled_start is not None and not MIN_YEAR <= self.scheduled_start.year <= MAX_YEAR:
            raise ValidationError({"scheduled_start": f"Choose a date between {MIN_YEAR} and {MAX_YEAR}."})
        if self.body_id and self.alliance_id and self.body.alliance_id != self.alliance_id:
            raise ValidationError({"body": "Choose a body of this alliance."})

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return _alliance_scoped(organization_id)


class Decision(BaseModel):
    """A decision taken in a meeting; decided on the meeting's date."""

    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    decided_on = models.DateField(editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "id"]
        indexes = [
            models.Index(fields=["meeting", "archived_at"], name="governance_decision_meeting"),
            models.Index(fields=["alliance", "decided_on"], name="governance_decision_alliance"),
        ]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:77] + "…"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.meeting_id]) + f"#decision-{self.pk}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return _alliance_scoped(organization_id)


# --- action items ----------------------------------------------------------------------------------


class ActionItem(BaseModel):
    """Something a named person of either side must do by a date (open → done / cancelled)."""

    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    title = models.CharField(max_length=250)
    notes = models.TextField(blank=True)
    owner = models.ForeignKey(
        "partners.Contact",
        on_delete=models.PROTECT,
        related_name="action_items",
        help_text="A person of one of the parties (either side).",
    )
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="governance_action_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=ActionStatus.DONE) & Q(completed_on__isnull=False))
                | (~Q(status=ActionStatus.DONE) & Q(completed_on__isnull=True)),
                name="governance_action_completed_when_done",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "status", "due_date"], name="governance_action_alliance"),
            models.Index(fields=["status", "due_date"], name="governance_action_due"),
            models.Index(fields=["meeting"], name="governance_action_meeting"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.meeting_id:
            return reverse("governance:meeting_detail", args=[self.meeting_id]) + f"#action-{self.pk}"
        return reverse("governance:alliance_governance", args=[self.alliance_id]) + f"#action-{self.pk}"

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == ActionStatus.OPEN and self.due_date < (today or program_today())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def days_overdue(self) -> int:
        return max(0, (program_today() - self.due_date).days) if self.overdue else 0

    @property
    def owner_side(self) -> str:
        return "ours" if self.owner.organization.is_home else "partner"

    def clean(self) -> None:
        if self.meeting_id and self.alliance_id and self.meeting.alliance_id != self.alliance_id:
            raise ValidationError({"meeting": "Choose a meeting of this alliance."})

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return _alliance_scoped(organization_id)


# --- escalations ------------------------------------------------------------------------------------


class Escalation(BaseModel):
    """An issue the alliance team could not settle, raised to a governance body or an executive
    sponsor for a decision (seed 000: top management arbitrates)."""

    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.CASCADE, related_name="escalations")
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True, help_text="The issue, the options and what each side wants.")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    raised_on = models.DateField(default=program_today)
    to_body = models.ForeignKey(
        GovernanceBody,
        verbose_name="escalated to body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
    )
    to_sponsor = models.ForeignKey(
        "alliances.AllianceMember",
        verbose_name="escalated to sponsor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
        help_text="An executive sponsor of this alliance.",
    )
    to_contact = models.ForeignKey(
        "partners.Contact",
        verbose_name="escalated to person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations_received",
    )
    status = models.CharField(max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    decision = models.TextField(blank=True, editable=False)
    decided_on = models.DateField(null=True, blank=True, editable=False)
    decided_by = models.CharField(max_length=200, blank=True, editable=False)
    decided_by_contact = models.ForeignKey(
        "partners.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations_decided",
        editable=False,
    )

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EscalationStatus.values), name="governance_escalation_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(to_body__isnull=False, to_sponsor__isnull=True, to_contact__isnull=True)
                    | Q(to_body__isnull=True, to_sponsor__isnull=False, to_contact__isnull=True)
                    | Q(to_body__isnull=True, to_sponsor__isnull=True, to_contact__isnull=False)
                ),
                name="governance_escalation_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(status=EscalationStatus.DECIDED)
                | (Q(decided_on__isnull=False) & ~Q(decision="")),
                name="governance_escalation_decided_has_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "status"], name="governance_escalation_alliance"),
            models.Index(fields=["status", "raised_on"], name="governance_escalation_open"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:escalation_detail", args=[self.pk])

    @property
    def target(self) -> object | None:
        return self.to_body or self.to_sponsor or self.to_contact

    @property
    def target_label(self) -> str:
        if self.to_body_id:
            return str(self.to_body)
        if self.to_sponsor_id:
            return f"{self.to_sponsor.contact} (executive sponsor)"
        if self.to_contact_id:
            return str(self.to_contact)
        return ""

    @property
    def decision_due(self) -> date:
        """Domain notes: executives have 30 days to resolve a deadlock."""
        return self.raised_on + timedelta(days=ESCALATION_DAYS)

    def age_days(self, today: date | None = None) -> int:
        end = self.decided_on if self.status == EscalationStatus.DECIDED and self.decided_on else None
        return max(0, ((end or today or program_today()) - self.raised_on).days)

    def is_overdue(self, today: date | None = None) -> bool:
        """Open for more than 30 days: the executives' time to resolve it has run out."""
        return self.status == EscalationStatus.OPEN and (today or program_today()) > self.decision_due

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def decider(self) -> str:
        return str(self.decided_by_contact) if self.decided_by_contact_id else self.decided_by

    def clean(self) -> None:
        targets = [t for t in (self.to_body_id, self.to_sponsor_id, self.to_contact_id) if t]
        if len(targets) != 1:
            raise ValidationError(
                {"to_body": "Escalate to exactly one governance body, executive sponsor or person."}
            )
        if self.alliance_id:
            if self.to_body_id and self.to_body.alliance_id != self.alliance_id:
                raise ValidationError({"to_body": "Choose a body of this alliance."})
            if self.to_sponsor_id:
                sponsor = self.to_sponsor
                if sponsor.alliance_id != self.alliance_id or sponsor.role != MemberRole.SPONSOR:
                    raise ValidationError({"to_sponsor": "Choose an executive sponsor of this alliance."})
        if self.decided_on and self.raised_on and self.decided_on < self.raised_on:
            raise ValidationError({"decided_on": "The decision cannot come before the escalation."})

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return _alliance_scoped(organization_id)
