"""Forms only parse input; the views hand ``cleaned_data`` to a service."""

from __future__ import annotations

from django import forms

from amity.alliances.models import Alliance
from amity.core.forms import VisibleForm


class FeedForm(VisibleForm):
    """A new calendar feed: one alliance, or all the alliances the user can see."""

    alliance = forms.ModelChoiceField(
        queryset=Alliance.objects.order_by("name"),
        required=False,
        widget=forms.Select(attrs={"col": "col-12"}),
        empty_label="All my alliances",
        help_text="A feed of all your alliances follows you: new alliances appear in it by themselves.",
    )
    name = forms.CharField(
        max_length=100,
        required=False,
        help_text="How the calendar is called in your calendar app (default: the alliance's name).",
        widget=forms.TextInput(attrs={"col": "col-12", "placeholder": "e.g. Alliance deadlines"}),
    )
