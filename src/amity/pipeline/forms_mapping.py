"""Forms of account mapping: start a shared or private mapping, answer or finish a private one."""

from __future__ import annotations

from django import forms

from amity.partners.models import Organization


class _PartnerForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label=None)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Organization.objects.filter(pk__in=[p.pk for p in partners])
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class StartForm(_PartnerForm):
    reveal = forms.BooleanField(
        required=False,
        label="Show the matched accounts, not only the counts",
        help_text="In private mode the partner's side can refuse; then only counts are learned.",
    )


class RespondForm(_PartnerForm):
    request = forms.FileField(label="The partner's request file (request.bin)")
    split_statuses = forms.BooleanField(
        required=False,
        initial=True,
        label="Tell the partner the status of each match on our side (customer, open opportunity, prospect)",
    )
    allow_reveal = forms.BooleanField(
        required=False, initial=True, label="Answer requests that ask for the matched accounts"
    )


class FinishForm(forms.Form):
    response = forms.FileField(
        label="The partner's response file (response.bin)",
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )
