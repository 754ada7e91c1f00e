"""The ecosystem map and practices vs performance (our people only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amity.core.permissions import require_internal

from . import ecosystem, practices
from .views import INTERNAL, _period


@login_required
def ecosystem_map(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    eco = ecosystem.build(request.user)
    kinds = {}
    for _, data in eco.graph.nodes(data=True):
        kinds[data["kind"]] = kinds.get(data["kind"], 0) + 1
    return render(
        request,
        "scorecards/ecosystem.html",
        {"title": "Ecosystem map", "eco": eco, "kinds": kinds},
    )


@login_required
def practices_performance(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    kind, period, choices = _period(request)
    analysis = practices.analyse(practices.points(request.user, period.start, period.end))
    return render(
        request,
        "scorecards/practices.html",
        {
            "title": "Practices vs performance",
            "analysis": analysis,
            "chart": practices.chart(analysis),
            "period": period,
            "kind": kind,
            "choices": choices,
        },
    )
