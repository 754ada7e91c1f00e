"""Filters of the request and claim lists (pages and exports)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from amity.core.filters import StyledFilterSet
from amity.partners.models import Organization

from .models import Claim, ClaimStatus, FundRequest, RequestStatus


def _partners(request: Any) -> QuerySet:
    return Organization.objects.visible_to(getattr(request, "user", None)).filter(is_home=False).active()


class RequestFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Activity or campaign"}),
    )
    status = django_filters.ChoiceFilter(
        choices=RequestStatus.choices, label="Status", empty_label="Any status"
    )
    partner = django_filters.ModelChoiceFilter(
        queryset=_partners, field_name="budget__organization", label="Partner", empty_label="Any partner"
    )
    fiscal_year = django_filters.NumberFilter(field_name="budget__fiscal_year", label="Fiscal year")

    class Meta:
        model = FundRequest
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(activity__icontains=value) | Q(campaign_name__icontains=value)) if value else qs


class ClaimFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        choices=ClaimStatus.choices, label="Status", empty_label="Any status"
    )
    partner = django_filters.ModelChoiceFilter(
        queryset=_partners,
        field_name="request__budget__organization",
        label="Partner",
        empty_label="Any partner",
    )
    fiscal_year = django_filters.NumberFilter(field_name="request__budget__fiscal_year", label="Fiscal year")

    class Meta:
        model = Claim
        fields: list[str] = []
