"""Business-case pages: the list (NPV, IRR, payback per case), a form with an editable table of
years, and the detail page (headline numbers with their calculation, scenarios, tornado, Monte
Carlo, cash flows). The math lives in ``business_case.py``; writes go through
``model_create`` / ``model_update`` so permissions and history apply. Internal users only;
alliance managers and admins edit.

The helpers :func:`case_of`, :func:`analyse`, :func:`validated_case` and :func:`years_json` are
shared with the REST API (``api_business_case.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from amity.core.forms import VisibleModelForm
from amity.core.permissions import get_visible_or_404, is_editor, require_internal
from amity.core.services import ConflictError, model_create, model_update, validation_messages

from . import business_case as bc
from .models import BusinessCase

#: Why anyone but our own people is refused here.
INTERNAL = "Business cases are internal."

#: Rows of the years table on the form (more are shown when a case already has more years).
FORM_YEARS = 10
YEAR_FIELDS = ("investment", "costs", "revenue_uplift", "margin_percent")
YEAR_LABELS = {
    "investment": "Investment",
    "costs": "Running costs",
    "revenue_uplift": "Revenue uplift",
    "margin_percent": "Margin %",
}
#: Monte Carlo settings of the pages and the API (same seed: the same numbers every time).
MC_RUNS = 10_000
MC_BINS = 30
SWING_PERCENT = Decimal(20)


# --- shared with the API -------------------------------------------------------------------------


def years_json(years: list[bc.Year]) -> list[dict[str, str]]:
    """Years as stored in ``BusinessCase.years``: every field, as a decimal string."""
    return [{name: format(getattr(y, name), "f") for name in YEAR_FIELDS} for y in years]


def case_of(obj: BusinessCase) -> bc.Case:
    """The stored business case as a :class:`business_case.Case` (raises ``CaseError``)."""
    return bc.case_from_dict(
        {
            "name": obj.name,
            "currency": obj.currency,
            "discount_rate": obj.discount_rate,
            "years": obj.years,
        }
    )


def validated_case(data: dict[str, Any], *, scenario_multipliers: Any = None, spreads: Any = None) -> bc.Case:
    """Build and check a case from plain data; errors become a ``ValidationError`` per field.

    The field names are the ones ``CaseError`` gives (``years[2].costs``), with the multiplier
    and spread errors under ``scenario_multipliers.…`` and ``spreads.…``.
    """
    try:
        case = bc.case_from_dict(data)
        if scenario_multipliers:
            bc.scenarios(case, scenario_multipliers)
        if spreads:
            bc.monte_carlo(case, runs=1, spreads=spreads, bins=1)
    except bc.CaseError as exc:
        field = exc.field
        if field.startswith("multipliers."):
            field = "scenario_multipliers." + field.removeprefix("multipliers.")
        raise ValidationError({field: [exc.message]}) from None
    return case


@dataclass(frozen=True)
class Analysis:
    case: bc.Case
    result: bc.CaseResult
    scenarios: bc.Scenarios
    tornado: list[bc.TornadoBar]
    monte_carlo: bc.MonteCarloResult
    explanation: list[str]
    cash_flow_explanation: list[str]


def analyse(obj: BusinessCase) -> Analysis:
    """Everything the detail page and the API show about one case (raises ``CaseError``)."""
    case = case_of(obj)
    return Analysis(
        case=case,
        result=bc.evaluate(case),
        scenarios=bc.scenarios(case, obj.scenario_multipliers or None),
        tornado=bc.sensitivity(case, SWING_PERCENT),
        monte_carlo=bc.monte_carlo(case, runs=MC_RUNS, spreads=obj.spreads or None, bins=MC_BINS),
        explanation=bc.explain(case),
        cash_flow_explanation=bc.explain_cash_flows(case),
    )


def summary(obj: BusinessCase) -> bc.CaseResult | None:
    """NPV, IRR and payback of a stored case, or None when its stored data is not a valid case."""
    try:
        return bc.evaluate(case_of(obj))
    except bc.CaseError:
        return None


# --- pages ---------------------------------------------------------------------------------------


def compact(value: Decimal | float) -> str:
    """``1234567`` -> ``"1.23M"``, ``-45200`` -> ``"-45.2k"``: short labels for chart axes."""
    number = float(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(number) >= size:
            return f"{number / size:.3g}{suffix}"
    return f"{number:.3g}"


class BusinessCaseForm(VisibleModelForm):
    class Meta:
        model = BusinessCase
        fields = ["name", "alliance", "currency", "discount_rate", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3, "col": "col-12"})}
        help_texts = {
            "alliance": "Optional: the alliance this case is for.",
            "discount_rate": "Percent per year; year 0 is not discounted.",
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["col"] = "col-md-6"
        self.fields["alliance"].widget.attrs["col"] = "col-md-6"
        self.fields["currency"].widget.attrs["col"] = "col-md-3"
        self.fields["discount_rate"].widget.attrs["col"] = "col-md-3"

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()


def _year_rows(request: HttpRequest, obj: BusinessCase | None) -> list[dict[str, str]]:
    """The raw cells of the years table: from the POST, else from the stored case."""
    if request.method == "POST":
        rows = []
        for i in range(bc.MAX_YEARS):
            keys = [f"years-{i}-{name}" for name in YEAR_FIELDS]
            if not any(k in request.POST for k in keys):
                break
            rows.append(
                {name: request.POST.get(k, "").strip() for name, k in zip(YEAR_FIELDS, keys, strict=True)}
            )
        return rows
    stored = [
        {name: _cell(row.get(name)) for name in YEAR_FIELDS}
        for row in (obj.years if obj is not None else [])
        if isinstance(row, dict)
    ]
    return stored


def _cell(value: Any) -> str:
    if value is None:
        return ""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except ArithmeticError:
        return str(value)


def _parse_years(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The years to save (trailing blank rows dropped; a blank cell takes the default of
    :class:`business_case.Year`: 0, or 100 for the margin) and an error per cell
    (``"years[2].costs"``), each checked by ``business_case`` itself."""
    last = max((i for i, row in enumerate(rows) if any(row.values())), default=-1)
    years: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for i, row in enumerate(rows[: last + 1]):
        year = {name: value for name, value in row.items() if value != ""}
        for name, value in year.items():
            try:  # one cell alone, so every bad cell is reported, not only the first
                bc.Year(**{name: value}).validate()
            except bc.CaseError as exc:
                errors[f"years[{i}].{name}"] = exc.message
        years.append(year)
    return years, errors


