"""Base FilterSet for list pages: compact Bootstrap widgets for the filter bar."""

from __future__ import annotations

import django_filters
from django import forms


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form renders as the small controls of the list filter bar."""

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                widget = field.widget
                widget.attrs["class"] = (
                    "form-select form-select-sm"
                    if isinstance(widget, forms.Select)
                    else "form-control form-control-sm"
                )
        return self._form
