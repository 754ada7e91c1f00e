"""Planning forms. They only parse input (choices narrowed to the alliance's parties and
milestones, through the visibility rule); the views hand the result to a service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape

from amity.accounts.models import User
from amity.alliances.models import Alliance
from amity.core import periods
from amity.core.forms import VisibleForm, VisibleModelForm
from amity.core.roles import Role
from amity.partners.models import Organization

from .models import (
    JointBusinessPlan,
    JointInitiative,
    JointOffering,
    Milestone,
    PlanObjective,
    ResourceKind,
    party_organization_ids,
)


def _parties(alliance: Alliance) -> list[int]:
    parties = getattr(alliance, "active_parties", None)
    if parties is not None:
        return [p.organization_id for p in parties]
    return sorted(party_organization_ids(alliance.pk))


def _narrow_sides(field: forms.ModelChoiceField, alliance: Alliance, empty: str) -> None:
    field.queryset = field.queryset.filter(pk__in=_parties(alliance)).order_by("-is_home", "name")
    field.empty_label = empty


def _people(alliance: Alliance) -> Any:
    """Internal editors, and partner users of the alliance's parties."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role__in=[Role.ADMIN, Role.MANAGER])
            | Q(role=Role.PARTNER, organization_id__in=_parties(alliance))
        )
        .select_related("organization")
        .order_by("role", "first_name", "last_name", "username")
    )


def _person_label(user: User) -> str:
    return f"{user} · {user.organization}" if user.organization_id else str(user)


