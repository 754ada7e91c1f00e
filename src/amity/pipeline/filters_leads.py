"""Filters of the lead list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from amity.core.filters import StyledFilterSet
from amity.partners.models import Organization

from .models import Lead, LeadStatus


def _partners(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user).filter(is_home=False, leads__isnull=False).distinct()


class LeadFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search", widget=forms.SearchInput(attrs={"placeholder": "Company or domain"})
    )
    status = django_filters.ChoiceFilter(choices=LeadStatus.choices, label="Status", empty_label="Any status")
    organization = django_filters.ModelChoiceFilter(
        queryset=_partners, label="Partner", empty_label="Any partner"
    )
    country = django_filters.CharFilter(label="Country", lookup_expr="iexact", max_length=2)

    class Meta:
        model = Lead
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(company_name__icontains=value) | Q(domain__icontains=value))
