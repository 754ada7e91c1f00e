"""The Forecast page: attribution, weighted forecast by fiscal quarter and partner impact.

Internal users see the whole portfolio; partner users see only their alliances' numbers, and
an alliance they cannot see (or a malformed alliance id) is 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from amity.alliances.models import Alliance
from amity.alliances.selectors import alliance_detail

from . import forecast as selectors

STAGE_COLORS = ["#8d99ae", "#8d99ae", "#2f6690", "#5b4fcf", "#3a9d8f", "#c0c4cc"]


def _alliance_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("alliance", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1:
        raise Http404
    return int(raw)


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    alliance_id = _alliance_param(request)
    scope = alliance_detail(user=request.user, pk=alliance_id) if alliance_id else None
    result = selectors.forecast(user=request.user, alliance=scope)
    open_stages = [s for s in result.by_stage if s["stage"] not in ("closed_won", "closed_lost")]
    impact = [result.impact["with"], result.impact["without"]]
    context = {
        "title": "Forecast & attribution",
        "result": result,
        "alliance": scope,
        # The scope picker needs ids and names only (one option per alliance).
        "alliances": Alliance.objects.visible_to(request.user)
        .filter(archived_at__isnull=True)
        .only("id", "name")
        .order_by("name"),
        "stage_chart": {
            "labels": [s["label"] for s in result.by_stage],
            "values": [float(s["amount"]) for s in result.by_stage],
            "colors": STAGE_COLORS,
            "rotate": 30,
        },
        "forecast_chart": {
            "labels": [q["label"] for q in result.forecast],
            "values": [float(q["weighted"]) for q in result.forecast],
            "rotate": 30,
        },
        "impact_chart": {
            "labels": ["With partner", "Without partner"],
            "values": [float(i["win_rate"] or 0) for i in impact],
            "colors": ["#3a9d8f", "#8d99ae"],
        },
        "has_open": any(s["count"] for s in open_stages),
    }
    return render(request, "pipeline/forecast.html", context)


urlpatterns = [path("pipeline/forecast/", forecast_page, name="forecast")]
