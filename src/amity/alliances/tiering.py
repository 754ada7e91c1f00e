"""Tier changes and the periodic re-tier review.

Every change of an alliance's tier goes through :func:`set_tier` and leaves a
:class:`TierChange` naming what justified it: the tier rule that fired (with its clauses and
the actual values), or - for a change by hand - the reason the person gave.

The **re-tier review** (:func:`run_review`) evaluates the tier rules for every active alliance
on one day: the facts of its latest strategic review plus the performance facts the rules use
(KPIs, scorecard, certifications - measured over the twelve months before). Where the rules
recommend another tier it proposes the change:

* a **promotion** takes effect when an admin approves it;
* a **demotion** waits for the current tier's grace period (``Tier.grace_days``), counted from
  the first review that found the alliance below its tier - a later review carries the clock
  and the approval over instead of restarting them. It still needs an admin's approval; the
  daily pass applies approved demotions when their grace period ends, unless by then the
  alliance meets its tier's rules again (the proposal lapses).

A new review supersedes the open proposals of earlier ones. Nothing is deleted.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from amity.core import periods
from amity.core.services import require, set_history_user

from . import rules
from .models import (
    OPEN_PROPOSALS,
    Alliance,
    ProposalStatus,
    ReviewRule,
    Stage,
    StrategicReview,
    Tier,
    TierChange,
    TierChangeSource,
    TierProposal,
    TierReview,
)

NO_RANK = 10**6  # "no tier" ranks below every tier

#: Stages whose alliances are re-tiered: from launch on (before that the partnership is not running).
TIERED_STAGES = (Stage.LAUNCH, Stage.MANAGE, Stage.REVIEW, Stage.TRANSFORM)


def _rank(tier: Tier | None) -> int:
    return tier.rank if tier is not None else NO_RANK


def fired_tier_rule(explanation: dict[str, Any]) -> dict[str, Any] | None:
    """The tier rule result that decided, from an ``rules.evaluate`` result."""
    return next(
        (r for r in explanation.get("rules", []) if r.get("kind") == "tier" and r.get("fired")),
        None,
    )


# --- every tier change ----------------------------------------------------------------------


def set_tier(
    *,
    alliance: Alliance,
    tier: Tier | None,
    user: Any,
    source: str,
    reason: str = "",
    rule_result: dict[str, Any] | None = None,
    proposal: TierProposal | None = None,
    review: StrategicReview | None = None,
) -> TierChange | None:
    """Set the alliance's tier and record the change with what justified it.

    ``rule_result`` is the fired rule from an evaluation (``{"id", "name", "clauses"}``). A
    change by hand needs a ``reason``. Returns None when the tier does not change.
    """
    reason = (reason or "").strip()
    if rule_result is None and not reason:
        raise ValidationError(
            {"tier_reason": "Say why the tier changes: no tier rule justifies a change made by hand."}
        )
    with transaction.atomic():
        current = Alliance.objects.select_for_update(of=("self",)).select_related("tier").get(pk=alliance.pk)
        new_id = tier.pk if tier is not None else None
        if current.tier_id == new_id:
            return None
        from_tier = current.tier
        current.tier = tier
        current.version += 1
        set_history_user(current, user)
        current.save()
        rule_id = (rule_result or {}).get("id")
        change = TierChange.objects.create(
            alliance=current,
            from_tier=from_tier,
            to_tier=tier,
            source=source,
            rule=ReviewRule.objects.filter(pk=rule_id).first() if rule_id else None,
            rule_name=(rule_result or {}).get("name", ""),
            clauses=(rule_result or {}).get("clauses", []),
            proposal=proposal,
            review=review,
            reason=reason,
            changed_by=user if getattr(user, "is_authenticated", False) else None,
            changed_at=timezone.now(),
        )
    alliance.tier, alliance.tier_id, alliance.version = tier, new_id, current.version
    return change


def record_manual_change(
    *, alliance: Alliance, from_tier_id: int | None, user: Any, reason: str
) -> TierChange:
    """Record a tier changed in the alliance form or API (``alliances.services.alliance_update``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"tier_reason": "Say why the tier changes: no tier rule justifies a change made by hand."}
        )
    return TierChange.objects.create(
        alliance=alliance,
        from_tier_id=from_tier_id,
        to_tier=alliance.tier,
        source=TierChangeSource.MANUAL,
        reason=reason,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
        changed_at=timezone.now(),
    )


def apply_review_recommendation(*, alliance: Alliance, user: Any) -> TierChange | None:
    """Set the tier the latest strategic review recommends, recording the rule that fired."""
    require(user, "change", alliance)
    review = (
        alliance.reviews.active().select_related("recommended_tier").order_by("-review_date", "-id").first()
    )
    if review is None or review.recommended_tier_id is None:
        raise ValidationError({"tier": "No strategic review recommends a tier yet."})
    explanation = review.explanation if isinstance(review.explanation, dict) else {}
    fired = fired_tier_rule(explanation)
    return set_tier(
        alliance=alliance,
        tier=review.recommended_tier,
        user=user,
        source=TierChangeSource.REVIEW,
        rule_result=fired,
        reason="" if fired else f"Recommended by the strategic review of {review.review_date:%d %b %Y}",
        review=review,
    )


