"""Forms of leads and routing rules; they parse input, services write."""

from __future__ import annotations

from typing import Any

from django import forms

from amity.alliances.models import Alliance
from amity.core.forms import VisibleForm, VisibleModelForm

from .models import Lead, LeadRoutingRule
from .services_leads import LIVE_STAGES


class LeadForm(VisibleModelForm):
    route_now = forms.BooleanField(
        required=False,
        initial=True,
        label="Route it now by the routing rules",
        help_text="Otherwise it stays new.",
    )

    class Meta:
        model = Lead
        fields = [
            "company_name",
            "domain",
            "country",
            "industry",
            "need",
            "contact_name",
            "contact_email",
            "amount",
            "currency",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class DeclineForm(VisibleForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="Why do you decline this lead?"
    )


class RouteToForm(VisibleForm):
    alliance = forms.ModelChoiceField(
        queryset=Alliance.objects.filter(stage__in=LIVE_STAGES).order_by("name"), label="Route to alliance"
    )


def _list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").replace(";", ",").split(",") if part.strip()]


class LeadRuleForm(VisibleModelForm):
    countries = forms.CharField(
        required=False,
        help_text="Two-letter ISO codes separated by commas, e.g. DE, AT, CH; empty: any country.",
    )
    industries = forms.CharField(required=False, help_text="Separated by commas; empty: any industry.")

    class Meta:
        model = LeadRoutingRule
        fields = [
            "name",
            "priority",
            "is_active",
            "countries",
            "industries",
            "capability",
            "tiers",
            "alliance",
            "response_days",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2}), "tiers": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["countries"] = ", ".join(self.instance.countries)
            self.initial["industries"] = ", ".join(self.instance.industries)

    def clean_countries(self) -> list[str]:
        return [c.upper() for c in _list(self.cleaned_data.get("countries", ""))]

    def clean_industries(self) -> list[str]:
        return _list(self.cleaned_data.get("industries", ""))
