"""Re-tier review pages: the latest review with its proposals, past reviews, run now, approve
and reject. Internal pages: a partner user gets a 404. The writes are in ``tiering``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from amity.core.permissions import can, get_visible_or_404, require_internal
from amity.core.services import validation_messages

from . import rules, tiering
from .models import ProposalStatus, RuleKind, TierProposal, TierReview
from .views_portfolio import clause_words

#: The order and titles of the sections of a review page.
SECTIONS = [
    (ProposalStatus.PROPOSED, "Awaiting approval", "Changes the rules propose. Promotions apply when approved; demotions after the grace period."),
    (ProposalStatus.APPROVED, "Approved, in grace period", "Applied by the daily pass on their effective date, unless the alliance meets its tier's rules again."),
    (ProposalStatus.APPLIED, "Applied", "The tier changed; the alliance's tier history names the rule."),
    (ProposalStatus.REJECTED, "Rejected", ""),
    (ProposalStatus.LAPSED, "Lapsed", "The alliance met its tier's rules again, or its tier was changed meanwhile."),
    (ProposalStatus.SUPERSEDED, "Superseded", "Carried into a later review, which shows the current state."),
    (ProposalStatus.NO_CHANGE, "Keeps its tier", "The rules recommend the tier the alliance has."),
    (ProposalStatus.NOT_EVALUATED, "Not evaluated", "Alliances before launch, or without a strategic review (the tier rules start from its criteria)."),
]  # fmt: skip


def _tier_rules(explanation: dict[str, Any], current_tier: str | None) -> list[dict[str, Any]]:
    """The tier rules as evaluated, with each clause in words and its actual value."""
    rows = []
    for r in explanation.get("rules", []):
        if r.get("kind") != RuleKind.TIER:
            continue
        rows.append(
            {
                **r,
                "for_current": current_tier is not None and r.get("outcome") == current_tier,
                "clause_rows": [{**c, "words": _words(c)} for c in r.get("clauses", [])],
            }
        )
    return rows


def _words(clause: dict[str, Any]) -> str:
    """A clause result in plain words (older results only kept the text)."""
    if "fact" in clause:
        return clause_words(clause)
    return clause.get("text", "")


def _facts_tested(explanation: dict[str, Any]) -> set[str]:
    return {
        c.get("fact") or c.get("text", "").split(" ", 1)[0]
        for r in explanation.get("rules", [])
        for c in r.get("clauses", [])
    }


def review_page(*, review: TierReview, user: Any) -> dict[str, Any]:
    proposals = list(
        TierProposal.objects.visible_to(user)
        .filter(review=review)
        .select_related("alliance", "current_tier", "proposed_tier", "rule", "decided_by")
        .order_by("alliance__name")
    )
    for p in proposals:
        explanation = p.explanation if isinstance(p.explanation, dict) else {}
        p.tier_rules = _tier_rules(explanation, p.current_tier.name if p.current_tier else None)
        p.fired = tiering.fired_tier_rule(explanation)
        p.fired_words = [{**c, "words": _words(c)} for c in (p.fired or {}).get("clauses", [])]
        # For a demotion: the rules of the current tier that no longer hold, and why.
        p.failing = [
            {**r, "unmet": [c for c in r["clause_rows"] if not c["ok"]]}
            for r in p.tier_rules
            if r["for_current"]
        ]
        facts = explanation.get("facts", {})
        p.performance = [
            (name, facts[name])
            for name in sorted(_facts_tested(explanation))
            if name in facts and name not in rules.FACTS
        ]
    sections = []
    for status, title, help_text in SECTIONS:
        rows = [p for p in proposals if p.status == status]
        if rows:
            sections.append({"status": status, "title": title, "help": help_text, "rows": rows})
    counts = {s["status"]: len(s["rows"]) for s in sections}
    past = list(
        TierReview.objects.visible_to(user)
        .active()
        .annotate(
            changes=Count("proposals", filter=Q(proposals__status__in=[
                ProposalStatus.PROPOSED, ProposalStatus.APPROVED, ProposalStatus.APPLIED, ProposalStatus.REJECTED,
                ProposalStatus.LAPSED, ProposalStatus.SUPERSEDED,
            ]))
        )
        .order_by("-run_on", "-pk")[:20]
    )  # fmt: skip
    return {
        "review": review,
        "sections": sections,
        "counts": counts,
        "evaluated": len(proposals) - counts.get(ProposalStatus.NOT_EVALUATED, 0),
        "past": past,
        "is_latest": bool(past) and past[0].pk == review.pk,
    }


def _page(request: HttpRequest, review: TierReview | None) -> HttpResponse:
    ctx: dict[str, Any] = {
        "title": "Re-tier reviews",
        "can_run": can(request.user, "create", TierReview),
        "can_decide": tiering.can_decide(request.user),
        "grace_note": "Demotions wait for the grace period of the tier the alliance has (Tiers & rules).",
    }
    if review is not None:
        ctx.update(review_page(review=review, user=request.user))
        ctx["title"] = str(review)
    return render(request, "alliances/tier_review.html", ctx)


@login_required
def tier_reviews(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, hide=True)
    latest = TierReview.objects.visible_to(request.user).active().order_by("-run_on", "-pk").first()
    return _page(request, latest)


@login_required
def tier_review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_internal(request.user, hide=True)
    return _page(request, get_visible_or_404(TierReview, request.user, pk=pk))


def _error(exc: ValidationError) -> str:
    return " ".join(m for msgs in validation_messages(exc).values() for m in msgs)


@login_required
@require_POST
def tier_review_run(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, hide=True)
    try:
        review = tiering.run_review(user=request.user)
    except PermissionDenied:
        raise
    proposed = review.proposals.filter(status__in=[ProposalStatus.PROPOSED, ProposalStatus.APPROVED]).count()
    messages.success(request, f"Re-tier review done: {proposed} change(s) proposed.")
    return redirect(review.get_absolute_url())


def _decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require_internal(request.user, hide=True)
    proposal = get_visible_or_404(TierProposal, request.user, pk=pk)
    note = request.POST.get("note", "")
    try:
        if decision == "approve":
            proposal = tiering.approve(proposal=proposal, user=request.user, note=note)
        else:
            proposal = tiering.reject(proposal=proposal, user=request.user, note=note)
    except ValidationError as exc:
        messages.error(request, _error(exc))
    else:
        messages.success(
            request, f"{proposal.alliance}: {proposal.get_status_display().lower()}."
            + (f" Takes effect on {proposal.effective_on:%d %b %Y}." if proposal.status == ProposalStatus.APPROVED else "")
        )  # fmt: skip
    return redirect(f"{proposal.review.get_absolute_url()}#proposal-{proposal.pk}")


@login_required
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "approve")


@login_required
@require_POST
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "reject")


urlpatterns = [
    path("tier-reviews/", tier_reviews, name="tier_reviews"),
    path("tier-reviews/run/", tier_review_run, name="tier_review_run"),
    path("tier-reviews/<int:pk>/", tier_review_detail, name="tier_review_detail"),
    path("tier-proposals/<int:pk>/approve/", proposal_approve, name="tier_proposal_approve"),
    path("tier-proposals/<int:pk>/reject/", proposal_reject, name="tier_proposal_reject"),
]
