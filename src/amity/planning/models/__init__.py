"""Joint planning: annual joint business plans with objectives and agreement by every side,
the partnership development roadmap (milestones with dependencies), joint initiatives with
the resources each side was asked for and assigned, and joint offerings (seed 000, 001, 002).

Every model is alliance-scoped: a partner user sees the rows of alliances their
organization is party to (``visible_alliance_ids``), nobody else's.
"""

from .common import (
    HUNDRED,
    NOT_NEGATIVE,
    QUARTERS,
    ZERO,
    _check_person,
    _check_side,
    day_label,
    number_label,
    party_organization_ids,
    percent,
)
from .plans import (
    PLAN_STATUS_ORDER,
    JointBusinessPlan,
    PlanAgreement,
    PlanObjective,
    PlanStatus,
    QuarterProgress,
    _quarter_field,
)
from .roadmap import (
    CLOSED_MILESTONE,
    InitiativeResource,
    InitiativeStatus,
    JointInitiative,
    JointOffering,
    Milestone,
    MilestoneCategory,
    MilestoneStatus,
    OfferingComponent,
    OfferingStatus,
    ResourceKind,
)

__all__ = [
    "ZERO",
    "HUNDRED",
    "QUARTERS",
    "NOT_NEGATIVE",
    "party_organization_ids",
    "_check_side",
    "_check_person",
    "day_label",
    "number_label",
    "percent",
    "PlanStatus",
    "PLAN_STATUS_ORDER",
    "JointBusinessPlan",
    "PlanAgreement",
    "QuarterProgress",
    "_quarter_field",
    "PlanObjective",
    "MilestoneCategory",
    "MilestoneStatus",
    "CLOSED_MILESTONE",
    "Milestone",
    "InitiativeStatus",
    "JointInitiative",
    "ResourceKind",
    "InitiativeResource",
    "OfferingStatus",
    "JointOffering",
    "OfferingComponent",
]
