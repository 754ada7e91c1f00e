"""Filters of the portfolio-wide action item and escalation lists (page and CSV export)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from amity.alliances.models import Alliance
from amity.core.filters import StyledFilterSet

from . import selectors
from .models import ActionItem, ActionStatus, Escalation, EscalationStatus

YES_NO = [("yes", "Yes"), ("no", "No")]
SIDES = [("ours", "Our company"), ("partner", "Partner")]


def _alliances(request: Any) -> QuerySet:
    return Alliance.objects.visible_to(getattr(request, "user", None)).active().order_by("name")


class ActionItemFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search", widget=forms.SearchInput(attrs={"placeholder": "Action or owner"})
    )
    alliance = django_filters.ModelChoiceFilter(
        queryset=_alliances, label="Alliance", empty_label="Any alliance"
    )
    status = django_filters.ChoiceFilter(
        choices=ActionStatus.choices, label="Status", empty_label="Any status"
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", label="Overdue", empty_label="Either"
    )
    side = django_filters.ChoiceFilter(
        choices=SIDES, method="filter_side", label="Owner's side", empty_label="Either side"
    )

    class Meta:
        model = ActionItem
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(owner__last_name__icontains=value)
            | Q(owner__first_name__icontains=value)
        )

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        q = selectors.overdue_action_q()
        return queryset.filter(q) if value == "yes" else queryset.exclude(q)

    def filter_side(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(owner__organization__is_home=value == "ours")


class EscalationFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Title or description"}),
    )
    alliance = django_filters.ModelChoiceFilter(
        queryset=_alliances, label="Alliance", empty_label="Any alliance"
    )
    status = django_filters.ChoiceFilter(
        choices=EscalationStatus.choices, label="Status", empty_label="Any status"
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", label="Open over 30 days", empty_label="Either"
    )

    class Meta:
        model = Escalation
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        q = selectors.overdue_escalation_q()
        return queryset.filter(q) if value == "yes" else queryset.exclude(q)
