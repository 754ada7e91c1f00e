"""Forms for organizations and contacts: they parse input; services write."""

from __future__ import annotations

from typing import Any

from django import forms

from amity.core.forms import VisibleModelForm

from .models import Contact, Organization


class OrganizationForm(VisibleModelForm):
    """A partner organization's profile. ``is_home`` (our own company) is set up once, not here."""

    website = forms.URLField(
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "partner_kind",
            "website",
            "domain",
            "country",
            "industry",
            "size",
            "description",
            "capabilities",
            "strengths",
            "weaknesses",
        ]
        labels = {"partner_kind": "Kind", "country": "Country code"}
        widgets = {
            "country": forms.TextInput(
                attrs={
                    "placeholder": "NL",
                    "maxlength": 2,
                    "style": "text-transform: uppercase",
                    "col": "col-md-3",
                }
            ),
            "size": forms.Select(attrs={"col": "col-md-3"}),
            "domain": forms.TextInput(attrs={"placeholder": "example.com"}),
            "description": forms.Textarea(attrs={"col": "col-12", "rows": 3}),
            "capabilities": forms.Textarea(attrs={"col": "col-md-4", "rows": 5}),
            "strengths": forms.Textarea(attrs={"col": "col-md-4", "rows": 5}),
            "weaknesses": forms.Textarea(attrs={"col": "col-md-4", "rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["size"].choices = [("", "Unknown"), *list(self.fields["size"].choices)[1:]]

    def clean_country(self) -> str:
        # The model checks the code; normalising here keeps an unchanged "nl" from counting as an edit.
        return (self.cleaned_data.get("country") or "").strip().upper()


class ContactForm(VisibleModelForm):
    """A person at an organization (the organization list is what the user may see)."""

    class Meta:
        model = Contact
        fields = ["organization", "first_name", "last_name", "title", "function", "email", "phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"col": "col-12", "rows": 3})}
