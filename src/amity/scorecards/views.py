"""Balanced scorecard pages: the portfolio (every alliance × five dimensions), an alliance's
scorecard with each KPI's formula, calculation and inputs, alliance costs, KPI definitions."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from amity.alliances import sharing
from amity.alliances.models import Alliance, DataKind
from amity.alliances.selectors import alliance_detail
from amity.alliances.views import alliance_header_context
from amity.core import periods
from amity.core.forms import VisibleModelForm
from amity.core.permissions import get_visible_or_404, is_editor, is_internal, require_internal
from amity.core.services import model_create, model_update
from amity.core.views import _errors_to_form

from . import kpis
from .models import KPI, AllianceCost, Dimension

#: Why anyone but our own people is refused here.
INTERNAL = "Scorecards are our own yardsticks."


def _period(request: HttpRequest) -> tuple[str, periods.Period, list[tuple[str, str, str]]]:
    """The chosen period (``?period=fy|quarter&day=``) and the choices around today."""
    kind = "quarter" if request.GET.get("period") == "quarter" else "fy"
    try:
        day = date.fromisoformat(request.GET.get("day") or "")
    except ValueError:
        day = timezone.localdate()
    period = kpis.period_of(kind, day)
    year = periods.fiscal_year_of(timezone.localdate())
    choices = [
        ("fy", p.start.isoformat(), p.label) for p in (periods.fiscal_year(y) for y in (year - 1, year))
    ]
    choices += [
        ("quarter", q.start.isoformat(), q.label)
        for y in (year - 1, year)
        for q in periods.fiscal_quarters(y)
    ]
    return kind, period, choices


#: Alliances per page of the portfolio scorecard; the PDF report has every one.
PORTFOLIO_PAGE_SIZE = 50


def _scored_alliances(user) -> list[Alliance]:
    """Every visible alliance past identification, strategic tiers first."""
    return list(
        Alliance.objects.visible_to(user)
        .filter(archived_at__isnull=True)
        .exclude(stage__in=["retired", "identify"])
        .select_related("tier")
        .order_by(F("tier__rank").asc(nulls_last=True), "name")
    )


def portfolio_rows(user, period) -> tuple[list, kpis.Scorecard]:
    """(alliance, scorecard) for every visible alliance past identification, and the portfolio's."""
    everyone = _scored_alliances(user)
    return _scored(everyone, everyone, period)


def portfolio_page(user, period, page_number=None) -> tuple[Page, list, kpis.Scorecard]:
    """One page of the portfolio scorecard: (page, rows, the portfolio's scorecard). Only the
    page's alliances are scored one by one; the portfolio row still covers them all."""
    everyone = _scored_alliances(user)
    page = Paginator(everyone, PORTFOLIO_PAGE_SIZE).get_page(page_number)
    rows, total = _scored(list(page.object_list), everyone, period)
    return page, rows, total


def _scored(shown: list[Alliance], everyone: list[Alliance], period) -> tuple[list, kpis.Scorecard]:
    # One batch: each shown alliance's scorecard (by id) and the portfolio's (None), in a
    # constant number of queries.
    groups: dict[int | None, list[int]] = {a.pk: [a.pk] for a in shown}
    groups[None] = [a.pk for a in everyone]
    cards = kpis.scorecards(groups, period.start, period.end)
    return [(a, cards[a.pk]) for a in shown], cards[None]


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    kind, period, choices = _period(request)
    page, rows, total = portfolio_page(request.user, period, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scorecards/portfolio.html",
        {
            "title": "Balanced scorecard",
            "period": period,
            "kind": kind,
            "choices": choices,
            "rows": rows,
            "page": page,
            "querystring": query.urlencode(),
            "total": total,
            "dimensions": Dimension.choices,
        },
    )


class CostForm(VisibleModelForm):
    class Meta:
        model = AllianceCost
        fields = [
            "kind",
            "period_start",
            "period_end",
            "description",
            "fte",
            "loaded_cost_per_fte",
            "amount",
            "currency",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = False


@login_required
def alliance_scorecard(request: HttpRequest, pk: int, *, cost_form: CostForm | None = None) -> HttpResponse:
    alliance = alliance_detail(user=request.user, pk=pk)
    internal = is_internal(request.user)
    if not internal:
        # A partner sees the scorecard only where the alliance shares it (costs never).
        if not sharing.sees(request.user.organization_id, alliance.pk, DataKind.SCORECARD):
            raise Http404
        cost_form = None
    kind, period, choices = _period(request)
    card = kpis.scorecard([alliance.pk], period.start, period.end)
    costs = AllianceCost.objects.filter(alliance=alliance, archived_at__isnull=True).order_by(
        "-period_start", "kind"
    )
    if not internal:
        costs = costs.none()
    context = alliance_header_context(request, alliance, tab="scorecard")
    context.update(
        {
            "card": card,
            "period": period,
            "kind": kind,
            "choices": choices,
            "costs": costs,
            "editor": is_editor(request.user),
            # Money KPIs (won revenue …) are revenue figures made of our deals' amounts.
            "revenue_shared": internal
            or (
                sharing.sees(request.user.organization_id, alliance.pk, DataKind.REVENUE)
                and sharing.sees(request.user.organization_id, alliance.pk, DataKind.PIPELINE)
            ),
            "cost_form": cost_form
            or CostForm(user=request.user, initial={"period_start": period.start, "period_end": period.end}),
            "chart": {
                "indicators": [{"name": d.label, "max": 100} for d in card.dimensions],
                "series": [
                    {
                        "name": alliance.name,
                        "values": [float(d.score) if d.score is not None else 0 for d in card.dimensions],
                    }
                ],
            },
        }
    )
    return render(request, "scorecards/alliance_scorecard.html", context, status=422 if cost_form else 200)


@login_required
@require_POST
def cost_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    alliance = alliance_detail(user=request.user, pk=pk)
    form = CostForm(request.POST, user=request.user)
    if form.is_valid():
        data = {**form.cleaned_data, "alliance": alliance}
        if data.get("amount") is None:
            data["amount"] = 0
        try:
            model_create(model=AllianceCost, data=data, user=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Cost recorded: the KPIs that use alliance cost now include it.")
            return redirect("scorecards:alliance_scorecard", pk=alliance.pk)
    return alliance_scorecard(request, pk, cost_form=form)


class KPIForm(VisibleModelForm):
    class Meta:
        model = KPI
        fields = [
            "name",
            "dimension",
            "formula",
            "unit",
            "higher_is_better",
            "target",
            "green_at",
            "amber_at",
            "weight",
            "active",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


@login_required
def kpi_list(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    from .measures import MEASURES

    return render(
        request,
        "scorecards/kpi_list.html",
        {
            "title": "KPIs",
            "kpis": KPI.objects.visible_to(request.user)
            .filter(archived_at__isnull=True)
            .prefetch_related("benchmarks"),
            "measures": sorted(MEASURES),
            "editor": is_editor(request.user),
        },
    )


@login_required
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    kpi = get_visible_or_404(KPI, request.user, pk=pk)
    if not is_editor(request.user):
        raise PermissionDenied
    form = KPIForm(request.POST or None, instance=kpi, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            model_update(
                instance=kpi, data={k: form.cleaned_data[k] for k in KPIForm.Meta.fields}, user=request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Saved {kpi.name}.")
            return redirect("scorecards:kpi_list")
    return render(
        request,
        "scorecards/kpi_form.html",
        {"title": f"Edit KPI: {kpi.name}", "form": form, "kpi": kpi},
        status=422 if form.errors else 200,
    )
