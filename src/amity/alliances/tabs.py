"""The tabs of the alliance page. Each app serves its tab at its own URL (taking the
alliance pk) with a template extending ``alliances/alliance_base.html``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    name: str
    label: str
    url_name: str
    icon: str
    internal_only: bool = False


TABS = [
    Tab("overview", "Overview", "alliances:alliance_detail", "bi-house"),
    Tab("agreements", "Agreements", "agreements:alliance_agreements", "bi-file-earmark-text"),
    Tab("commitments", "Commitments", "agreements:alliance_commitments", "bi-check2-square"),
    Tab("plan", "Plan", "planning:alliance_plan", "bi-calendar3"),
    Tab("roadmap", "Roadmap", "planning:alliance_roadmap", "bi-signpost-split"),
    Tab("governance", "Governance", "governance:alliance_governance", "bi-people"),
    Tab("pipeline", "Pipeline", "pipeline:alliance_pipeline", "bi-funnel"),
    Tab("mdf", "MDF", "funds:alliance_mdf", "bi-piggy-bank"),
    Tab("assessments", "Health & assessments", "assessments:alliance_assessments", "bi-heart-pulse"),
    Tab("scorecard", "Scorecard", "scorecards:alliance_scorecard", "bi-speedometer2", internal_only=True),
    Tab("history", "History", "alliances:alliance_history", "bi-clock-history"),
]
