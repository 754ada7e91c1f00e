"""Alliance forms. They only parse input; the views hand ``cleaned_data`` to a service."""

from __future__ import annotations

from typing import Any

from django import forms

from amity.core.forms import CHOICES_SHOWN, VisibleForm, VisibleModelForm, limit_choices
from amity.core.roles import Role
from amity.partners.models import Contact, Organization

from .models import (
    ACTIVITIES,
    CRITERIA,
    SCORE_HELP,
    Alliance,
    MemberRole,
    PartyRole,
    StrategicReview,
)

#: Roles a partner organization can take when it joins (our own company is the host).
PARTNER_ROLES = [(value, label) for value, label in PartyRole.choices if value != PartyRole.HOST]


def score_anchors() -> list[tuple[int, str]]:
    """The 0–4 anchors, read from the model's help text ("0 none · 1 weak · …")."""
    anchors = []
    for part in SCORE_HELP.split("·"):
        number, _, word = part.strip().partition(" ")
        anchors.append((int(number), word.strip()))
    return anchors


class CheckList(forms.CheckboxSelectMultiple):
    """Checkboxes rendered as Bootstrap ``form-check`` rows."""

    template_name = "alliances/widgets/check_list.html"
    option_template_name = "alliances/widgets/check_option.html"


class AllianceForm(VisibleModelForm):
    """Create or edit an alliance. On create it also asks for the partner organizations."""

    partners = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.filter(is_home=False),
        label="Partner organizations",
        error_messages={"required": "Choose at least one partner organization."},
        help_text="Our company joins as host automatically. Hold Ctrl/⌘ to choose several.",
    )
    partner_role = forms.ChoiceField(
        choices=PARTNER_ROLES,
        initial=PartyRole.PARTNER,
        label="Their role",
        help_text="Consortia and ecosystems: lead partner, consortium member or research partner.",
    )

    class Meta:
        model = Alliance
        fields = [
            "name",
            "alliance_type",
            "owner",
            "tier",
            "start_date",
            "end_date",
            "annual_value",
            "description",
            "objectives",
            "exit_plan",
        ]
        widgets = {
            "start_date": forms.DateInput(),
            "end_date": forms.DateInput(),
            "objectives": CheckList(attrs={"col": "col-12"}),
            "description": forms.Textarea(attrs={"col": "col-12", "rows": 3}),
            "exit_plan": forms.Textarea(
                attrs={"col": "col-12", "rows": 3, "placeholder": "Needed before the alliance can retire."}
            ),
        }

    tier_reason = forms.CharField(
        label="Why the tier changes",
        required=False,
        max_length=500,
        help_text="Needed when you change the tier here: no tier rule justifies a change by hand. "
        "It is kept in the tier history.",
    )

    field_order = ["name", "alliance_type", "partners", "partner_role", "owner", "tier", "tier_reason"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            # Parties of an existing alliance are managed on its page (add/remove).
            del self.fields["partners"]
            del self.fields["partner_role"]
        else:
            del self.fields["tier_reason"]
            self.fields["partners"].widget.attrs["size"] = 6
            if getattr(user, "role", None) in (Role.ADMIN, Role.MANAGER):
                self.fields["owner"].initial = user.pk
        self.fields["annual_value"].widget.attrs.setdefault("min", "0")
        self.fields["annual_value"].widget.attrs.setdefault("step", "1000")
        self.fields["objectives"].help_text = "Which corporate objectives this alliance serves."
        self.fields["alliance_type"].choices = [
            ("", "Choose a type…"),
            *self.fields["alliance_type"].choices[1:],
        ]
        self.fields["owner"].empty_label = "No owner yet"
        self.fields["tier"].empty_label = "No tier yet"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk and "tier" in data:
            new_id = data["tier"].pk if data.get("tier") else None
            if new_id != self.instance.tier_id and not (data.get("tier_reason") or "").strip():
                self.add_error(
                    "tier_reason", "Say why the tier changes: no tier rule justifies a change by hand."
                )
        return data

    def partner_list(self) -> list[tuple[Organization, str]]:
        role = self.cleaned_data.get("partner_role") or PartyRole.PARTNER
        return [(org, role) for org in self.cleaned_data.get("partners") or []]


class PartyAddForm(VisibleForm):
    """Add an organization that is not yet a party.

    A program with many organizations (100,000 at full size) does not get them all as
    ``<option>``s: past :data:`PARTY_CHOICES_SHOWN` the select lists the first ones by name
    (and the one chosen), and a search box (``search``) fetches the matching ones
    (``views.party_candidates``). Any visible organization still validates.
    """

    organization = forms.ModelChoiceField(queryset=Organization.objects.filter(is_home=False))
    role = forms.ChoiceField(choices=PARTNER_ROLES, initial=PartyRole.PARTNER)

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        current = [p.organization_id for p in _active_parties(alliance)]
        field = self.fields["organization"]
        field.queryset = field.queryset.exclude(pk__in=current).order_by("name")
        field.empty_label = "Choose an organization…"
        for name in self.fields:
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        chosen = self.data.get(self.add_prefix("organization")) if self.is_bound else None
        # The widget renders at most these (one query), and past them the search box appears.
        self.search = limit_choices(field, chosen, shown=PARTY_CHOICES_SHOWN)


#: How many organizations the add-a-party select lists before it needs its search box.
PARTY_CHOICES_SHOWN = CHOICES_SHOWN


class MemberAddForm(VisibleForm):
    """Name a person of one of the parties as sponsor, alliance manager or joint team member."""

    contact = forms.ModelChoiceField(queryset=Contact.objects.all(), label="Person")
    role = forms.ChoiceField(choices=MemberRole.choices, initial=MemberRole.TEAM)
    area = forms.CharField(
        max_length=100, required=False, widget=forms.TextInput(attrs={"placeholder": "Area, e.g. sales"})
    )

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        orgs = [p.organization_id for p in _active_parties(alliance)]
        field = self.fields["contact"]
        field.queryset = (
            field.queryset.filter(organization_id__in=orgs)
            .select_related("organization")
            .order_by("organization__name", "last_name", "first_name")
        )
        field.label_from_instance = lambda c: f"{c} · {c.organization}"
        field.empty_label = "Choose a person…"
        self.fields["contact"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["role"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["area"].widget.attrs["class"] = "form-control form-control-sm"


def _active_parties(alliance: Alliance) -> list[Any]:
    parties = getattr(alliance, "active_parties", None)
    if parties is None:
        parties = list(alliance.parties.active())
    return parties


class TransitionForm(forms.Form):
    """Choose the next stage, confirm checklist items, and (admins) override an unmet gate."""

    to_stage = forms.ChoiceField(widget=forms.RadioSelect, label="Move to")
    attested = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(
        required=False,
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text="Recorded in the stage history.",
    )
    override_reason = forms.CharField(
        required=False,
        label="Override an unmet gate",
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text="Admins only: explain why the alliance may pass although items are missing.",
    )

    def __init__(
        self,
        *args: Any,
        targets: list[dict[str, Any]],
        can_override: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(t["stage"], t["label"]) for t in targets]
        self.fields["attested"].choices = [
            (item["id"], item["label"]) for t in targets for item in t["items"] if item["attest"]
        ]
        if not can_override:
            del self.fields["override_reason"]

    @property
    def attested_ids(self) -> set[int]:
        if self.is_bound and hasattr(self, "cleaned_data"):
            return set(self.cleaned_data.get("attested") or [])
        return set()


class ReviewForm(VisibleModelForm):
    """The strategic review: seed 000's criteria, seed 001's activities, commitment signals."""

    class Meta:
        model = StrategicReview
        fields = [
            "review_date",
            *[name for key, _, _ in CRITERIA for name in (f"score_{key}", f"evidence_{key}")],
            *[field for field, _ in ACTIVITIES],
            "fte",
            "annual_investment",
            "sponsorship",
            "notes",
        ]
        widgets = {"review_date": forms.DateInput()}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        anchors = score_anchors()
        for key, label, guidance in CRITERIA:
            self.fields[f"score_{key}"] = forms.TypedChoiceField(
                choices=anchors,
                coerce=int,
                initial=0,
                label=label,
                help_text=guidance,
                widget=forms.RadioSelect,
            )
            evidence = self.fields[f"evidence_{key}"]
            evidence.label = "Evidence"
            evidence.widget.attrs.update(
                {"rows": 2, "placeholder": "What makes you give this score? Facts, numbers, sources."}
            )
        self.fields["notes"].widget.attrs["rows"] = 3
        self.fields["fte"].widget.attrs.update({"step": "0.1", "min": "0"})
        self.fields["annual_investment"].widget.attrs.update({"step": "1000", "min": "0"})

    def criteria(self) -> list[dict[str, Any]]:
        """The criteria with their bound fields, for the template."""
        return [
            {
                "key": key,
                "label": label,
                "guidance": guidance,
                "score": self[f"score_{key}"],
                "evidence": self[f"evidence_{key}"],
            }
            for key, label, guidance in CRITERIA
        ]

    def activities(self) -> list[Any]:
        return [self[field] for field, _ in ACTIVITIES]
