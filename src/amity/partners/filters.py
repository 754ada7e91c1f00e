"""Filters of the organization and contact lists, shared by the pages and their CSV exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from amity.core.filters import StyledFilterSet

from .models import CompanySize, Contact, ContactFunction, Organization, PartnerKind


def _visible_organizations(request: Any) -> QuerySet:
    user = getattr(request, "user", None)
    return Organization.objects.visible_to(user).active().order_by("name")


class OrganizationFilterSet(StyledFilterSet):
    """Search name or domain; kind, country, industry and size."""

    q = django_filters.CharFilter(
        method="search", label="Search", widget=forms.SearchInput(attrs={"placeholder": "Name or domain"})
    )
    partner_kind = django_filters.ChoiceFilter(
        choices=PartnerKind.choices, label="Kind", empty_label="Any kind"
    )
    country = django_filters.ChoiceFilter(label="Country", empty_label="Any country", method="filter_country")
    industry = django_filters.ChoiceFilter(label="Industry", empty_label="Any industry")
    size = django_filters.ChoiceFilter(choices=CompanySize.choices, label="Size", empty_label="Any size")

    class Meta:
        model = Organization
        fields: list[str] = []

    def __init__(self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: Any = None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # The choices come from the organizations this user may see (one query each), so a
        # partner user is never shown another company's country or industry.
        visible = _visible_organizations(request)
        countries = (
            visible.exclude(country="").order_by("country").values_list("country", flat=True).distinct()
        )
        industries = (
            visible.exclude(industry="").order_by("industry").values_list("industry", flat=True).distinct()
        )
        self.filters["country"].extra["choices"] = [(c, c) for c in countries]
        self.filters["industry"].extra["choices"] = [(i, i) for i in industries]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(domain__icontains=value.lower()))

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(country__iexact=value) if value else queryset


class ContactFilterSet(StyledFilterSet):
    """Search name, e-mail or title; organization and function."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Name, e-mail or title"}),
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=_visible_organizations, label="Organization", empty_label="Any organization"
    )
    function = django_filters.ChoiceFilter(
        choices=ContactFunction.choices, label="Function", empty_label="Any function"
    )

    class Meta:
        model = Contact
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        q = Q(first_name__icontains=value) | Q(last_name__icontains=value) | Q(email__icontains=value)
        q |= Q(title__icontains=value)
        first, _, last = value.partition(" ")
        if last:
            q |= Q(first_name__icontains=first, last_name__icontains=last.strip())
        return queryset.filter(q)
