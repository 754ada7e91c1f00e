"""Joint governance of an alliance: bodies, cadence rules, meetings, decisions, action items
and escalations.

Domain notes: three layers - an executive steering committee meeting quarterly, an alliance
management team, operational teams below; deadlocks go to the executives, who have 30 days
to resolve them. Seed 000: top management arbitrates between short-term alliance decisions
and long-term strategic interests.

Every model here belongs to one alliance, so a partner user sees the rows of the alliances
their organization is party to (``visible_alliance_ids``) and nothing else.
"""

from .bodies import BodyMember, Cadence, CadenceTemplate, GovernanceBody, _interval_field
from .common import (
    ESCALATION_DAYS,
    MAX_INTERVAL_MONTHS,
    MAX_YEAR,
    MIN_YEAR,
    ActionStatus,
    BodyKind,
    BodyRole,
    EscalationStatus,
    MeetingKind,
    MeetingStatus,
    _alliance_scoped,
    program_date,
    program_today,
)
from .meetings import ActionItem, Decision, Escalation, Meeting

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "ESCALATION_DAYS",
    "MAX_INTERVAL_MONTHS",
    "program_date",
    "program_today",
    "BodyKind",
    "MeetingKind",
    "MeetingStatus",
    "ActionStatus",
    "EscalationStatus",
    "BodyRole",
    "_alliance_scoped",
    "GovernanceBody",
    "BodyMember",
    "_interval_field",
    "CadenceTemplate",
    "Cadence",
    "Meeting",
    "Decision",
    "ActionItem",
    "Escalation",
]
