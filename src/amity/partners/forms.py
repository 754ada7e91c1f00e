"""Forms for organizations, contacts and certifications: they parse input; services write."""

from __future__ import annotations

from typing import Any

from django import forms

from amity.core.forms import VisibleModelForm

from .models import Certification, Contact, Organization


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


class CertifiedContactChoice(forms.ModelChoiceField):
    """A partner person, shown with their organization (two people may share a name)."""

    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.full_name} ({obj.organization.name})"


class CertificationForm(VisibleModelForm):
    """A training or certification of a partner person.

    The people offered are the visible, active contacts of partner organizations (not our own
    company); ``organization`` narrows them to one organization's people.
    """

    class Meta:
        model = Certification
        fields = ["contact", "kind", "course", "issuer", "completed_on", "expires_on", "credential_id"]
        field_classes = {"contact": CertifiedContactChoice}
        labels = {"contact": "Person", "completed_on": "Completed on", "expires_on": "Expires on"}
        widgets = {
            "kind": forms.Select(attrs={"col": "col-md-6"}),
            "completed_on": forms.DateInput(attrs={"col": "col-md-3"}),
            "expires_on": forms.DateInput(attrs={"col": "col-md-3"}),
        }

    def __init__(self, *args: Any, organization: Organization | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        people = field.queryset.filter(
            organization__is_home=False, organization__archived_at__isnull=True
        ).select_related("organization")
        if organization is not None:
            people = people.filter(organization=organization)
        if self.instance.pk and self.instance.contact_id:
            # An archived holder stays selectable on their own record, so an edit still saves.
            people = people | Contact.objects.visible_to(self.user).filter(pk=self.instance.contact_id)
        field.queryset = people.order_by("organization__name", "last_name", "first_name")
        field.empty_label = "Choose a person"
