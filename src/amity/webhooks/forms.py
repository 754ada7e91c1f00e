"""Forms of the webhooks pages: they parse input; ``services`` writes."""

from __future__ import annotations

from typing import Any

from django import forms

from amity.core.forms import VisibleForm
from amity.partners.models import Organization

from . import catalog


class SubscriptionForm(VisibleForm):
    name = forms.CharField(max_length=100, help_text="For you: e.g. “CRM sync” or “Slack alerts”.")
    url = forms.URLField(
        label="Receiver URL",
        max_length=500,
        assume_scheme="https",
        help_text="https://… (plain http only to localhost or 127.0.0.1, for a receiver on this machine).",
    )
    organization = forms.ModelChoiceField(
        Organization.objects.filter(is_home=False),
        required=False,
        label="Belongs to",
        empty_label="Our company (internal: every event)",
        help_text="A partner's subscription receives only the events about what that partner sees.",
    )
    events = forms.MultipleChoiceField(
        choices=catalog.choices(), widget=forms.CheckboxSelectMultiple, label="Events to send"
    )
    active = forms.BooleanField(required=False, initial=True, help_text="Inactive: nothing is sent.")

    def __init__(self, *args: Any, user: Any = None, owner_choice: bool = True, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        if not owner_choice:
            del self.fields["organization"]
        self.fields["url"].widget.attrs["placeholder"] = "https://example.com/amity-webhooks"

    def event_options(self) -> list[dict[str, Any]]:
        """Each event with its description and whether it is ticked (for the checkbox list)."""
        if self.is_bound:
            chosen = set(self.data.getlist("events")) if hasattr(self.data, "getlist") else set()
        else:
            chosen = set(self.initial.get("events") or [])
        return [{"event": e, "checked": e.name in chosen} for e in catalog.EVENTS.values()]
