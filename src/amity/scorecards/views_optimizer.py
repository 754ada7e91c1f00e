"""Portfolio optimizer pages (internal users only): the recommendation of an engagement level per
alliance within a capacity and a budget, and editing one alliance's engagement options.

The optimizer itself is ``optimizer.py``; ``services_optimizer`` reads the options and runs it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from amity.alliances.models import Alliance
from amity.core.forms import VisibleForm
from amity.core.permissions import get_visible_or_404, is_editor, require_internal
from amity.core.services import model_archive, model_create, model_update

from . import services_optimizer as svc
from .models import EngagementOption
from .optimizer import OptimizerError

#: Why anyone but our own people is refused here.
INTERNAL = "The portfolio optimizer is for internal users only."

LEVEL_COLORS = {"strategic": "#5b4fcf", "managed": "#2f6690", "self-service": "#3a9d8f", "exit": "#e76f51"}
TODAY_COLOR = "#c3c7d4"
BINDING_WORDS = {
    "capacity": "capacity (FTE)",
    "budget": "budget",
    "capacity+budget": "capacity and budget together",
    "targets": "maximum count per level",
    "alliance": "an alliance's own rules (must keep)",
}


def _max_field(level: str) -> str:
    return "max_" + level.replace("-", "_")


class OptimizerForm(VisibleForm):
    capacity_fte = forms.DecimalField(
        label="Capacity (FTE)",
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        help_text="Alliance-management people available, in full-time equivalents.",
    )
    budget = forms.DecimalField(
        label="Budget",
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        help_text="Yearly budget for running the alliances.",
    )
    budget_step = forms.DecimalField(
        label="Budget step",
        min_value=Decimal("0.01"),
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text="“What is more budget worth?” is asked for this much more.",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        currency = settings.AMITY_REPORTING_CURRENCY
        self.fields["budget"].label = f"Budget ({currency})"
        self.fields["budget_step"].label = f"Budget step ({currency})"
        for level in svc.LEVELS:
            name = _max_field(level)
            self.fields[name] = forms.IntegerField(
                label=svc.LEVEL_LABELS[level],
                min_value=0,
                max_value=100000,
                required=False,
            )
            self.fields[name].widget.attrs.update(
                {"class": "form-control form-control-sm", "placeholder": "any"}
            )
        for name in ("capacity_fte", "budget", "budget_step"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["budget_step"].widget.attrs["placeholder"] = str(svc.DEFAULT_BUDGET_STEP)

    def max_fields(self) -> list[forms.BoundField]:
        return [self[_max_field(level)] for level in svc.LEVELS]

    def max_per_level(self) -> dict[str, int | None]:
        return {level: self.cleaned_data.get(_max_field(level)) for level in svc.LEVELS}


def _chart(outcome: svc.Outcome) -> dict[str, Any]:
    """Today's and the recommended count per level, side by side in one bar chart."""
    labels, values, colors = [], [], []
    for level in svc.LEVELS:
        label = svc.LEVEL_LABELS[level]
        labels += [f"{label} · today", f"{label} · recommended"]
        values += [outcome.portfolio.current_counts.get(level, 0), outcome.recommended_counts.get(level, 0)]
        colors += [TODAY_COLOR, LEVEL_COLORS[level]]
    return {"labels": labels, "values": values, "colors": colors}


@login_required
def optimizer_page(request: HttpRequest) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    user = request.user
    portfolio = svc.portfolio_options(user=user)
    if request.method == "POST":
        data = request.POST
    elif "capacity_fte" in request.GET or "budget" in request.GET:
        data = request.GET
    else:
        data = None
    limits = svc.tier_limits()
    form = OptimizerForm(
        data,
        user=user,
        initial={
            "capacity_fte": portfolio.current_fte,
            "budget": portfolio.current_cost,
            "budget_step": svc.DEFAULT_BUDGET_STEP,
            **{_max_field(level): limit.max_count for level, limit in limits.items()},
        },
    )
    for level, limit in limits.items():
        form.fields[_max_field(level)].help_text = f"Tiers: {limit.explanation}"
    outcome, status = None, 200
    if data is None:
        # The question the page opens with: with today's people and budget, what is the best mix?
        if portfolio.entries:
            outcome = svc.run(user=user, portfolio=portfolio)
    elif form.is_valid():
        try:
            outcome = svc.run(
                user=user,
                portfolio=portfolio,
                capacity_fte=form.cleaned_data["capacity_fte"],
                budget=form.cleaned_data["budget"],
                max_per_level=form.max_per_level(),
                budget_step=form.cleaned_data.get("budget_step"),
            )
        except OptimizerError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 422
    else:
        status = 422
    recommendation = outcome.recommendation if outcome else None
    return render(
        request,
        "scorecards/optimizer.html",
        {
            "title": "Portfolio optimizer",
            "form": form,
            "portfolio": portfolio,
            "outcome": outcome,
            "recommendation": recommendation,
            "comparison": recommendation.comparison if recommendation else None,
            "totals": recommendation.totals if recommendation else None,
            "binding": BINDING_WORDS.get(recommendation.binding_constraint or "") if recommendation else None,
            "chart": _chart(outcome) if outcome and recommendation and recommendation.totals else None,
            "level_rows": [
                (
                    svc.LEVEL_LABELS[level],
                    portfolio.current_counts.get(level, 0),
                    outcome.recommended_counts.get(level, 0) if outcome and recommendation.totals else None,
                    outcome.max_per_level.get(level) if outcome else None,
                )
                for level in svc.LEVELS
            ],
            "currency": settings.AMITY_REPORTING_CURRENCY,
            "editor": is_editor(user),
        },
        status=status,
    )


