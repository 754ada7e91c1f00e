"""Indicators computed from Amity's own records, shown beside the answers of a health check.

Each indicator returns a figure, its calculation in words, and - for tension items - the
position it suggests on the item's 1-5 scale between the two poles (1 + 4 × share), so the
answers can be compared with what the records say. ``None`` when there is nothing to measure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

ONE = Decimal("1")
FOUR = Decimal("4")


@dataclass
class Indicator:
    key: str
    label: str
    figure: str
    explanation: str
    position: Decimal | None = None


def _position(share: Decimal) -> Decimal:
    return (ONE + FOUR * share).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _pct(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP)} %"


def hard_commitment_share(alliance) -> Indicator | None:
    from amity.agreements.models import Commitment, CommitmentStatus

    qs = Commitment.objects.filter(alliance=alliance, archived_at__isnull=True).exclude(
        status=CommitmentStatus.WAIVED
    )
    counts = qs.aggregate(total=Count("pk"), hard=Count("pk", filter=Q(nature="hard")))
    if not counts["total"]:
        return None
    share = Decimal(counts["hard"]) / Decimal(counts["total"])
    return Indicator(
        "hard_commitment_share",
        "Hard commitments",
        _pct(share),
        f"{counts['hard']} of {counts['total']} commitments (not waived) are hard, contractual ones.",
        _position(share),
    )


def contribution_balance(alliance) -> Indicator | None:
    from amity.agreements.models import Commitment, CommitmentStatus

    rows = (
        Commitment.objects.filter(alliance=alliance, archived_at__isnull=True)
        .exclude(status=CommitmentStatus.WAIVED)
        .aggregate(total=Count("pk"), ours=Count("pk", filter=Q(party__is_home=True)))
    )
    if not rows["total"]:
        return None
    theirs = rows["total"] - rows["ours"]
    share = Decimal(theirs) / Decimal(rows["total"])
    return Indicator(
        "contribution_balance",
        "Partner's share of commitments",
        _pct(share),
        f"The partner made {theirs} and we made {rows['ours']} of {rows['total']} commitments; "
        "the side that commits more usually carries less weight.",
        _position(share),
    )


def people_engaged(alliance) -> Indicator | None:
    members = list(
        alliance.members.filter(archived_at__isnull=True).values_list(
            "contact__organization__is_home", "area"
        )
    )
    if not members:
        return None
    ours = sum(1 for home, _ in members if home)
    areas = {area.strip().lower() for _, area in members if area and area.strip()}
    share = min(Decimal(max(len(areas), 1) - 1) / FOUR, ONE)
    return Indicator(
        "people_engaged",
        "People engaged per side",
        f"{ours} ours · {len(members) - ours} theirs",
        f"{len(members)} people on the joint team ({ours} ours, {len(members) - ours} the partner's) "
        f"across {len(areas) or 'no named'} area(s){': ' + ', '.join(sorted(areas)) if areas else ''}; "
        "more areas suggest more distributed management.",
        _position(share),
    )


def integration_milestones(alliance) -> Indicator | None:
    from amity.planning.models import Milestone

    qs = Milestone.objects.filter(
        alliance=alliance, archived_at__isnull=True, category__in=["integration", "shared_dashboard"]
    ).exclude(status="cancelled")
    counts = qs.aggregate(total=Count("pk"), done=Count("pk", filter=Q(status="done")))
    if not counts["total"]:
        return None
    share = Decimal(counts["done"]) / Decimal(counts["total"])
    return Indicator(
        "integration_milestones",
        "Integration milestones reached",
        f"{counts['done']} of {counts['total']}",
        f"{counts['done']} of {counts['total']} integration and shared-dashboard milestones are done.",
        _position(share),
    )


def resource_gaps(alliance) -> Indicator | None:
    from amity.agreements.models import Commitment

    counts = Commitment.objects.filter(alliance=alliance, archived_at__isnull=True).aggregate(
        judged=Count("pk", filter=Q(status__in=["met", "missed"])), met=Count("pk", filter=Q(status="met"))
    )
    if not counts["judged"]:
        return None
    share = Decimal(counts["met"]) / Decimal(counts["judged"])
    missed = counts["judged"] - counts["met"]
    return Indicator(
        "resource_gaps",
        "Commitments met",
        _pct(share),
        f"{counts['met']} met and {missed} missed of {counts['judged']} commitments that came due; "
        "missed ones point at resource gaps between intent and delivery.",
        _position(share),
    )


def capability_complementarity(alliance) -> Indicator | None:
    parties = list(alliance.parties.filter(archived_at__isnull=True).select_related("organization"))
    ours = {c.lower() for p in parties if p.organization.is_home for c in p.organization.capability_list}
    theirs = {
        c.lower() for p in parties if not p.organization.is_home for c in p.organization.capability_list
    }
    if not ours or not theirs:
        return None
    overlap = ours & theirs
    share = ONE - Decimal(len(overlap)) / Decimal(len(ours | theirs))
    return Indicator(
        "capability_complementarity",
        "Complementary capabilities",
        _pct(share),
        f"{len(ours | theirs) - len(overlap)} of {len(ours | theirs)} listed capabilities are held by one side "
        f"only; {len(overlap)} are shared{': ' + ', '.join(sorted(overlap)) if overlap else ''}.",
        _position(share),
    )


INDICATORS: dict[str, Callable] = {
    f.__name__: f
    for f in (
        hard_commitment_share,
        contribution_balance,
        people_engaged,
        integration_milestones,
        resource_gaps,
        capability_complementarity,
    )
}


def compute(keys, alliance) -> dict[str, Indicator | None]:
    return {key: INDICATORS[key](alliance) for key in keys if key in INDICATORS}