class PlanForm(VisibleModelForm):
    """A joint business plan's own fields (status changes through its buttons)."""

    class Meta:
        model = JointBusinessPlan
        fields = [
            "fiscal_year",
            "title",
            "owner",
            "revenue_target",
            "currency",
            "revenue_growth_pct",
            "thesis",
            "capability_expectations",
        ]
        widgets = {
            "thesis": forms.Textarea(attrs={"col": "col-12", "rows": 4}),
            "capability_expectations": forms.Textarea(
                attrs={
                    "col": "col-12",
                    "rows": 4,
                    "placeholder": "Stratus: certify 10 solution architects on Halcyon\nHalcyon: ship the marketplace metering API",
                }
            ),
        }

    def __init__(self, *args: Any, user: Any = None, alliance: Alliance | None = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.fields["title"].required = False
        name = alliance.name if alliance is not None else "the alliance"
        self.fields["title"].help_text = escape(f"Leave empty for “{name} joint business plan FY<year>”.")
        if not self.instance.pk:
            self.fields["fiscal_year"].initial = periods.fiscal_year_of(_today())
            if getattr(user, "role", None) in (Role.ADMIN, Role.MANAGER):
                self.fields["owner"].initial = user.pk
        self.fields[
            "fiscal_year"
        ].help_text = f"Fiscal years start in month {periods.start_month()}; FY{periods.fiscal_year_of(_today())} is this one."
        self.fields["owner"].queryset = User.objects.filter(
            is_active=True, role__in=[Role.ADMIN, Role.MANAGER]
        )
        self.fields["owner"].empty_label = "No owner yet"
        self.fields["revenue_target"].widget.attrs.update({"min": "0", "step": "1000"})
        self.fields["currency"].widget.attrs.update(
            {"maxlength": "3", "class": "form-control text-uppercase"}
        )

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").upper()


class ObjectiveForm(VisibleModelForm):
    class Meta:
        model = PlanObjective
        fields = [
            "title",
            "order",
            "metric",
            "unit",
            "owning_side",
            "owner",
            "target_q1",
            "target_q2",
            "target_q3",
            "target_q4",
            "actual_q1",
            "actual_q2",
            "actual_q3",
            "actual_q4",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"col": "col-md-8"}),
            "order": forms.NumberInput(attrs={"col": "col-md-4"}),
            "metric": forms.TextInput(attrs={"col": "col-md-8"}),
            "unit": forms.TextInput(attrs={"col": "col-md-4"}),
            **{
                f"target_q{q}": forms.NumberInput(attrs={"col": "col-6 col-md-3", "min": "0"})
                for q in range(1, 5)
            },
            **{
                f"actual_q{q}": forms.NumberInput(attrs={"col": "col-6 col-md-3", "min": "0"})
                for q in range(1, 5)
            },
        }

    def __init__(self, *args: Any, user: Any = None, alliance: Alliance, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        _narrow_sides(self.fields["owning_side"], alliance, "No side named")
        self.fields["owner"].queryset = _people(alliance)
        self.fields["owner"].label_from_instance = _person_label
        self.fields["owner"].empty_label = "No owner named"
        self.fields["order"].required = False
        self.fields["order"].help_text = "Empty: after the last objective."
        for q in range(1, 5):
            self.fields[f"target_q{q}"].required = False

    def clean_order(self) -> int | None:
        # Empty keeps an objective where it is (a new one goes last, decided by the service).
        order = self.cleaned_data.get("order")
        if order is None and self.instance.pk:
            return self.instance.order
        return order


class MilestoneForm(VisibleModelForm):
    class Meta:
        model = Milestone
        fields = [
            "title",
            "category",
            "due_date",
            "status",
            "completed_on",
            "owning_side",
            "owner",
            "dependencies",
            "description",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"col": "col-md-8"}),
            "category": forms.Select(attrs={"col": "col-md-4"}),
            "due_date": forms.DateInput(attrs={"col": "col-md-4"}),
            "status": forms.Select(attrs={"col": "col-md-4"}),
            "completed_on": forms.DateInput(attrs={"col": "col-md-4"}),
            "dependencies": forms.SelectMultiple(attrs={"col": "col-12", "size": 6}),
            "description": forms.Textarea(attrs={"col": "col-12", "rows": 3}),
        }

    def __init__(self, *args: Any, user: Any = None, alliance: Alliance, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        _narrow_sides(self.fields["owning_side"], alliance, "No side named")
        self.fields["owner"].queryset = _people(alliance)
        self.fields["owner"].label_from_instance = _person_label
        self.fields["owner"].empty_label = "The alliance owner"
        deps = self.fields["dependencies"]
        deps.queryset = deps.queryset.filter(alliance=alliance).order_by("due_date", "id")
        if self.instance.pk:
            deps.queryset = deps.queryset.exclude(pk=self.instance.pk)
        deps.label_from_instance = lambda m: f"{m.title} · due {m.due_date:%d %b %Y}"
        deps.help_text = "What must be done first (same alliance). Hold Ctrl/⌘ to choose several."
        self.fields["completed_on"].help_text = "Filled with today when you mark it done."
        if self.instance.pk and self.instance.original_due_date:
            self.fields[
                "due_date"
            ].help_text = (
                f"Originally due {self.instance.original_due_date:%d %b %Y}; a later date shows as a slip."
            )
        else:
            self.fields["due_date"].help_text = "Kept as the original due date, so later slips show."


class InitiativeForm(VisibleModelForm):
    class Meta:
        model = JointInitiative
        fields = ["title", "status", "start_date", "end_date", "owner", "goal"]
        widgets = {
            "title": forms.TextInput(attrs={"col": "col-md-8"}),
            "status": forms.Select(attrs={"col": "col-md-4"}),
            "start_date": forms.DateInput(attrs={"col": "col-md-4"}),
            "end_date": forms.DateInput(attrs={"col": "col-md-4"}),
            "owner": forms.Select(attrs={"col": "col-md-4"}),
            "goal": forms.Textarea(attrs={"col": "col-12", "rows": 3}),
        }

    def __init__(self, *args: Any, user: Any = None, alliance: Alliance, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.fields["owner"].queryset = _people(alliance)
        self.fields["owner"].label_from_instance = _person_label
        self.fields["owner"].empty_label = "No owner named"
        rows = []
        if self.instance.pk:
            rows = [
                {
                    "id": r.pk,
                    "organization": r.organization_id,
                    "kind": r.kind,
                    "description": r.description,
                    "requested": r.requested,
                    "assigned": r.assigned,
                    "unit": r.unit,
                }
                for r in self.instance.resources.active().order_by("id")
            ]
        self.rows = ResourceFormSet(
            args[0] if args else kwargs.get("data"),
            prefix="resources",
            initial=rows,
            form_kwargs={"user": user, "alliance": alliance},
        )
        self.rows_title = "Resources each side was asked for and has assigned"
        self.rows_help = (
            "One row per side and kind. The gap is requested − assigned; a side that assigned less "
            "than it was asked for is flagged. Budget units are currency codes."
        )

    def is_valid(self) -> bool:
        own = super().is_valid()
        return self.rows.is_valid() and own

    def row_data(self) -> list[tuple[int, dict[str, Any]]]:
        return _row_data(self.rows, ("organization", "kind", "description", "requested", "assigned", "unit"))


class ResourceRowForm(VisibleForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    organization = forms.ModelChoiceField(queryset=Organization.objects.all(), label="Side")
    kind = forms.ChoiceField(choices=ResourceKind.choices, initial=ResourceKind.HEADCOUNT)
    description = forms.CharField(max_length=200, required=False, label="What")
    requested = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    assigned = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    unit = forms.CharField(max_length=20, required=False, help_text="FTE, people, or a currency code")

    def __init__(self, *args: Any, user: Any = None, alliance: Alliance, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        _narrow_sides(self.fields["organization"], alliance, "Side…")
        self.fields["description"].widget.attrs["placeholder"] = "e.g. solution architects"
        self.fields["unit"].widget.attrs["placeholder"] = "FTE / EUR"
        for name in ("requested", "assigned"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "any"})
        for f in self.fields.values():
            css = f.widget.attrs.get("class", "")
            if css:
                f.widget.attrs["class"] = css.replace("form-control", "form-control form-control-sm").replace(
                    "form-select", "form-select form-select-sm"
                )


class OfferingForm(VisibleModelForm):
    class Meta:
        model = JointOffering
        fields = ["name", "status", "launch_milestone", "value_proposition", "target_markets"]
        widgets = {
            "name": forms.TextInput(attrs={"col": "col-md-8"}),
            "status": forms.Select(attrs={"col": "col-md-4"}),
            "launch_milestone": forms.Select(attrs={"col": "col-12"}),
            "value_proposition": forms.Textarea(attrs={"col": "col-md-6", "rows": 4}),
            "target_markets": forms.Textarea(attrs={"col": "col-md-6", "rows": 4}),
        }

    def __init__(self, *args: Any, user: Any = None, alliance: Alliance, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["launch_milestone"]
        field.queryset = field.queryset.filter(alliance=alliance).order_by("due_date", "id")
        field.label_from_instance = lambda m: (
            f"{m.title} · due {m.due_date:%d %b %Y} · {m.get_status_display()}"
        )
        field.empty_label = "No launch milestone yet"
        rows = []
        if self.instance.pk:
            rows = [
                {"id": c.pk, "organization": c.organization_id, "contribution": c.contribution}
                for c in self.instance.components.active().order_by("id")
            ]
        self.rows = ComponentFormSet(
            args[0] if args else kwargs.get("data"),
            prefix="components",
            initial=rows,
            form_kwargs={"user": user, "alliance": alliance},
        )
        self.rows_title = "What each side contributes"
        self.rows_help = "The products, services and capabilities each side brings to the bundle."

    def is_valid(self) -> bool:
        own = super().is_valid()
        return self.rows.is_valid() and own

    def row_data(self) -> list[tuple[int, dict[str, Any]]]:
        return _row_data(self.rows, ("organization", "contribution"))


class ComponentRowForm(VisibleForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    organization = forms.ModelChoiceField(queryset=Organization.objects.all(), label="Side")
    contribution = forms.CharField(max_length=2000, widget=forms.TextInput, label="Contributes")

    def __init__(self, *args: Any, user: Any = None, alliance: Alliance, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        _narrow_sides(self.fields["organization"], alliance, "Side…")
        self.fields["contribution"].widget.attrs["placeholder"] = (
            "e.g. EHR integration and managed data operations"
        )
        for f in self.fields.values():
            css = f.widget.attrs.get("class", "")
            if css:
                f.widget.attrs["class"] = css.replace("form-control", "form-control form-control-sm").replace(
                    "form-select", "form-select form-select-sm"
                )


ResourceFormSet = forms.formset_factory(ResourceRowForm, extra=2, can_delete=True)
ComponentFormSet = forms.formset_factory(ComponentRowForm, extra=2, can_delete=True)


def _row_data(formset: Any, fields: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    """(form index, row) for every filled-in row that is not marked for removal."""
    rows = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        row = {name: data.get(name) for name in fields}
        if "assigned" in row and row["assigned"] is None:
            row["assigned"] = Decimal("0")
        row["id"] = data.get("id")
        rows.append((index, row))
    return rows


class AgreeForm(VisibleForm):
    """Agree for your side, or (internal editors) record a partner side's agreement."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.all(), required=False)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def _today() -> Any:
    return timezone.localdate()