def _table(rows: list[dict[str, str]], errors: dict[str, str]) -> list[dict[str, Any]]:
    """Rows for the template: each cell with its input name, value and error."""
    count = max(FORM_YEARS, len(rows))
    table = []
    for i in range(count):
        row = rows[i] if i < len(rows) else {}
        table.append(
            {
                "year": i,
                "cells": [
                    {
                        "name": f"years-{i}-{name}",
                        "field": name,
                        "label": f"Year {i} {YEAR_LABELS[name].lower()}",
                        "value": row.get(name, ""),
                        "error": errors.get(f"years[{i}].{name}"),
                        "placeholder": "100" if name == "margin_percent" else "0",
                    }
                    for name in YEAR_FIELDS
                ],
            }
        )
    return table


@login_required
def business_case_list(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    qs = (
        BusinessCase.objects.visible_to(request.user)
        .filter(archived_at__isnull=True)
        .select_related("alliance")
        .order_by("-updated_at", "name", "pk")
    )
    alliance = request.GET.get("alliance")
    if alliance and alliance.isdigit():
        qs = qs.filter(alliance_id=int(alliance))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(obj, summary(obj)) for obj in page.object_list]
    return render(
        request,
        "scorecards/business_case_list.html",
        {"title": "Business cases", "page": page, "rows": rows, "editor": is_editor(request.user)},
    )


