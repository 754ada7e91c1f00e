"""Governance forms. They only parse input; the views hand ``cleaned_data`` to a service.

Every choice of a person, body, meeting or sponsor is narrowed to the alliance being edited
(and, through the form base, to what the user may see).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from amity.alliances.forms import CheckList
from amity.alliances.models import Alliance
from amity.core.forms import VisibleForm, VisibleModelForm
from amity.partners.models import Contact

from . import selectors
from .models import (
    ActionItem,
    BodyRole,
    Cadence,
    Escalation,
    GovernanceBody,
    Meeting,
    MeetingKind,
    MeetingStatus,
)

QBR_AGENDA = (
    "1. Last quarter against the commitments made at the previous QBR\n"
    "2. Joint pipeline, deal by deal\n"
    "3. Blockers and escalations\n"
    "4. Next quarter's plan: owners and dates"
)
AGENDAS = {
    MeetingKind.QBR: QBR_AGENDA,
    MeetingKind.PIPELINE: "1. New and changed opportunities\n2. Deals at risk: who helps\n3. Registrations and conflicts",
    MeetingKind.EXECUTIVE: "1. Strategy and investment\n2. Open escalations\n3. Decisions needed from the sponsors",
}


class ContactChoice(forms.ModelChoiceField):
    """A person, labelled with their organization so both sides read clearly."""

    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj} — {obj.organization}"


class ContactChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        title = f", {obj.title}" if obj.title else ""
        return f"{obj}{title} — {obj.organization}"


def _people(field: forms.Field, alliance: Alliance, user: Any) -> None:
    field.queryset = selectors.party_contacts(alliance, user)


# --- bodies ------------------------------------------------------------------------------------


class BodyForm(VisibleModelForm):
    class Meta:
        model = GovernanceBody
        fields = ["name", "kind", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"col": "col-12", "rows": 3})}

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.alliance = alliance
        self.fields["name"].widget.attrs["placeholder"] = "e.g. Executive steering group"


class BodyMemberForm(VisibleForm):
    contact = ContactChoice(queryset=Contact.objects.all(), label="Person", empty_label="Choose a person…")
    role = forms.ChoiceField(choices=BodyRole.choices, initial=BodyRole.MEMBER)

    def __init__(self, *args: Any, body: GovernanceBody, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        seated = [m.contact_id for m in getattr(body, "active_members", [])]
        self.fields["contact"].queryset = selectors.party_contacts(body.alliance, user).exclude(pk__in=seated)
        self.fields["contact"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["role"].widget.attrs["class"] = "form-select form-select-sm"


# --- cadences -----------------------------------------------------------------------------------


class CadenceForm(VisibleModelForm):
    class Meta:
        model = Cadence
        fields = ["meeting_kind", "interval_months", "body", "active", "notes"]

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.alliance = alliance
        self.fields["body"].queryset = self.fields["body"].queryset.filter(alliance=alliance)
        self.fields["body"].empty_label = "Any body"
        self.fields["interval_months"].widget.attrs.update({"min": 1, "max": 36})


# --- meetings -------------------------------------------------------------------------------------


class MeetingForm(VisibleModelForm):
    scheduled_start = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    attendees = ContactChoices(
        queryset=Contact.objects.all(),
        required=False,
        widget=CheckList(attrs={"col": "col-12"}),
        help_text="People of every party of the alliance.",
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "body",
            "scheduled_start",
            "duration_minutes",
            "location",
            "attendees",
            "agenda",
            "minutes",
        ]
        widgets = {
            "agenda": forms.Textarea(attrs={"col": "col-12", "rows": 5}),
            "minutes": forms.Textarea(attrs={"col": "col-12", "rows": 6}),
            "location": forms.TextInput(attrs={"col": "col-md-6"}),
        }

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.alliance = alliance
        self.fields["body"].queryset = self.fields["body"].queryset.filter(alliance=alliance)
        self.fields["body"].empty_label = "No particular body"
        _people(self.fields["attendees"], alliance, user)
        zone = timezone.get_current_timezone_name()
        self.fields["scheduled_start"].help_text = f"Date and time in your time zone ({zone})."
        self.fields["duration_minutes"].widget.attrs.update({"min": 5, "max": 1440, "step": 5})
        if not self.instance.pk or self.instance.status == MeetingStatus.PLANNED:
            # Minutes are written when the meeting is marked held (on its page).
            self.fields.pop("minutes", None)

    def model_data(self) -> dict[str, Any]:
        data = super().model_data()
        data.pop("attendees", None)
        return data


class MeetingStatusForm(VisibleForm):
    status = forms.ChoiceField(choices=MeetingStatus.choices)
    minutes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(VisibleForm):
    text = forms.CharField(
        label="Decision",
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "What was decided, by whom, with what effect."}
        ),
    )


# --- action items ---------------------------------------------------------------------------------


class ActionItemForm(VisibleModelForm):
    owner = ContactChoice(queryset=Contact.objects.all(), empty_label="Choose the owner…")

    class Meta:
        model = ActionItem
        fields = ["title", "owner", "due_date", "meeting", "notes"]
        widgets = {
            "due_date": forms.DateInput(),
            "notes": forms.Textarea(attrs={"col": "col-12", "rows": 3}),
            "title": forms.TextInput(attrs={"col": "col-12"}),
        }

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.alliance = alliance
        _people(self.fields["owner"], alliance, user)
        self.fields["owner"].help_text = "Someone of either side."
        self.fields["meeting"].queryset = (
            self.fields["meeting"].queryset.filter(alliance=alliance).order_by("-scheduled_start")
        )
        self.fields["meeting"].empty_label = "Not from a meeting"


class QuickActionForm(VisibleForm):
    """The compact 'add an action item' form on a meeting page."""

    title = forms.CharField(
        max_length=250, widget=forms.TextInput(attrs={"placeholder": "What must be done"})
    )
    owner = ContactChoice(queryset=Contact.objects.all(), empty_label="Owner…")
    due_date = forms.DateField(widget=forms.DateInput())

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        _people(self.fields["owner"], alliance, user)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = css.replace("form-select", "form-select form-select-sm").replace(
                "form-control", "form-control form-control-sm"
            )


# --- escalations ---------------------------------------------------------------------------------


TARGET_FIELDS = ("to_body", "to_sponsor", "to_contact")


class EscalationForm(VisibleModelForm):
    """Escalate to one body, executive sponsor or person, chosen from one grouped list."""

    escalated_to = forms.ChoiceField(
        label="Escalate to", help_text="A governance body, an executive sponsor, or another person."
    )

    class Meta:
        model = Escalation
        fields = ["title", "raised_on", "description"]
        widgets = {
            "raised_on": forms.DateInput(),
            "description": forms.Textarea(attrs={"col": "col-12", "rows": 5}),
            "title": forms.TextInput(attrs={"col": "col-12"}),
        }

    field_order = ["title", "escalated_to", "raised_on", "description"]

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.alliance = alliance
        self._bodies = {
            b.pk: b for b in GovernanceBody.objects.visible_to(user).active().filter(alliance=alliance)
        }
        self._sponsors = {m.pk: m for m in selectors.sponsors(alliance, user)}
        self._contacts = {c.pk: c for c in selectors.party_contacts(alliance, user)}
        sponsor_contacts = {m.contact_id for m in self._sponsors.values()}
        groups = [
            ("", "Choose who decides…"),
            ("Governance bodies", [(f"body:{pk}", str(b)) for pk, b in self._bodies.items()]),
            (
                "Executive sponsors",
                [
                    (f"sponsor:{pk}", f"{m.contact} — {m.contact.organization}")
                    for pk, m in self._sponsors.items()
                ],
            ),
            (
                "Other people",
                [
                    (f"contact:{pk}", f"{c} — {c.organization}")
                    for pk, c in self._contacts.items()
                    if pk not in sponsor_contacts
                ],
            ),
        ]
        self.fields["escalated_to"].choices = [g for g in groups if not isinstance(g[1], list) or g[1]]
        instance = self.instance
        if instance.pk:
            if instance.to_body_id:
                self.initial["escalated_to"] = f"body:{instance.to_body_id}"
            elif instance.to_sponsor_id:
                self.initial["escalated_to"] = f"sponsor:{instance.to_sponsor_id}"
            elif instance.to_contact_id:
                self.initial["escalated_to"] = f"contact:{instance.to_contact_id}"
        self.fields["raised_on"].required = False
        self.fields["raised_on"].help_text = "Defaults to today. Executives have 30 days to decide."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("escalated_to"):
            # The model checks its target while the form validates: give it the chosen one.
            for name, value in self.target().items():
                setattr(self.instance, name, value)
        return cleaned

    def add_error(self, field: str | None, error: Any) -> None:
        """Report the model's target errors (to_body, to_sponsor, to_contact) on ``escalated_to``."""
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            remapped: dict[str, list[Any]] = {}
            for name, errors in error.error_dict.items():
                if name in TARGET_FIELDS:
                    if "escalated_to" in self.errors:
                        continue  # the choice itself was already refused
                    name = "escalated_to"
                remapped.setdefault(name, []).extend(errors)
            if not remapped:
                return
            error = ValidationError(remapped)
        elif field in TARGET_FIELDS:
            field = "escalated_to"
        super().add_error(field, error)

    def clean_escalated_to(self) -> str:
        value = self.cleaned_data["escalated_to"]
        kind, _, pk = value.partition(":")
        pool = {"body": self._bodies, "sponsor": self._sponsors, "contact": self._contacts}.get(kind)
        if pool is None or not pk.isdigit() or int(pk) not in pool:
            raise forms.ValidationError("Choose a body, a sponsor or a person of this alliance.")
        return value

    def target(self) -> dict[str, Any]:
        kind, _, pk = self.cleaned_data["escalated_to"].partition(":")
        pool = {"body": self._bodies, "sponsor": self._sponsors, "contact": self._contacts}[kind]
        return {
            "to_body": pool[int(pk)] if kind == "body" else None,
            "to_sponsor": pool[int(pk)] if kind == "sponsor" else None,
            "to_contact": pool[int(pk)] if kind == "contact" else None,
        }


