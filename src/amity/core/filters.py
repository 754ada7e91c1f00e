"""Base FilterSet for list pages: compact Bootstrap widgets for the filter bar."""

from __future__ import annotations

import django_filters
from django import forms

from .forms import limit_choices


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form renders as the small controls of the list filter bar."""

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            for name, field in form.fields.items():
                if isinstance(field, forms.ModelChoiceField) and not isinstance(
                    field, forms.ModelMultipleChoiceField
                ):
                    limit_choices(field, form.data.get(name))  # not 100,000 <option>s
                widget = field.widget
                widget.attrs["class"] = (
                    "form-select form-select-sm"
                    if isinstance(widget, forms.Select)
                    else "form-control form-control-sm"
                )
        return self._form
