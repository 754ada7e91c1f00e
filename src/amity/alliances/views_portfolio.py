"""Portfolio-wide pages: the dashboard, the strategic review, objective coverage, the rules.

Views parse the request, ask the page's read function for everything the page shows, and
render. The read functions below only compose the selectors in ``selectors.py`` and shape
their results for charts and tables; every row still comes through ``visible_to``. The
strategic review, the objectives and the rules are internal pages: a partner user gets a
404, exactly as for something that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from amity.core.export import csv_response
from amity.core.permissions import is_internal, require_internal
from amity.core.templatetags.amity import money
from amity.notifications import selectors as agenda_selectors

from . import rules as review_rules
from . import selectors
from .filters import NOT_REVIEWED
from .models import (
    Alliance,
    AllianceType,
    Classification,
    GateRequirement,
    ReviewRule,
    RuleKind,
    Stage,
    StageTransitionRule,
    Tier,
)

#: Colours of the classifications, shared by the badges (amity.css) and the charts.
CLASSIFICATION_COLORS = {
    Classification.STRATEGIC.value: "#5b2a86",
    Classification.TACTICAL.value: "#8d99ae",
    Classification.UNDETERMINED.value: "#c9a227",
    None: "#dee2e6",
}

#: How a current tier compares with the recommended one.
FIT_LABELS = {"match": "fits", "over": "over-tiered", "under": "under-tiered", "unknown": "no tier"}

FLAG_LABELS = {"alliancize": "Alliancize"}

#: Short type names, so the legend of a small donut fits on one line.
SHORT_TYPE_LABELS = {
    AllianceType.GO_TO_MARKET.value: "Co-sell",
    AllianceType.DEVELOPMENT.value: "Development",
}

#: Our life-cycle stages next to ASAP's seven phases and ISO 44001's eight stages (help text).
STAGE_GUIDE = {
    Stage.IDENTIFY.value: ("Alliance strategy", "Operational awareness · Knowledge"),
    Stage.ASSESS.value: ("Partner analysis and selection", "Internal assessment · Partner selection"),
    Stage.NEGOTIATE.value: ("Trust building and value-creating negotiation", "Working together"),
    Stage.LAUNCH.value: ("Operational planning · Structuring and governance", "Working together"),
    Stage.MANAGE.value: ("Launch and management", "Value creation · Staying together"),
    Stage.REVIEW.value: ("Launch and management (annual review)", "Staying together"),
    Stage.TRANSFORM.value: ("Transform, innovate or exit", "Exit strategy"),
    Stage.RETIRED.value: ("Exit completed", "Exit strategy (activated)"),
}

#: Rows of the ranking per page of the strategic review; the CSV export has every row.
RANKING_PAGE_SIZE = 50
#: Points of the strategic-review matrix at most: beyond it, an even sample across the ranking
#: (a cloud of tens of thousands of points reads no better and weighs megabytes).
MATRIX_POINTS = 400
#: Channel partners worth alliancizing listed at most (the highest ranked), with why.
ALLIANCIZE_SHOWN = 10
#: Unreviewed alliances listed at most; the rest through the alliance list's filter.
UNREVIEWED_SHOWN = 20

OP_WORDS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "is", "!=": "is not", "in": "is one of"}


def _as_float(value: Any) -> float:
    """Chart coordinates only; money stays Decimal everywhere else."""
    return float(value or 0)


def _short(name: str, limit: int = 18) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


# --- read functions for the pages --------------------------------------------------------


def matrix_data(rows: list[dict[str, Any]], limit: int | None = None) -> dict[str, Any]:
    """Strategic score × commercial value, one point per reviewed alliance.

    Over ``limit`` (default ``MATRIX_POINTS``) reviewed alliances the chart plots an even sample
    across the ranking, the first ranked included; ``sampled`` says how many of how many.
    """
    limit = limit or MATRIX_POINTS
    total = len(rows)
    if total > limit:
        step = -(-total // limit)  # ceiling: at most ``limit`` points
        rows = rows[::step]
    return {
        "total": total,
        "sampled": len(rows) if total > len(rows) else None,
        "points": [
            {
                "name": r["alliance"].name,
                "short": _short(r["alliance"].name),
                "x": r["criteria_total"],
                "y": _as_float(r["annual_value"]),
                "classification": r["classification"],
                "classification_label": r["classification_label"],
                "value_label": money(r["annual_value"]),
                "url": r["alliance"].get_absolute_url(),
            }
            for r in rows
        ],
        "xLabel": "Strategic score (criteria, of 20)",
        "yLabel": "Revenue / yr",
        "xThreshold": selectors.strategic_threshold(),
    }


def pyramid_data(by_tier: list[dict[str, Any]]) -> dict[str, Any]:
    tiers = [t for t in by_tier if t["tier_id"] is not None]
    return {
        "labels": [t["tier"] for t in tiers],
        "values": [t["count"] for t in tiers],
        "targets": [t["target_count"] for t in tiers],
        "colors": [t["color"] for t in tiers],
        "over": [t["over_target"] for t in tiers],
    }


def _list_url(**params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('alliances:alliance_list')}?{query}"


def dashboard(*, user: Any) -> dict[str, Any]:
    """Everything the portfolio dashboard shows, filtered by what ``user`` may see."""
    summary = selectors.portfolio_summary(user=user)
    stage_rows = summary["by_stage"]
    type_rows = [t for t in summary["by_type"] if t["count"]]
    context: dict[str, Any] = {
        "summary": summary,
        "stage_chart": {
            "labels": [s["label"] for s in stage_rows],
            "values": [s["count"] for s in stage_rows],
            "urls": [_list_url(stage=s["stage"]) for s in stage_rows],
            "rotate": 30,
        },
        "type_chart": {
            "labels": [SHORT_TYPE_LABELS.get(t["type"], t["label"]) for t in type_rows],
            "values": [t["count"] for t in type_rows],
            "urls": [_list_url(alliance_type=t["type"]) for t in type_rows],
        },
        "recent_changes": selectors.recent_stage_changes(user=user),
        # "Due this week" and "Overdue": the agenda of every app, for what the user may see.
        "agenda": agenda_selectors.dashboard_agenda(user=user),
    }
    if not is_internal(user):
        alliances = list(selectors.alliance_list(user=user).order_by("name"))
        for a in alliances:
            a.other_parties = [
                p.organization.name for p in a.active_parties if p.organization_id != user.organization_id
            ]
        context["alliances"] = alliances
        return context
    ranking = selectors.strategic_review_ranking(user=user)
    by_tier = summary["by_tier"]
    strategic_tier = next((t for t in by_tier if t["rank"] == 1), None)
    classes = summary["by_classification"]
    context.update(
        {
            "ranking": ranking,
            "top_ranked": ranking["rows"][:6],
            "oversubscribed": [
                {**t, "over_by": t["count"] - t["target_count"]} for t in by_tier if t["over_target"]
            ],
            "strategic_tier": strategic_tier,
            "due_for_review": list(selectors.due_for_review(user=user).order_by("name")[:6]),
            "due_for_review_count": selectors.due_for_review(user=user).count(),
            "pyramid": pyramid_data(by_tier),
            "no_tier_count": sum(t["count"] for t in by_tier if t["tier_id"] is None),
            "matrix": matrix_data(ranking["rows"]),
            "class_chart": {
                "labels": [c["label"] for c in classes],
                "values": [c["count"] for c in classes],
                "colors": [CLASSIFICATION_COLORS.get(c["classification"], "#dee2e6") for c in classes],
                "rotate": 30,
            },
        }
    )
    return context


def _fired_flag_rules(row: dict[str, Any], flag: str) -> list[str]:
    explanation = row["review"].explanation if isinstance(row["review"].explanation, dict) else {}
    prefix = f"{FLAG_LABELS.get(flag, flag)}: ".lower()
    return [
        r["name"][len(prefix) :] if r["name"].lower().startswith(prefix) else r["name"]
        for r in explanation.get("rules", [])
        if r.get("kind") == RuleKind.FLAG and r.get("fired") and r.get("outcome") == flag
    ]


def review_page(*, user: Any, page_number: Any = None) -> dict[str, Any]:
    """The portfolio strategic review (internal users).

    The ranking is computed over every reviewed alliance (ranks, counts, tier fit), the table
    shows one page of it (``RANKING_PAGE_SIZE`` rows), ``rows`` keeps them all for the export.
    """
    ranking = selectors.strategic_review_ranking(user=user)
    rows = ranking["rows"]
    page = Paginator(rows, RANKING_PAGE_SIZE).get_page(page_number)
    for row in page.object_list:
        row["fit_label"] = FIT_LABELS.get(row["fit"], row["fit"])
        row["flag_labels"] = [FLAG_LABELS.get(f, f.replace("_", " ").capitalize()) for f in row["flags"]]
    # The first candidates, with the rules that made them candidates (their explanations).
    shown = selectors.with_explanations(ranking["alliancize"][:ALLIANCIZE_SHOWN])
    alliancize = [{**row, "why": _fired_flag_rules(row, "alliancize")} for row in shown]
    unreviewed = ranking["unreviewed"]
    return {
        "ranking": ranking,
        "rows": rows,
        "page": page,
        "page_rows": page.object_list,
        "alliancize": alliancize,
        "alliancize_more": len(ranking["alliancize"]) - len(alliancize),
        "matrix": matrix_data(rows),
        "threshold": selectors.strategic_threshold(),
        "misfits": sum(1 for r in rows if r["fit"] in ("over", "under")),
        "unreviewed_shown": unreviewed[:UNREVIEWED_SHOWN],
        "unreviewed_more": max(0, len(unreviewed) - UNREVIEWED_SHOWN),
        "unreviewed_url": reverse("alliances:alliance_list") + f"?classification={NOT_REVIEWED}",
    }


def ranking_csv_rows(rows: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for r in rows:
        a = r["alliance"]
        yield [
            r["rank"],
            a.name,
            r["partners"],
            a.get_alliance_type_display(),
            a.get_stage_display(),
            r["criteria_total"],
            r["activities_count"],
            r["commitment_signals"],
            r["classification_label"],
            r["current_tier"].name if r["current_tier"] else "",
            r["recommended_tier"].name if r["recommended_tier"] else "",
            FIT_LABELS.get(r["fit"], r["fit"]),
            ", ".join(r["flags"]),
            r["annual_value"],
            r["review"].review_date.isoformat(),
        ]


RANKING_HEADER = [
    "Rank",
    "Alliance",
    "Partners",
    "Type",
    "Stage",
    "Criteria (of 20)",
    "Activities (of 6)",
    "Commitment signals (of 3)",
    "Classification",
    "Current tier",
    "Recommended tier",
    "Tier fit",
    "Flags",
    "Expected annual revenue",
    "Review date",
]


def coverage_page(*, user: Any) -> dict[str, Any]:
    """Objectives × alliances, with the gaps on both sides."""
    coverage = selectors.objective_coverage(user=user)
    objectives = coverage["objectives"]
    matrix = []
    for alliance in coverage["alliances"]:
        served = {o.pk for o in alliance.objectives.all()}
        matrix.append({"alliance": alliance, "cells": [o.pk in served for o in objectives]})
    return {
        **coverage,
        "matrix": matrix,
        "covered_count": len(objectives) - len(coverage["uncovered"]),
    }


def clause_words(clause: dict[str, Any]) -> str:
    """A rule clause in plain words: ``criteria total ≥ 13``."""
    fact = clause.get("fact", "")
    op = clause.get("op", "")
    value = clause.get("value")
    if fact.startswith("act_") and op in ("==", "!=") and isinstance(value, bool):
        label = review_rules.FACTS.get(fact, fact).removeprefix("Activity present: ")
        return f"{'has' if value == (op == '==') else 'lacks'} activity “{label.lower()}”"
    name = fact.replace("_", " ")
    if fact == "alliance_type":
        labels = dict(AllianceType.choices)
        value = [labels.get(v, v) for v in value] if isinstance(value, list) else labels.get(value, value)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif fact in ("annual_value", "investment"):
        value = money(value)
    return f"{name} {OP_WORDS.get(op, op)} {value}"


RULE_KIND_HELP = {
    RuleKind.SIGNAL: "Seed 000's commitment signals. Every rule that matches adds its signal; the count "
    "becomes the fact commitment_signals.",
    RuleKind.CLASSIFICATION: "Rules are tried in order; the first that matches decides. When none matches "
    "the alliance stays undetermined.",
    RuleKind.TIER: "Rules are tried in order; the first that matches recommends the tier.",
    RuleKind.FLAG: "Every rule that matches raises its flag on the portfolio review.",
}


def rules_page(*, user: Any) -> dict[str, Any]:
    """Tiers, review rules, facts, life-cycle transitions and stage gates, in plain words."""
    tiers = list(
        Tier.objects.visible_to(user)
        .active()
        .annotate(
            current=Count(
                "alliances",
                filter=Q(alliances__archived_at__isnull=True)
                & Q(alliances__in=Alliance.objects.visible_to(user).values("pk")),
            )
        )
        .order_by("rank")
    )
    for tier in tiers:
        tier.over_by = max(0, tier.current - tier.target_count) if tier.target_count is not None else 0
    rules = list(
        ReviewRule.objects.visible_to(user).active().select_related("tier").order_by("kind", "order", "id")
    )
    groups = []
    for kind in (RuleKind.SIGNAL, RuleKind.CLASSIFICATION, RuleKind.TIER, RuleKind.FLAG):
        items = [
            {
                "rule": r,
                "clauses": [clause_words(c) for c in r.conditions] or ["always (no conditions)"],
                "outcome": (
                    r.tier.name
                    if kind == RuleKind.TIER and r.tier
                    else Classification(r.outcome).label
                    if kind == RuleKind.CLASSIFICATION and r.outcome in Classification.values
                    else r.outcome
                ),
            }
            for r in rules
            if r.kind == kind
        ]
        groups.append({"kind": kind, "label": kind.label, "help": RULE_KIND_HELP[kind], "items": items})
    gates = list(GateRequirement.objects.visible_to(user).active().order_by("order", "id"))
    transitions = list(StageTransitionRule.objects.visible_to(user).active())
    stages = []
    for stage in Stage:
        stages.append(
            {
                "stage": stage,
                "asap": STAGE_GUIDE.get(stage.value, ("", ""))[0],
                "iso": STAGE_GUIDE.get(stage.value, ("", ""))[1],
                "gates": [g for g in gates if g.stage == stage.value],
                "exits": [t for t in transitions if t.from_stage == stage.value],
            }
        )
    return {
        "tiers": tiers,
        "rule_groups": groups,
        "facts": sorted(review_rules.all_facts().items()),
        "stages": stages,
        "rule_count": len(rules),
    }


# --- views -------------------------------------------------------------------------------


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    context = dashboard(user=request.user)
    template = "alliances/portfolio.html"
    return render(request, template, {"title": "Portfolio", **context})


@login_required
def strategic_review(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, hide=True)
    context = review_page(user=request.user, page_number=request.GET.get("page"))
    if request.GET.get("export") == "csv":
        return csv_response("strategic-review.csv", RANKING_HEADER, ranking_csv_rows(context["rows"]))
    return render(request, "alliances/strategic_review.html", {"title": "Strategic review", **context})


@login_required
def objective_coverage(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, hide=True)
    context = coverage_page(user=request.user)
    return render(request, "alliances/objective_coverage.html", {"title": "Corporate objectives", **context})


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, hide=True)
    context = rules_page(user=request.user)
    return render(request, "alliances/rules.html", {"title": "Tiers & rules", **context})


urlpatterns = [
    path("", portfolio, name="portfolio"),
    path("strategic-review/", strategic_review, name="strategic_review"),
    path("objectives/", objective_coverage, name="objective_coverage"),
    path("rules/", rules, name="rules"),
]
