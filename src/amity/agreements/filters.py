"""Filters of the agreement and commitment lists, shared by the pages and their CSV exports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet

from amity.alliances.models import Alliance
from amity.core.filters import StyledFilterSet

from . import selectors
from .models import (
    IN_FORCE,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Category,
    Commitment,
    CommitmentStatus,
    Nature,
)


def _alliances(request: Any) -> QuerySet:
    return Alliance.objects.visible_to(getattr(request, "user", None)).active().order_by("name")


class AgreementFilterSet(StyledFilterSet):
    """Search, alliance, kind, status and the deadlines coming due."""

    DEADLINES = [
        ("notice_soon", f"Notice deadline in {settings.AMITY_REMINDER_DAYS} days"),
        ("notice_passed", "Notice deadline passed"),
        ("expiring", f"Expiring in {selectors.RENEWAL_HORIZON_DAYS} days"),
        ("auto_renew", "Renews automatically"),
    ]

    q = django_filters.CharFilter(
        method="search", label="Search", widget=forms.SearchInput(attrs={"placeholder": "Title or notes"})
    )
    alliance = django_filters.ModelChoiceFilter(
        queryset=_alliances, label="Alliance", empty_label="Any alliance"
    )
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices, label="Kind", empty_label="Any kind")
    status = django_filters.ChoiceFilter(
        choices=AgreementStatus.choices, label="Status", empty_label="Any status"
    )
    deadline = django_filters.ChoiceFilter(
        choices=DEADLINES, method="filter_deadline", label="Deadlines", empty_label="Any"
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(notes__icontains=value))

    def filter_deadline(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        day = selectors.today()
        in_force = queryset.filter(status__in=IN_FORCE)
        if value == "notice_soon":
            horizon = day + timedelta(days=settings.AMITY_REMINDER_DAYS)
            return in_force.filter(notice_deadline__gte=day, notice_deadline__lte=horizon)
        if value == "notice_passed":
            return in_force.filter(notice_deadline__lt=day, expiry_date__gte=day)
        if value == "expiring":
            horizon = day + timedelta(days=selectors.RENEWAL_HORIZON_DAYS)
            return in_force.filter(expiry_date__lte=horizon)
        if value == "auto_renew":
            return queryset.filter(auto_renew=True)
        return queryset


class CommitmentFilterSet(StyledFilterSet):
    """Search, alliance, side (ours / partner), status, nature, category and timing."""

    SIDES = [("ours", "Our company"), ("partner", "Partners")]
    TIMING = [
        ("overdue", "Overdue"),
        ("soon", f"Due in the next {selectors.DUE_SOON_DAYS} days"),
        ("open", "All open"),
        ("closed", "Closed"),
    ]

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Title or description"}),
    )
    alliance = django_filters.ModelChoiceFilter(
        queryset=_alliances, label="Alliance", empty_label="Any alliance"
    )
    side = django_filters.ChoiceFilter(
        choices=SIDES, method="filter_side", label="Side", empty_label="Both sides"
    )
    status = django_filters.ChoiceFilter(
        choices=CommitmentStatus.choices, label="Status", empty_label="Any status"
    )
    nature = django_filters.ChoiceFilter(choices=Nature.choices, label="Nature", empty_label="Hard and soft")
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label="Category", empty_label="Any category"
    )
    due = django_filters.ChoiceFilter(
        choices=TIMING, method="filter_due", label="Due", empty_label="Any time"
    )

    class Meta:
        model = Commitment
        fields: list[str] = []

    def __init__(
        self,
        data: Any = None,
        queryset: Any = None,
        *,
        request: Any = None,
        prefix: Any = None,
        alliance: Any = None,
    ):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if alliance is not None:
            # On an alliance's tab the alliance is given; search is left to the portfolio list.
            self.filters.pop("alliance", None)
            self.filters.pop("q", None)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_side(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(selectors.side_q(value)) if value else queryset

    def filter_due(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        day = selectors.today()
        if value == "overdue":
            return queryset.filter(selectors.overdue_q(day))
        if value == "soon":
            return queryset.filter(selectors.due_soon_q(day))
        if value == "open":
            return queryset.filter(selectors.open_q())
        if value == "closed":
            return queryset.exclude(selectors.open_q())
        return queryset
