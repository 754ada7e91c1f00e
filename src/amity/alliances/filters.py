"""Filters of the alliance list, shared by the page and its CSV export."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from amity.core.filters import StyledFilterSet
from amity.core.permissions import is_internal
from amity.core.roles import EDITORS

from .models import Alliance, AllianceParty, AllianceType, Classification, PartyRole, Stage, Tier

NOT_REVIEWED = "none"


def _tiers(request: Any) -> QuerySet:
    user = getattr(request, "user", None)
    return Tier.objects.visible_to(user).active().order_by("rank")


def _owners(request: Any) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(role__in=EDITORS, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class AllianceFilterSet(StyledFilterSet):
    """Search, type, stage, tier, owner and (internal users only) classification."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Alliance or partner name"}),
    )
    alliance_type = django_filters.ChoiceFilter(
        choices=AllianceType.choices, label="Type", empty_label="Any type"
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label="Stage", empty_label="Any stage")
    tier = django_filters.ModelChoiceFilter(queryset=_tiers, label="Tier", empty_label="Any tier")
    owner = django_filters.ModelChoiceFilter(queryset=_owners, label="Owner", empty_label="Anyone")
    classification = django_filters.ChoiceFilter(
        choices=[*Classification.choices, (NOT_REVIEWED, "Not reviewed")],
        method="filter_classification",
        label="Classification",
        empty_label="Any classification",
    )

    class Meta:
        model = Alliance
        fields: list[str] = []

    def __init__(self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: Any = None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if not is_internal(getattr(request, "user", None)):
            # The classification is internal strategy; the owner list names our staff.
            self.filters.pop("classification", None)
            self.filters.pop("owner", None)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        partner_hits = (
            AllianceParty.objects.active()
            .exclude(role=PartyRole.HOST)
            .filter(organization__name__icontains=value)
            .values("alliance_id")
        )
        return queryset.filter(Q(name__icontains=value) | Q(pk__in=partner_hits))

    def filter_classification(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # ``review_classification`` is annotated by selectors.alliance_list for internal users.
        if "review_classification" not in queryset.query.annotations:
            return queryset
        if value == NOT_REVIEWED:
            return queryset.filter(review_classification__isnull=True)
        return queryset.filter(review_classification=value)
