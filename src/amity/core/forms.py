"""Form base: every choice of a related object goes through the visibility rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models


class MarkInvalidMixin:
    """Fields with an error get Bootstrap's ``is-invalid`` class (also for service errors)."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    widget.attrs["class"] = (css + " is-invalid").strip()


class VisibleModelForm(MarkInvalidMixin, forms.ModelForm):
    """A ModelForm that takes ``user`` and narrows related-object choices to what they see.

    Forms only parse input; the view hands ``cleaned_data`` to a service that writes.
    """

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user).filter(archived_at__isnull=True)
            _bootstrap(field)

    def model_data(self) -> dict[str, Any]:
        """Cleaned values of the model's own (non-m2m) fields."""
        opts = self.instance._meta
        names = {f.name for f in opts.get_fields() if not f.many_to_many and not f.one_to_many}
        return {k: v for k, v in self.cleaned_data.items() if k in names}


class VisibleForm(MarkInvalidMixin, forms.Form):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if isinstance(queryset, models.QuerySet) and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user).filter(archived_at__isnull=True)
            _bootstrap(field)


def _bootstrap(field: forms.Field) -> None:
    widget = field.widget
    if isinstance(widget, (forms.CheckboxInput,)):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        css = ""
    else:
        css = "form-control"
    if css:
        widget.attrs.setdefault("class", css)
    if isinstance(widget, forms.DateInput):
        widget.input_type = "date"
        widget.format = "%Y-%m-%d"
    if isinstance(widget, forms.Textarea):
        widget.attrs.setdefault("rows", 3)


#: How many records a select lists before it is cut (a big program has 100,000 organizations and
#: 20,000 alliances: a select of all of them takes seconds to render and cannot be used).
CHOICES_SHOWN = 100


def limit_choices(field: forms.ModelChoiceField, chosen: Any = None, *, shown: int | None = None) -> bool:
    """Let the select of ``field`` list at most ``shown`` of its records (in the queryset's order)
    and the chosen one; any record of the queryset still validates. True when some were left out.
    One query, whatever the number of records."""
    shown = CHOICES_SHOWN if shown is None else shown
    rows = list(field.queryset[: shown + 1])
    cut = len(rows) > shown
    rows = rows[:shown]
    if chosen not in (None, "") and str(chosen).isdigit() and all(str(o.pk) != str(chosen) for o in rows):
        rows += list(field.queryset.filter(pk=chosen))
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *((o.pk, field.label_from_instance(o)) for o in rows)]
    return cut