@login_required
def business_case_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    user = request.user
    obj = get_visible_or_404(BusinessCase, user, pk=pk) if pk is not None else None
    if not is_editor(user):
        raise PermissionDenied
    form = BusinessCaseForm(request.POST or None, instance=obj, user=user)
    rows = _year_rows(request, obj)
    year_errors: dict[str, str] = {}
    years_error = ""
    status = 200
    if request.method == "POST":
        status = 422
        years, year_errors = _parse_years(rows)
        if form.is_valid() and not year_errors:
            data = {
                "name": form.cleaned_data["name"],
                "currency": form.cleaned_data["currency"],
                "discount_rate": form.cleaned_data["discount_rate"],
                "years": years,
            }
            try:
                case = validated_case(data)
                fields = {k: form.cleaned_data[k] for k in BusinessCaseForm.Meta.fields}
                fields["years"] = years_json(case.years)
                if obj is None:
                    saved = model_create(model=BusinessCase, data={**fields, "created_by": user}, user=user)
                else:
                    version = request.POST.get("version")
                    saved, _ = model_update(
                        instance=obj,
                        data=fields,
                        user=user,
                        expected_version=int(version) if version and version.isdigit() else None,
                    )
            except ConflictError as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                for field, texts in validation_messages(exc).items():
                    text = " ".join(texts)
                    if field.startswith("years["):
                        year_errors[field] = text
                    elif field == "years":
                        years_error = text
                    elif field in form.fields:
                        form.add_error(field, text)
                    else:
                        form.add_error(None, text if field == "__all__" else f"{field}: {text}")
            else:
                messages.success(request, f"Saved {saved}.")
                return redirect(saved)
    return render(
        request,
        "scorecards/business_case_form.html",
        {
            "title": f"Edit {obj}" if obj else "New business case",
            "form": form,
            "object": obj,
            "table": _table(rows, year_errors),
            "year_labels": [YEAR_LABELS[name] for name in YEAR_FIELDS],
            "years_error": years_error,
            "has_year_errors": bool(year_errors or years_error),
            "version": obj.version if obj else None,
        },
        status=status,
    )


@login_required
def business_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    obj = get_visible_or_404(BusinessCase, request.user, pk=pk)
    context: dict[str, Any] = {"title": obj.name, "object": obj, "editor": is_editor(request.user)}
    context.update(detail_context(obj))
    return render(request, "scorecards/business_case_detail.html", context)


def detail_context(obj: BusinessCase) -> dict[str, Any]:
    """What the detail page and the one-page PDF show (``error`` when the stored case is invalid)."""
    context: dict[str, Any] = {}
    try:
        analysis = analyse(obj)
    except bc.CaseError as exc:
        context["error"] = str(exc)
        return context
    case, result, mc = analysis.case, analysis.result, analysis.monte_carlo
    base = 1 + case.discount_rate / 100
    rows, cumulative, discounted_cumulative = [], Decimal(0), Decimal(0)
    for t, (year, flow) in enumerate(zip(case.years, result.cash_flows, strict=True)):
        discounted = bc.npv(case.discount_rate, [Decimal(0)] * t + [flow])
        cumulative += flow
        discounted_cumulative += discounted
        rows.append(
            {
                "t": t,
                "year": year,
                "flow": flow,
                "discounted": discounted,
                "cumulative": cumulative,
                "discounted_cumulative": discounted_cumulative,
            }
        )
    centers = [(lo + hi) / 2 for lo, hi in zip(mc.bin_edges, mc.bin_edges[1:], strict=False)]
    tornado = analysis.tornado
    context.update(
        {
            "case": case,
            "result": result,
            "rows": rows,
            "discount_base": format(base.normalize(), "f"),
            "explanation": analysis.explanation,
            "cash_flow_explanation": analysis.cash_flow_explanation,
            "scenarios": [
                {
                    "name": s.name,
                    "factors": ", ".join(
                        f"{bc.DRIVER_LABELS[d].lower()} × {format(f.normalize(), 'f')}"
                        for d, f in s.multipliers.items()
                    )
                    or "as entered",
                    "result": s.result,
                }
                for s in analysis.scenarios
            ],
            "tornado": tornado,
            "swing": format(SWING_PERCENT.normalize(), "f"),
            "tornado_chart": {
                "labels": [bar.label for bar in tornado],
                "values": [float(bar.range) for bar in tornado],
                "colors": ["#5b4fcf"] * len(tornado),
            },
            "mc": mc,
            "mc_negative_percent": mc.probability_negative * 100,
            "mc_spreads": ", ".join(
                f"{bc.DRIVER_LABELS[d].lower()} ±{s * 100:g} %" for d, s in mc.spreads.items() if s
            )
            or "none",
            "mc_chart": {
                "labels": [compact(c) for c in centers],
                "values": mc.counts,
                "colors": ["#e76f51" if c < 0 else "#3a9d8f" for c in centers],
                "rotate": 45,
            },
        }
    )
    return context


urlpatterns = [
    path("scorecards/business-cases/", business_case_list, name="business_case_list"),
    path("scorecards/business-cases/new/", business_case_edit, name="business_case_create"),
    path("scorecards/business-cases/<int:pk>/", business_case_detail, name="business_case_detail"),
    path("scorecards/business-cases/<int:pk>/edit/", business_case_edit, name="business_case_edit"),
]
