"""REST API of the re-tier review and the tier history (internal users; partners get 404).

Registered on the router of ``alliances.api`` (imported at its end). The writes are in
``tiering``.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from amity.core.api import READ_ERRORS, WRITE_ERRORS, InputSchema, Page, Text, acting_user, get_visible
from amity.core.permissions import require_internal

from . import selectors, tiering
from .api import TierRef, router
from .models import Alliance, ProposalStatus, TierChange, TierProposal, TierReview

#: Why anyone but our own people is refused here.
INTERNAL = "Re-tier reviews are for internal users only."

TAGS = ["tiers"]


class ClauseOut(Schema):
    text: str
    actual: Any = Field(None, description="The fact's value; null when it has none (the clause fails).")
    ok: bool


class FiredRuleOut(Schema):
    id: int | None = None
    name: str
    clauses: list[ClauseOut]


class TierProposalOut(Schema):
    id: int
    review_id: int
    alliance_id: int
    alliance_name: str
    current_tier: TierRef | None
    proposed_tier: TierRef | None
    direction: str = Field(description="promote, demote or keep")
    status: ProposalStatus
    rule: FiredRuleOut | None = Field(None, description="The tier rule that fired, with its clauses.")
    facts: dict[str, Any] = Field(description="Every fact the rules saw, performance facts included.")
    effective_on: date | None
    note: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str

    @staticmethod
    def resolve_alliance_name(obj: TierProposal) -> str:
        return obj.alliance.name

    @staticmethod
    def resolve_rule(obj: TierProposal) -> dict[str, Any] | None:
        return tiering.fired_tier_rule(obj.explanation or {})

    @staticmethod
    def resolve_facts(obj: TierProposal) -> dict[str, Any]:
        return (obj.explanation or {}).get("facts", {})

    @staticmethod
    def resolve_decided_by(obj: TierProposal) -> str | None:
        return str(obj.decided_by) if obj.decided_by_id else None


class TierReviewOut(Schema):
    id: int
    run_on: date
    period_start: date
    period_end: date
    scheduled: bool
    started_by: str | None
    counts: dict[str, int] = Field(description="Proposals per status.")

    @staticmethod
    def resolve_started_by(obj: TierReview) -> str | None:
        return str(obj.started_by) if obj.started_by_id else None

    @staticmethod
    def resolve_counts(obj: TierReview) -> dict[str, int]:
        counts: dict[str, int] = {}
        for status in obj.proposals.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        return counts


class TierReviewDetailOut(TierReviewOut):
    proposals: list[TierProposalOut]

    @staticmethod
    def resolve_proposals(obj: TierReview) -> list[TierProposal]:
        return list(
            obj.proposals.select_related("alliance", "current_tier", "proposed_tier", "decided_by").order_by(
                "alliance__name"
            )
        )


class TierChangeOut(Schema):
    id: int
    changed_at: datetime
    from_tier: TierRef | None
    to_tier: TierRef | None
    source: str
    rule_id: int | None
    rule_name: str
    clauses: list[ClauseOut]
    reason: str
    proposal_id: int | None
    changed_by: str | None

    @staticmethod
    def resolve_changed_by(obj: TierChange) -> str | None:
        return str(obj.changed_by) if obj.changed_by_id else None


class TierReviewIn(InputSchema):
    on: date | None = Field(None, description="The day to evaluate; default today.")


class TierDecisionIn(InputSchema):
    note: Text = Field("", max_length=500, description="Why; needed to reject.")


@router.get("/tier-reviews", response={200: list[TierReviewOut], **READ_ERRORS}, tags=TAGS)
@paginate(Page)
def tier_review_list(request: HttpRequest):
    """Re-tier reviews, newest first."""
    return TierReview.objects.visible_to(acting_user(request)).active().select_related("started_by")


@router.post("/tier-reviews", response={201: TierReviewDetailOut, **WRITE_ERRORS}, tags=TAGS)
def tier_review_run(request: HttpRequest, payload: TierReviewIn):
    """Run the tier rules for every active alliance now and propose the changes."""
    user = acting_user(request)
    require_internal(user, INTERNAL)
    on = payload.on or timezone.localdate()
    return Status(201, tiering.run_review(on=on, user=user))


@router.get("/tier-reviews/{review_id}", response={200: TierReviewDetailOut, **READ_ERRORS}, tags=TAGS)
def tier_review_detail(request: HttpRequest, review_id: int):
    return get_visible(TierReview, acting_user(request), review_id)


def _proposal(request: HttpRequest, proposal_id: int) -> TierProposal:
    user = acting_user(request)
    qs = TierProposal.objects.visible_to(user).select_related("alliance", "current_tier", "proposed_tier")
    return get_visible(TierProposal, user, proposal_id, queryset=qs)


@router.post(
    "/tier-proposals/{proposal_id}/approve", response={200: TierProposalOut, **WRITE_ERRORS}, tags=TAGS
)
def tier_proposal_approve(request: HttpRequest, proposal_id: int, payload: TierDecisionIn):
    """Approve a proposal (admins): a promotion applies at once, a demotion after its grace period."""
    proposal = tiering.approve(
        proposal=_proposal(request, proposal_id), user=acting_user(request), note=payload.note
    )
    return _proposal(request, proposal.pk)


@router.post(
    "/tier-proposals/{proposal_id}/reject", response={200: TierProposalOut, **WRITE_ERRORS}, tags=TAGS
)
def tier_proposal_reject(request: HttpRequest, proposal_id: int, payload: TierDecisionIn):
    """Reject a proposal, or withdraw an approval before it applies (admins; a note is needed)."""
    proposal = tiering.reject(
        proposal=_proposal(request, proposal_id), user=acting_user(request), note=payload.note
    )
    return _proposal(request, proposal.pk)


@router.get(
    "/alliances/{alliance_id}/tier-changes", response={200: list[TierChangeOut], **READ_ERRORS}, tags=TAGS
)
def alliance_tier_changes(request: HttpRequest, alliance_id: int):
    """The alliance's tier history, each change with the rule (or reason) that justified it."""
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    require_internal(user, INTERNAL)
    return list(selectors.tier_history(alliance, user))