# --- the re-tier review ---------------------------------------------------------------------


def _latest_reviews(alliance_ids: list[int], on: date) -> dict[int, StrategicReview]:
    latest: dict[int, StrategicReview] = {}
    qs = (
        StrategicReview.objects.active()
        .filter(alliance_id__in=alliance_ids, review_date__lte=on)
        .select_related("alliance")
        .order_by("alliance_id", "-review_date", "-id")
    )
    for review in qs:
        latest.setdefault(review.alliance_id, review)
    return latest


def evaluate_alliance(
    alliance: Alliance, review: StrategicReview, on: date, active: list[ReviewRule]
) -> dict[str, Any]:
    facts = rules.review_facts(review)
    facts.update(rules.performance_facts(alliance, on, rules.referenced_facts(active)))
    return rules.evaluate(facts, active)


def run_review(*, on: date | None = None, user: Any = None, scheduled: bool = False) -> TierReview:
    """Evaluate every active alliance's tier rules on ``on`` and propose the changes."""
    on = on or timezone.localdate()
    if not scheduled:
        require(user, "create", TierReview)
    active = rules.active_rules()
    tiers = {t.pk: t for t in Tier.objects.all()}
    alliances = list(
        Alliance.objects.active().exclude(stage=Stage.RETIRED).select_related("tier").order_by("name")
    )
    latest = _latest_reviews([a.pk for a in alliances], on)
    start, end = rules.performance_period(on)
    with transaction.atomic():
        run = TierReview(
            run_on=on,
            period_start=start,
            period_end=end,
            scheduled=scheduled,
            started_by=user if getattr(user, "is_authenticated", False) else None,
        )
        set_history_user(run, user)
        run.save()
        earlier = {
            p.alliance_id: p
            for p in TierProposal.objects.filter(status__in=OPEN_PROPOSALS)
            .exclude(review=run)
            .select_related("review")
        }
        for alliance in alliances:
            _propose(run, alliance, latest.get(alliance.pk), earlier.get(alliance.pk), on, active, tiers)
    return run


def _propose(
    run: TierReview,
    alliance: Alliance,
    review: StrategicReview | None,
    previous: TierProposal | None,
    on: date,
    active: list[ReviewRule],
    tiers: dict[int, Tier],
) -> TierProposal:
    current = alliance.tier
    proposal = TierProposal(review=run, alliance=alliance, current_tier=current)
    if alliance.stage not in TIERED_STAGES:
        proposal.status = ProposalStatus.NOT_EVALUATED
        proposal.note = f"Still in {alliance.get_stage_display()}: tiers are reviewed from launch on."
        proposal.proposed_tier = current
        proposal.save()
        if previous is not None:
            _close(previous, ProposalStatus.LAPSED, f"Not re-tiered in the review of {on:%d %b %Y}.")
        return proposal
    if review is None:
        proposal.status = ProposalStatus.NOT_EVALUATED
        proposal.note = "No strategic review yet: the tier rules start from its criteria."
        proposal.proposed_tier = current
        proposal.save()
        return proposal
    result = evaluate_alliance(alliance, review, on, active)
    proposed = tiers.get(result["tier_id"]) if result["tier_id"] else None
    proposal.proposed_tier = proposed
    proposal.explanation = {**result, "review_id": review.pk, "review_date": review.review_date.isoformat()}
    proposal.rule_id = result.get("tier_rule_id")
    if proposal.proposed_tier_id == proposal.current_tier_id:
        proposal.status = ProposalStatus.NO_CHANGE
        proposal.save()
        if previous is not None:
            _close(
                previous,
                ProposalStatus.LAPSED,
                f"Meets the rules of {current or 'its tier'} again in the review of {on:%d %b %Y}.",
            )
        return proposal
    proposal.status = ProposalStatus.PROPOSED
    demotion = _rank(proposed) > _rank(current)
    proposal.effective_on = on + timedelta(days=current.grace_days) if demotion and current else on
    if previous is not None:
        same_direction = (_rank(previous.proposed_tier) > _rank(previous.current_tier)) == demotion
        if same_direction and previous.current_tier_id == proposal.current_tier_id:
            if demotion and previous.effective_on:  # the grace clock does not restart
                proposal.effective_on = min(proposal.effective_on, previous.effective_on)
            if (
                previous.status == ProposalStatus.APPROVED
                and previous.proposed_tier_id == proposal.proposed_tier_id
            ):
                proposal.status = ProposalStatus.APPROVED
                proposal.decided_by_id = previous.decided_by_id
                proposal.decided_at = previous.decided_at
                proposal.decision_note = previous.decision_note
        _close(previous, ProposalStatus.SUPERSEDED, f"Carried into the review of {on:%d %b %Y}.")
    proposal.save()
    return proposal


