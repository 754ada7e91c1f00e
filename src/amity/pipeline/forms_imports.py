"""Forms of the import pages: they parse, ``services_imports`` checks and writes."""

from __future__ import annotations

from typing import Any

from django import forms

from amity.alliances.models import Alliance
from amity.core.forms import VisibleForm

from .models import ImportFormat, ImportKind


class ImportUploadForm(VisibleForm):
    file = forms.FileField(
        label="CSV file",
        help_text="A Salesforce, HubSpot or Amity CSV export (UTF-8, Windows-1252 or Latin-1).",
    )
    kind = forms.ChoiceField(label="What the file holds", choices=ImportKind.choices)
    format = forms.ChoiceField(label="Format", choices=ImportFormat.choices, required=False)
    alliance = forms.ModelChoiceField(
        queryset=Alliance.objects.all(),
        required=False,
        help_text="Optional: link the imported opportunities to this alliance.",
    )
    dry_run = forms.BooleanField(
        label="Dry run", required=False, help_text="Check every row and report the errors; write nothing."
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,text/csv"
        self.fields["alliance"].queryset = self.fields["alliance"].queryset.order_by("name")
