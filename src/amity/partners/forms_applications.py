"""Forms of the become-a-partner application: the public form (with its honeypot), and the
vetting, approval and rejection forms of our editors. They parse; the services write."""

from __future__ import annotations

from typing import Any

from django import forms

from amity.alliances.models import AllianceType
from amity.core.forms import MarkInvalidMixin, _bootstrap

from .models import Organization
from .models_applications import MAX_TEXT, PartnerApplication

#: The honeypot: a field people never see (hidden from sight, screen readers and tabbing) that
#: form-filling robots fill in. Its name looks worth filling.
HONEYPOT = "company_fax"


class ApplicationForm(MarkInvalidMixin, forms.ModelForm):
    website = forms.URLField(
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://www.example.com", "autocomplete": "url"}),
    )
    company_fax = forms.CharField(required=False, label="Leave this field empty")
    consent = forms.BooleanField(
        label="You may store these details to handle my application and contact me about it.",
        error_messages={"required": "We need your consent to store the application."},
    )

    class Meta:
        model = PartnerApplication
        fields = [
            "company_name",
            "website",
            "country",
            "partner_kind",
            "size",
            "contact_first_name",
            "contact_last_name",
            "contact_email",
            "contact_title",
            "proposal",
            "capabilities",
        ]
        labels = {"country": "Country", "contact_email": "Work e-mail"}
        widgets = {
            "company_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "country": forms.TextInput(
                attrs={"placeholder": "NL", "maxlength": 2, "style": "text-transform: uppercase"}
            ),
            "contact_first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "contact_last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "proposal": forms.Textarea(attrs={"rows": 5, "maxlength": MAX_TEXT}),
            "capabilities": forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != HONEYPOT:
                _bootstrap(field)
        self.fields["partner_kind"].choices = [
            ("", "Choose…"),
            *[c for c in self.fields["partner_kind"].choices if c[0]],
        ]
        self.fields["size"].choices = [("", "Choose…"), *[c for c in self.fields["size"].choices if c[0]]]
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_robot(self) -> bool:
        """The honeypot was filled in: a robot (it is told nothing; nothing is stored)."""
        return bool((self.data.get(HONEYPOT) or "").strip())

    def clean_proposal(self) -> str:
        value = self.cleaned_data["proposal"].strip()
        if len(value) < 20:
            raise forms.ValidationError(
                "Tell us a little more: what would we do together, for which customers?"
            )
        return value

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, "The text contains a null character.")
        return data


class VettingForm(MarkInvalidMixin, forms.Form):
    notes = forms.CharField(
        label="Vetting notes",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(
            attrs={"rows": 4, "class": "form-control", "placeholder": "References checked, fit, risks …"}
        ),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ApproveForm(MarkInvalidMixin, forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.filter(is_home=False, archived_at__isnull=True),
        required=False,
        empty_label="Create a new organization",
        widget=forms.HiddenInput,
    )
    alliance_name = forms.CharField(max_length=200, label="Alliance name")
    alliance_type = forms.ChoiceField(choices=AllianceType.choices, label="Alliance type")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("alliance_name", "alliance_type"):
            _bootstrap(self.fields[name])


class RejectForm(MarkInvalidMixin, forms.Form):
    reason = forms.CharField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "Say why the application is rejected."},
    )
    tell_reason = forms.BooleanField(
        required=False,
        label="Include the reason in the e-mail to the applicant",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
