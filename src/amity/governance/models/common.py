"""Governance choices and shared helpers."""

from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from amity.alliances.models import DataKind, shared_alliance_ids

#: Domain notes: executives have 30 days to resolve a deadlock.
ESCALATION_DAYS = 30
MAX_INTERVAL_MONTHS = 36
#: Meetings happen in these years; outside them date arithmetic and time zones break down.
MIN_YEAR, MAX_YEAR = 1900, 2999


def program_date(moment: datetime) -> date:
    """The calendar day of an aware moment in the program's time zone (``TIME_ZONE``).

    Due dates are program facts, the same for every viewer, so they use the configured
    zone rather than whichever zone is active for the person looking.
    """
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def program_today() -> date:
    """Today in the program's time zone."""
    return program_date(timezone.now())


class BodyKind(models.TextChoices):
    STEERING = "steering", "Executive steering group"
    OPERATING = "operating", "Joint operating team"
    WORKING = "working", "Working group"
    OTHER = "other", "Other"


class MeetingKind(models.TextChoices):
    QBR = "qbr", "Quarterly business review"
    PIPELINE = "pipeline", "Pipeline review"
    EXECUTIVE = "executive", "Executive alignment"
    STEERING = "steering", "Steering group meeting"
    OPERATING = "operating", "Operating team meeting"
    OTHER = "other", "Other"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Awaiting decision"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class BodyRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"


def _alliance_scoped(organization_id: int) -> Q:
    return Q(alliance_id__in=shared_alliance_ids(organization_id, DataKind.GOVERNANCE))


# --- bodies ----------------------------------------------------------------------------------
