"""Forms of agreements and commitments. They parse input; the views hand it to a service,
whose field errors come back onto the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from amity.accounts.models import User
from amity.alliances.models import Alliance, AllianceParty
from amity.core.forms import VisibleForm, VisibleModelForm
from amity.core.roles import INTERNAL_ROLES
from amity.partners.models import Organization

from .models import Agreement, AgreementStatus, Commitment, CommitmentStatus


class CheckList(forms.CheckboxSelectMultiple):
    """Checkboxes rendered as Bootstrap ``form-check`` rows (the alliances app's widget)."""

    template_name = "alliances/widgets/check_list.html"
    option_template_name = "alliances/widgets/check_option.html"


def _party_orgs(alliance: Alliance, queryset: Any = None) -> Any:
    """The alliance's parties, within ``queryset`` (already narrowed by the visibility rule)."""
    ids = AllianceParty.objects.filter(alliance=alliance, archived_at__isnull=True).values("organization_id")
    base = Organization.objects.all() if queryset is None else queryset
    return base.filter(pk__in=ids).order_by("-is_home", "name")


def _internal_users() -> Any:
    return User.objects.filter(role__in=INTERNAL_ROLES, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


class CurrencyMixin:
    """Accept 'eur' as EUR (the model's validator wants three capital letters)."""

    def _post_clean(self) -> None:
        currency = getattr(self, "cleaned_data", {}).get("currency")
        if currency:
            self.cleaned_data["currency"] = currency.strip().upper()  # type: ignore[attr-defined]
        super()._post_clean()  # type: ignore[misc]


def _money_widgets(form: forms.Form, amount: str) -> None:
    form.fields[amount].widget.attrs.update({"min": "0", "step": "0.01"})
    form.fields["currency"].widget.attrs.update(
        {
            "maxlength": "3",
            "style": "text-transform:uppercase",
            "placeholder": settings.AMITY_REPORTING_CURRENCY,
        }
    )


class AgreementForm(CurrencyMixin, VisibleModelForm):
    """Record or edit an agreement of one alliance (the alliance is fixed by the page)."""

    INITIAL_STATUSES = (
        AgreementStatus.DRAFT,
        AgreementStatus.NEGOTIATING,
        AgreementStatus.SIGNED,
        AgreementStatus.ACTIVE,
    )

    class Meta:
        model = Agreement
        fields = [
            "title",
            "kind",
            "status",
            "parties",
            "signed_date",
            "effective_date",
            "expiry_date",
            "auto_renew",
            "renewal_term_months",
            "notice_period_days",
            "exclusive",
            "exclusivity_scope",
            "value",
            "currency",
            "owner",
            "ip_terms",
            "notes",
        ]
        widgets = {
            "parties": CheckList(attrs={"col": "col-12"}),
            "signed_date": forms.DateInput(attrs={"col": "col-md-4"}),
            "effective_date": forms.DateInput(attrs={"col": "col-md-4"}),
            "expiry_date": forms.DateInput(attrs={"col": "col-md-4"}),
            "auto_renew": forms.CheckboxInput(attrs={"col": "col-md-4"}),
            "renewal_term_months": forms.NumberInput(attrs={"col": "col-md-4"}),
            "notice_period_days": forms.NumberInput(attrs={"col": "col-md-4"}),
            "exclusive": forms.CheckboxInput(attrs={"col": "col-md-4"}),
            "exclusivity_scope": forms.TextInput(attrs={"col": "col-md-8"}),
            "value": forms.NumberInput(attrs={"col": "col-md-4"}),
            "currency": forms.TextInput(attrs={"col": "col-md-2"}),
            "owner": forms.Select(attrs={"col": "col-md-6"}),
            "ip_terms": forms.Textarea(attrs={"col": "col-12", "rows": 2}),
            "notes": forms.Textarea(attrs={"col": "col-12", "rows": 3}),
        }
        labels = {"status": "Status now"}

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.alliance = alliance
        parties = self.fields["parties"]
        parties.queryset = _party_orgs(alliance, parties.queryset)
        parties.required = True
        parties.error_messages["required"] = "Choose the parties that sign it (at least two)."
        parties.help_text = "Parties of the alliance that sign this agreement."
        if self.instance.pk:
            del self.fields["status"]  # the status moves through the status buttons
            self.initial.setdefault("parties", [o.pk for o in self.instance.parties.all()])
        else:
            self.fields["status"].choices = [
                (s.value, s.label) for s in AgreementStatus if s in self.INITIAL_STATUSES
            ]
            self.fields[
                "status"
            ].help_text = "An agreement signed earlier can be recorded as signed or active directly."
            self.initial.setdefault("parties", [o.pk for o in parties.queryset])
        owner = self.fields["owner"]
        owner.queryset = _internal_users()
        owner.empty_label = "The alliance owner"
        owner.help_text = "Who watches its notice deadline and expiry."
        _money_widgets(self, "value")
        self.fields["renewal_term_months"].widget.attrs.setdefault("min", "1")
        self.fields["notice_period_days"].widget.attrs.setdefault("min", "0")

    def model_data(self) -> dict[str, Any]:
        data = super().model_data()
        data.pop("parties", None)
        if data.get("currency"):
            data["currency"] = data["currency"].upper()
        return data

    def party_list(self) -> list[Organization]:
        return list(self.cleaned_data.get("parties") or [])


class AgreementStatusForm(VisibleForm):
    """Move an agreement to another status, with the date it happened."""

    status = forms.ChoiceField(choices=AgreementStatus.choices)
    on = forms.DateField(required=False, widget=forms.DateInput(), label="On")
    reason = forms.CharField(required=False, max_length=60, label="Note")


class DocumentUploadForm(VisibleForm):
    file = forms.FileField(
        label="File",
        help_text=f"PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG, TXT or CSV; at most {settings.AMITY_UPLOAD_MAX_MB} MB.",
        allow_empty_file=True,  # the service names the problem ("The file is empty.")
    )
    description = forms.CharField(required=False, max_length=300, label="Description")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG, TXT or CSV; at most {settings.AMITY_UPLOAD_MAX_MB} MB."
        )
        self.fields["description"].widget.attrs["placeholder"] = "e.g. signed copy, annex B"


class CommitmentForm(CurrencyMixin, VisibleModelForm):
    """Register or edit a commitment of one alliance (the alliance is fixed by the page)."""

    INITIAL_STATUSES = (CommitmentStatus.PROPOSED, CommitmentStatus.AGREED, CommitmentStatus.IN_PROGRESS)

    class Meta:
        model = Commitment
        fields = [
            "party",
            "status",
            "nature",
            "soft_source",
            "agreement",
            "category",
            "title",
            "description",
            "quantity",
            "unit",
            "amount",
            "currency",
            "due_date",
            "owner_contact",
            "owner_user",
        ]
        widgets = {
            "party": forms.Select(attrs={"col": "col-md-6"}),
            "status": forms.Select(attrs={"col": "col-md-6"}),
            "nature": forms.Select(attrs={"col": "col-md-4"}),
            "soft_source": forms.Select(attrs={"col": "col-md-4"}),
            "agreement": forms.Select(attrs={"col": "col-md-4"}),
            "title": forms.TextInput(attrs={"col": "col-md-8"}),
            "category": forms.Select(attrs={"col": "col-md-4"}),
            "description": forms.Textarea(attrs={"col": "col-12", "rows": 2}),
            "quantity": forms.NumberInput(attrs={"col": "col-md-3"}),
            "unit": forms.TextInput(attrs={"col": "col-md-3", "placeholder": "FTE, consultants…"}),
            "amount": forms.NumberInput(attrs={"col": "col-md-4"}),
            "currency": forms.TextInput(attrs={"col": "col-md-2"}),
            "due_date": forms.DateInput(attrs={"col": "col-md-4"}),
            "owner_contact": forms.Select(attrs={"col": "col-md-4"}),
            "owner_user": forms.Select(attrs={"col": "col-md-4"}),
        }

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.alliance = alliance
        party = self.fields["party"]
        party.queryset = _party_orgs(alliance, party.queryset)
        party.empty_label = "Who commits?"
        agreement = self.fields["agreement"]
        agreement.queryset = agreement.queryset.filter(alliance=alliance).order_by("title")
        agreement.empty_label = "None (soft commitment)"
        contact = self.fields["owner_contact"]
        contact.queryset = (
            contact.queryset.filter(organization__in=_party_orgs(alliance))
            .select_related("organization")
            .order_by("organization__name", "last_name", "first_name")
        )
        contact.label_from_instance = lambda c: f"{c} · {c.organization}"
        contact.empty_label = "Nobody named yet"
        owner = self.fields["owner_user"]
        owner.queryset = _internal_users()
        owner.empty_label = "The alliance owner"
        self.fields["soft_source"].choices = [
            ("", "Choose… (soft commitments only)"),
            *self.fields["soft_source"].choices[1:],
        ]
        if self.instance.pk:
            del self.fields["status"]
        else:
            self.fields["status"].choices = [
                (s.value, s.label) for s in CommitmentStatus if s in self.INITIAL_STATUSES
            ]
        _money_widgets(self, "amount")
        self.fields["quantity"].widget.attrs.update({"min": "0", "step": "0.01"})

    def model_data(self) -> dict[str, Any]:
        data = super().model_data()
        if data.get("currency"):
            data["currency"] = data["currency"].upper()
        if data.get("soft_source") is None:
            data["soft_source"] = ""
        return data


class CommitmentStatusForm(VisibleForm):
    """Move a commitment; *met* needs the date and evidence, *renegotiated* the new terms."""

    status = forms.ChoiceField(choices=CommitmentStatus.choices)
    met_on = forms.DateField(required=False, widget=forms.DateInput(), label="Met on")
    evidence = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Evidence")
    note = forms.CharField(required=False, max_length=500, label="Note")
    new_due_date = forms.DateField(required=False, widget=forms.DateInput(), label="New due date")
    new_quantity = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    new_amount = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2)
    new_title = forms.CharField(required=False, max_length=200)

    def replacement(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {}
        if data.get("new_due_date"):
            out["due_date"] = data["new_due_date"]
        if data.get("new_quantity") is not None:
            out["quantity"] = data["new_quantity"]
        if data.get("new_amount") is not None:
            out["amount"] = data["new_amount"]
        if data.get("new_title"):
            out["title"] = data["new_title"]
        return out


class ChooseAllianceForm(VisibleForm):
    alliance = forms.ModelChoiceField(
        queryset=Alliance.objects.order_by("name"),
        empty_label="Choose an alliance…",
        widget=forms.Select(attrs={"col": "col-12"}),
    )
