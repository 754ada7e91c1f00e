"""Forms for API tokens, the authenticator code, and the sign-in record's filters."""

from __future__ import annotations

from django import forms

from .models import ApiToken, SignInEvent


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, initial="API token", widget=forms.TextInput(attrs={"class": "form-control"})
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text="Read only may only GET; read and write may do whatever you may.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        initial=90,
        label="Expires after (days)",
        help_text="Empty: never expires.",
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "never"}),
    )


class CodeForm(forms.Form):
    """A six-digit code from an authenticator app."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg text-center font-monospace",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "col": "col-12",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the six digits your authenticator app shows.")
        return code


class SignInFilterForm(forms.Form):
    user = forms.CharField(
        required=False,
        label="Username",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Any outcome"), *SignInEvent.Outcome.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
