"""Forms of the partner portal: invite, accept an invitation, filter the partner users."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from amity.core.forms import VisibleForm
from amity.partners.models import Organization


class InviteForm(VisibleForm):
    email = forms.EmailField(label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"col": "col-12"}))
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)


class AcceptForm(VisibleForm):
    """The invitee chooses a username (their e-mail address unless taken) and a password."""

    first_name = forms.CharField(
        max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    username = forms.CharField(
        max_length=150,
        help_text="You sign in with it. Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "col": "col-12"}),
    )
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "col": "col-12"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_confirm = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "col": "col-12"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("password")
            and data.get("password_confirm")
            and data["password"] != data["password_confirm"]
        ):
            self.add_error("password_confirm", "The two passwords differ.")
        return data


STATUS_CHOICES = [("active", "Active"), ("inactive", "Deactivated"), ("all", "Everyone")]
SIGNED_IN_CHOICES = [("", "Any time"), ("stale", "Not in the last 90 days"), ("never", "Never")]


class PartnerUserFilterForm(VisibleForm):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "name, e-mail, username"}),
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.filter(is_home=False).order_by("name"),
        required=False,
        empty_label="All partners",
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, initial="active")
    signed_in = forms.ChoiceField(choices=SIGNED_IN_CHOICES, required=False, label="Last sign-in")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = css + (
                " form-select-sm" if "form-select" in css else " form-control-sm"
            )