class DecideForm(VisibleForm):
    decision = forms.CharField(
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "col": "col-12",
                "placeholder": "What was decided, and what each side does now.",
            }
        )
    )
    decided_on = forms.DateField(widget=forms.DateInput(), required=False, help_text="Defaults to today.")
    decided_by_contact = ContactChoice(
        queryset=Contact.objects.all(),
        required=False,
        label="Decided by",
        empty_label="The person or body it was escalated to",
    )
    decided_by = forms.CharField(
        required=False, max_length=200, label="…or decided by (name)", help_text="e.g. both CEOs"
    )

    def __init__(self, *args: Any, alliance: Alliance, user: Any = None, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        _people(self.fields["decided_by_contact"], alliance, user)


class WithdrawForm(VisibleForm):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


def meeting_initial(alliance: Alliance, kind: str | None, user: Any) -> dict[str, Any]:
    """Sensible defaults for a new meeting of ``kind`` (e.g. "Record a QBR")."""
    if kind not in MeetingKind.values:
        return {}
    now = timezone.localtime()
    initial: dict[str, Any] = {
        "kind": kind,
        "agenda": AGENDAS.get(kind, ""),
        "scheduled_start": now.replace(hour=14, minute=0, second=0, microsecond=0),
    }
    if kind == MeetingKind.QBR:
        # A QBR reviews the quarter that ended last (calendar quarters, as partners speak of them).
        quarter, year = (now.month - 1) // 3, now.year
        if quarter == 0:
            quarter, year = 4, year - 1
        initial["title"] = f"Q{quarter} {year} business review"
        initial["duration_minutes"] = 90
    else:
        initial["title"] = f"{MeetingKind(kind).label} {now:%B %Y}"
    cadence = (
        Cadence.objects.visible_to(user)
        .active()
        .filter(alliance=alliance, meeting_kind=kind, body__isnull=False, body__archived_at__isnull=True)
        .select_related("body")
        .first()
    )
    if cadence is not None:
        initial["body"] = cadence.body_id
        initial["attendees"] = list(
            cadence.body.members.filter(archived_at__isnull=True).values_list("contact_id", flat=True)
        )
    return initial