# --- an alliance's engagement options --------------------------------------------------------------


class OptionsForm(VisibleForm):
    """One row per level: offered?, expected value, effort, cost; plus today's level and must-keep."""

    current = forms.ChoiceField(label="Today's level", required=False, widget=forms.RadioSelect, choices=())
    must_keep = forms.BooleanField(label="Must keep (the optimizer may not recommend exit)", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["current"].choices = [("", "None")] + [(lv, svc.LEVEL_LABELS[lv]) for lv in svc.LEVELS]
        for level in svc.LEVELS:
            key = level.replace("-", "_")
            self.fields[f"{key}_offered"] = forms.BooleanField(required=False, label="Offered")
            self.fields[f"{key}_value"] = forms.DecimalField(
                required=False, max_digits=16, decimal_places=2, label="Expected value"
            )
            self.fields[f"{key}_fte"] = forms.DecimalField(
                required=False, min_value=Decimal(0), max_digits=6, decimal_places=2, label="Effort (FTE)"
            )
            self.fields[f"{key}_cost"] = forms.DecimalField(
                required=False, min_value=Decimal(0), max_digits=14, decimal_places=2, label="Cost"
            )
            for suffix in ("value", "fte", "cost"):
                self.fields[f"{key}_{suffix}"].widget.attrs["class"] = "form-control form-control-sm text-end"

    def rows(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        out = []
        for level in svc.LEVELS:
            key = level.replace("-", "_")
            fields = [self[f"{key}_{s}"] for s in ("offered", "value", "fte", "cost")]
            out.append((level, svc.LEVEL_LABELS[level], fields))
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        offered = []
        for level in svc.LEVELS:
            key = level.replace("-", "_")
            if not data.get(f"{key}_offered"):
                continue
            offered.append(level)
            for suffix in ("value", "fte", "cost"):
                if data.get(f"{key}_{suffix}") is None and f"{key}_{suffix}" not in self.errors:
                    self.add_error(f"{key}_{suffix}", f"Required when {svc.LEVEL_LABELS[level]} is offered.")
        current = data.get("current")
        if current and current not in offered:
            self.add_error("current", "Today's level must be one of the offered levels.")
        data["offered"] = offered
        return data


@login_required
def optimizer_options(request: HttpRequest, pk: int) -> HttpResponse:
    require_internal(request.user, INTERNAL)
    user = request.user
    alliance = get_visible_or_404(Alliance, user, pk=pk)
    if not is_editor(user):
        raise PermissionDenied("Only alliance managers edit engagement options.")
    existing = {
        o.level: o
        for o in EngagementOption.objects.visible_to(user).active().filter(alliance=alliance).order_by("pk")
    }
    initial: dict[str, Any] = {
        "current": next((lv for lv, o in existing.items() if o.is_current), ""),
        "must_keep": any(o.must_keep for o in existing.values()),
    }
    for level, option in existing.items():
        key = level.replace("-", "_")
        initial.update(
            {
                f"{key}_offered": True,
                f"{key}_value": option.expected_value,
                f"{key}_fte": option.effort_fte,
                f"{key}_cost": option.cost,
            }
        )
    form = OptionsForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                for level in svc.LEVELS:
                    key = level.replace("-", "_")
                    option = existing.get(level)
                    if level not in data["offered"]:
                        if option is not None:
                            model_archive(instance=option, user=user, reason="level no longer offered")
                        continue
                    values = {
                        "expected_value": data[f"{key}_value"],
                        "effort_fte": data[f"{key}_fte"],
                        "cost": data[f"{key}_cost"],
                        "is_current": data["current"] == level,
                        "must_keep": bool(data["must_keep"]),
                    }
                    if option is None:
                        model_create(
                            model=EngagementOption,
                            data={"alliance": alliance, "level": level, **values},
                            user=user,
                        )
                    else:
                        model_update(instance=option, data=values, user=user)
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        else:
            messages.success(request, f"Saved the engagement options of {alliance.name}.")
            return redirect(reverse("scorecards:optimizer"))
    return render(
        request,
        "scorecards/optimizer_options.html",
        {
            "title": f"Engagement options · {alliance.name}",
            "alliance": alliance,
            "form": form,
            "currency": settings.AMITY_REPORTING_CURRENCY,
        },
        status=422 if form.errors else 200,
    )


urlpatterns = [
    path("scorecards/optimizer/", optimizer_page, name="optimizer"),
    path("scorecards/optimizer/alliances/<int:pk>/options/", optimizer_options, name="optimizer_options"),
]
