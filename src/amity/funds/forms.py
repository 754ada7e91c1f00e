"""Forms of the MDF pages. They only collect input; the services validate and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from amity.core.forms import VisibleForm, VisibleModelForm
from amity.partners.models import Organization
from amity.pipeline.models import Opportunity

from .models import Budget, ExchangeRate, FundProgram


class MoneyField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)


class BudgetForm(VisibleForm):
    program = forms.ModelChoiceField(queryset=FundProgram.objects.none())
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label="Partner")
    fiscal_year = forms.IntegerField(min_value=2000, max_value=2100)
    currency = forms.CharField(max_length=3, required=False, help_text="Defaults to the reporting currency.")
    amount = MoneyField(label="Allocation")
    expiry_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Defaults to the end of the fiscal year.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["program"].queryset = FundProgram.objects.visible_to(user).active().filter(active=True)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user).active().filter(is_home=False)
        )


class TopUpForm(VisibleForm):
    amount = MoneyField(label="Top-up")
    note = forms.CharField(max_length=300, required=False)


class RenewForm(VisibleForm):
    allocation = MoneyField(label="Next year's allocation")


class RequestForm(VisibleForm):
    budget = forms.ModelChoiceField(queryset=Budget.objects.none())
    activity = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    campaign_name = forms.CharField(max_length=200, required=False)
    planned_cost = MoneyField()
    partner_share = forms.DecimalField(
        label="Partner co-funded share (%)",
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        help_text="Empty: the program's default share.",
    )
    requested_amount = MoneyField(required=False, help_text="Empty: our full share of the planned cost.")
    expected_outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    opportunities = forms.ModelMultipleChoiceField(
        queryset=Opportunity.objects.none(), required=False, label="Linked opportunities"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["budget"].queryset = (
            Budget.objects.visible_to(user).active().select_related("program", "organization")
        )
        self.fields["opportunities"].queryset = Opportunity.objects.visible_to(user).active().order_by("name")


class DecisionForm(VisibleForm):
    amount = MoneyField(
        required=False, label="Approved amount", help_text="Lower than requested = partial approval."
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ClaimForm(VisibleForm):
    amount = MoneyField()
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    files = MultipleFileField(
        label="Proof of performance",
        required=False,
        help_text="PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG, TXT or CSV.",
    )


class ReviewForm(VisibleForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}),
        required=False,
        help_text="Required to reject.",
    )


class PaymentForm(VisibleForm):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(max_length=100)


class RateForm(VisibleModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "rate", "valid_from"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"})}
