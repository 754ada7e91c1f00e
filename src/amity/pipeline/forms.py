"""Forms of the pipeline pages: they parse, the services write."""

from __future__ import annotations

from typing import Any

from django import forms

from amity.alliances.models import Alliance
from amity.core.forms import VisibleForm, VisibleModelForm
from amity.core.models import user_role
from amity.core.roles import Role

from .models import Account, DealRegistration, Opportunity, OpportunityStage


class AccountForm(VisibleModelForm):
    class Meta:
        model = Account
        fields = ["name", "domain", "country", "industry", "owner_organization", "status"]


class OpportunityForm(VisibleModelForm):
    """Fields of the opportunity itself; the alliance is added with its partner role."""

    class Meta:
        model = Opportunity
        fields = ["name", "account", "amount", "currency", "stage", "probability", "close_date", "owner"]
        widgets = {"close_date": forms.DateInput()}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["probability"].required = False
        self.fields["probability"].help_text = "Percent; empty = the stage's default."
        from amity.accounts.models import User

        self.fields["owner"].queryset = User.objects.filter(
            is_active=True, role__in=[Role.ADMIN, Role.MANAGER, Role.SALES]
        ).order_by("first_name", "last_name", "username")


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=OpportunityStage.choices)
    probability = forms.IntegerField(required=False, min_value=0, max_value=100)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["stage"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["probability"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": "default"}
        )


class RegistrationForm(VisibleForm):
    """A partner registers a deal under one of their alliances."""

    alliance = forms.ModelChoiceField(
        queryset=Alliance.objects.all(), help_text="The alliance you sell under."
    )
    company_name = forms.CharField(label="Customer company", max_length=200)
    domain = forms.CharField(label="Customer website / domain", max_length=253, required=False)
    country = forms.CharField(max_length=2, required=False, help_text="Two-letter code, e.g. DE.")
    contact_name = forms.CharField(label="Customer contact", max_length=200, required=False)
    contact_email = forms.EmailField(label="Contact e-mail", required=False)
    offering = forms.CharField(max_length=200, help_text="What the customer is buying.")
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = forms.CharField(max_length=3, initial="EUR")
    expected_close_date = forms.DateField(widget=forms.DateInput())
    notes = forms.CharField(widget=forms.Textarea, required=False)

    FIELDS = [
        "company_name",
        "domain",
        "country",
        "contact_name",
        "contact_email",
        "offering",
        "amount",
        "currency",
        "expected_close_date",
        "notes",
    ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["currency"].initial = settings.AMITY_REPORTING_CURRENCY
        if user_role(self.user) == Role.PARTNER:
            self.fields["alliance"].help_text = "One of your alliances."

    def registration_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.FIELDS}
        data["currency"] = (data["currency"] or "").upper()
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


__all__ = [
    "AccountForm",
    "OpportunityForm",
    "RegistrationForm",
    "RejectForm",
    "StageForm",
    "DealRegistration",
]
