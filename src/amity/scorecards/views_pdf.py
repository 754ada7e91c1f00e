"""PDF downloads: a business case on one page, an alliance's QBR pack, the portfolio report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from amity.alliances.models import Alliance
from amity.alliances.selectors import alliance_detail
from amity.core.permissions import get_visible_or_404, require_internal

from . import kpis, pdf
from .models import BusinessCase
from .views import INTERNAL, _period


def _pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    ok, reason = pdf.available()
    if not ok:
        return render(
            request,
            "scorecards/pdf_unavailable.html",
            {"title": "PDF unavailable", "reason": reason},
            status=503,
        )
    context = {**context, "generated": timezone.localtime()}
    response = HttpResponse(pdf.render(template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def business_case_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from .views_business_case import detail_context

    require_internal(request.user, INTERNAL)
    obj = get_visible_or_404(BusinessCase, request.user, pk=pk)
    context = {"object": obj, **detail_context(obj)}
    if "tornado" in context:
        context["tornado_svg"] = pdf.hbar_svg(
            [bar.label for bar in context["tornado"]], [bar.range for bar in context["tornado"]]
        )
        chart = context["mc_chart"]
        context["mc_svg"] = pdf.bars_svg(chart["labels"], chart["values"])
    return _pdf_response(
        request, "scorecards/pdf/business_case.html", context, f"business-case-{slugify(obj.name)}.pdf"
    )


def _qbr_context(request: HttpRequest, alliance: Alliance) -> dict[str, Any]:
    from amity.agreements.models import Commitment
    from amity.assessments import scoring
    from amity.assessments.models import Assessment
    from amity.governance.models import ActionItem
    from amity.pipeline.forecast import forecast
    from amity.planning.models import JointBusinessPlan, Milestone

    kind, period, _ = _period(request)
    today = timezone.localdate()
    card = kpis.scorecard([alliance.pk], period.start, period.end)
    plan = (
        JointBusinessPlan.objects.filter(alliance=alliance, archived_at__isnull=True)
        .order_by("-fiscal_year")
        .first()
    )
    commitments = Commitment.objects.visible_to(request.user).filter(
        alliance=alliance, archived_at__isnull=True
    )
    open_or_missed = commitments.filter(status__in=["agreed", "in_progress", "missed"]).select_related(
        "party"
    )
    health = (
        Assessment.objects.filter(
            alliance=alliance, archived_at__isnull=True, instrument__key="alliance-health"
        )
        .select_related("instrument")
        .order_by("-opened_on", "-pk")
        .first()
    )
    health_result = scoring.score(health) if health else None
    fc = forecast(user=request.user, alliance=alliance, today=today)
    dims = card.dimensions
    return {
        "alliance": alliance,
        "period": period,
        "card": card,
        "card_svg": pdf.hbar_svg(
            [d.label for d in dims],
            [d.score or 0 for d in dims],
            colors=[
                "#3a9d8f" if (d.score or 0) >= 75 else "#c9a227" if (d.score or 0) >= 40 else "#e76f51"
                for d in dims
            ],
            fmt=lambda v: f"{v:.1f}",
        ),
        "plan": plan,
        "forecast": fc,
        "commitments": open_or_missed.order_by("due_date")[:15],
        "milestones": Milestone.objects.filter(
            alliance=alliance, archived_at__isnull=True, due_date__gte=today - timedelta(days=90)
        ).order_by("due_date")[:12],
        "actions": ActionItem.objects.filter(alliance=alliance, status="open")
        .select_related("owner")
        .order_by("due_date")[:12],
        "health": health,
        "health_result": health_result,
    }


@login_required
def qbr_pack(request: HttpRequest, pk: int) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    alliance = alliance_detail(user=request.user, pk=pk)
    context = _qbr_context(request, alliance)
    return _pdf_response(request, "scorecards/pdf/qbr.html", context, f"qbr-{slugify(alliance.name)}.pdf")


@login_required
def portfolio_report(request: HttpRequest) -> HttpResponse:
    from .views import portfolio_rows

    require_internal(request.user, INTERNAL)
    kind, period, _ = _period(request)
    rows, total = portfolio_rows(request.user, period)
    context = {"period": period, "rows": rows, "total": total}
    return _pdf_response(
        request, "scorecards/pdf/portfolio.html", context, f"portfolio-report-{period.start:%Y-%m}.pdf"
    )
