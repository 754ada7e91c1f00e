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


# --- incentives ----------------------------------------------------------------------------------


class PlanForm(VisibleModelForm):
    class Meta:
        from .models import IncentivePlan

        model = IncentivePlan
        fields = [
            "name",
            "audience",
            "currency",
            "valid_from",
            "valid_to",
            "quarterly_target",
            "quarterly_cap",
            "active",
            "description",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


def _role_choices():
    from amity.pipeline.models import PartnerRole

    return PartnerRole.choices


class RuleForm(VisibleForm):
    name = forms.CharField(max_length=200)
    order = forms.IntegerField(min_value=0, initial=10)
    kind = forms.ChoiceField(
        choices=(("percent", "Percentage of closed-won revenue"), ("fixed", "Fixed amount per won deal"))
    )
    partner_roles = forms.MultipleChoiceField(
        choices=_role_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Deals count where a partner has one of these roles; none ticked: any partner role.",
    )
    registered_only = forms.BooleanField(
        required=False, label="Only deals with an approved deal registration"
    )
    min_deal_amount = forms.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=0)
    rate_percent = forms.DecimalField(
        label="Rate (%)", required=False, max_digits=6, decimal_places=3, min_value=0, max_value=100
    )
    accelerated_percent = forms.DecimalField(
        label="Rate above target (%)",
        required=False,
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
    )
    fixed_amount = forms.DecimalField(
        required=False, max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )


class EnrollmentForm(VisibleForm):
    rep = forms.ModelChoiceField(queryset=None, required=False, label="Rep")
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), required=False, label="Partner"
    )
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, plan=None, **kwargs):
        from django.contrib.auth import get_user_model

        from amity.core.roles import INTERNAL_ROLES

        super().__init__(*args, user=user, **kwargs)
        self.fields["rep"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, role__in=sorted(INTERNAL_ROLES))
            .order_by("username")
        )
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user).active().filter(is_home=False).order_by("name")
        )
        if plan is not None:
            del self.fields["organization" if plan.audience == "rep" else "rep"]


class StatementPayForm(VisibleForm):
    paid_on = forms.DateField(label="Paid on", widget=forms.DateInput(attrs={"type": "date"}))
    payment_reference = forms.CharField(
        max_length=100, label="Reference", help_text="Payroll run or bank transfer."
    )


class ComputeForm(VisibleForm):
    day = forms.DateField(
        label="Quarter containing",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Any day of the quarter.",
    )