def _close(proposal: TierProposal, status: str, note: str) -> None:
    proposal.status = status
    proposal.note = note
    proposal.version += 1
    proposal.save(update_fields=["status", "note", "version", "updated_at"])


# --- decisions ------------------------------------------------------------------------------


def _require_admin(user: Any, proposal: TierProposal) -> None:
    require(user, "change", proposal)


def approve(*, proposal: TierProposal, user: Any, note: str = "", today: date | None = None) -> TierProposal:
    """Approve a proposal; it applies at once when its effective date has come."""
    _require_admin(user, proposal)
    today = today or timezone.localdate()
    with transaction.atomic():
        proposal = TierProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ProposalStatus.PROPOSED:
            raise ValidationError({"status": f"This proposal is {proposal.get_status_display().lower()}."})
        proposal.status = ProposalStatus.APPROVED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.decision_note = (note or "").strip()
        proposal.version += 1
        set_history_user(proposal, user)
        proposal.save()
    if proposal.effective_on is None or proposal.effective_on <= today:
        _apply(proposal, user=user, today=today)
        proposal.refresh_from_db()
    return proposal


def reject(*, proposal: TierProposal, user: Any, note: str) -> TierProposal:
    _require_admin(user, proposal)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"decision_note": "Say why the proposal is rejected."})
    with transaction.atomic():
        proposal = TierProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status not in OPEN_PROPOSALS:
            raise ValidationError({"status": f"This proposal is {proposal.get_status_display().lower()}."})
        proposal.status = ProposalStatus.REJECTED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.decision_note = note
        proposal.version += 1
        set_history_user(proposal, user)
        proposal.save()
    return proposal


def _apply(proposal: TierProposal, *, user: Any, today: date) -> TierChange | None:
    """Apply an approved proposal - unless the tier changed meanwhile or a demoted alliance
    meets its tier's rules again (checked on ``today``)."""
    alliance = Alliance.objects.select_related("tier").get(pk=proposal.alliance_id)
    if alliance.tier_id != proposal.current_tier_id:
        _close(
            proposal,
            ProposalStatus.LAPSED,
            f"The tier was changed to {alliance.tier or 'no tier'} meanwhile.",
        )
        return None
    fired = fired_tier_rule(proposal.explanation or {})
    if _rank(proposal.proposed_tier) > _rank(proposal.current_tier):
        review = _latest_reviews([alliance.pk], today).get(alliance.pk)
        if review is not None:
            active = rules.active_rules()
            result = evaluate_alliance(alliance, review, today, active)
            now_tier = Tier.objects.filter(pk=result["tier_id"]).first() if result["tier_id"] else None
            if _rank(now_tier) <= _rank(alliance.tier):
                _close(
                    proposal,
                    ProposalStatus.LAPSED,
                    f"Meets the rules of {alliance.tier} again on {today:%d %b %Y}, at the end of the grace period.",
                )
                return None
            fired = fired_tier_rule(result) or fired
    change = set_tier(
        alliance=alliance,
        tier=proposal.proposed_tier,
        user=user,
        source=TierChangeSource.RETIER,
        rule_result=fired,
        reason="" if fired else f"Re-tier review of {proposal.review.run_on:%d %b %Y}",
        proposal=proposal,
    )
    proposal.status = ProposalStatus.APPLIED
    proposal.version += 1
    proposal.save(update_fields=["status", "version", "updated_at"])
    return change


def apply_due(today: date | None = None) -> int:
    """Apply approved proposals whose effective date has come; returns how many changed a tier."""
    today = today or timezone.localdate()
    due = TierProposal.objects.filter(status=ProposalStatus.APPROVED, effective_on__lte=today).select_related(
        "review", "current_tier", "proposed_tier", "decided_by"
    )
    applied = 0
    for proposal in due:
        if _apply(proposal, user=proposal.decided_by, today=today) is not None:
            applied += 1
    return applied


def review_due(today: date) -> bool:
    """Whether the scheduled re-tier review of the current quarter (or year) has not run yet."""
    every = settings.AMITY_TIER_REVIEW
    if every == "off":
        return False
    period = (
        periods.fiscal_quarter_of(today)
        if every == "quarter"
        else periods.fiscal_year(periods.fiscal_year_of(today))
    )
    return not TierReview.objects.active().filter(run_on__gte=period.start, run_on__lte=period.end).exists()


def daily(today: date | None = None) -> dict[str, Any]:
    """The daily pass: run the periodic review when one is due, then apply what is due."""
    today = today or timezone.localdate()
    ran = None
    if review_due(today) and Alliance.objects.active().exists():
        ran = run_review(on=today, scheduled=True).pk
    return {"review": ran, "applied": apply_due(today)}


def can_decide(user: Any) -> bool:
    try:
        require(user, "change", TierProposal)
    except PermissionDenied:
        return False
    return True
