"""Filters of the account, opportunity and deal-registration lists (pages and exports)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from amity.alliances.models import Alliance
from amity.core.filters import StyledFilterSet
from amity.partners.models import Organization

from .models import (
    CLOSED_STAGES,
    Account,
    AccountStatus,
    DealRegistration,
    Opportunity,
    OpportunityAlliance,
    OpportunityStage,
    PartnerRole,
    RegistrationStatus,
)


def _alliances(request: Any) -> QuerySet:
    return Alliance.objects.visible_to(getattr(request, "user", None)).active().order_by("name")


def _organizations(request: Any) -> QuerySet:
    return (
        Organization.objects.visible_to(getattr(request, "user", None)).active().order_by("-is_home", "name")
    )


class AccountFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search", widget=forms.SearchInput(attrs={"placeholder": "Name or domain"})
    )
    status = django_filters.ChoiceFilter(
        choices=AccountStatus.choices, label="Status", empty_label="Any status"
    )
    owner_organization = django_filters.ModelChoiceFilter(
        queryset=_organizations, label="Owning side", empty_label="Either side"
    )
    country = django_filters.CharFilter(label="Country", lookup_expr="iexact", max_length=2)

    class Meta:
        model = Account
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__icontains=value) | Q(domain__icontains=value)) if value else qs


class OpportunityFilterSet(StyledFilterSet):
    OPEN_CHOICES = [("open", "Open"), ("closed", "Closed"), ("won", "Won"), ("lost", "Lost")]

    q = django_filters.CharFilter(
        method="search", label="Search", widget=forms.SearchInput(attrs={"placeholder": "Name or account"})
    )
    alliance = django_filters.ModelChoiceFilter(
        queryset=_alliances, label="Alliance", empty_label="Any alliance", method="filter_alliance"
    )
    role = django_filters.ChoiceFilter(
        choices=PartnerRole.choices, label="Partner role", empty_label="Any role", method="filter_role"
    )
    stage = django_filters.ChoiceFilter(
        choices=OpportunityStage.choices, label="Stage", empty_label="Any stage"
    )
    state = django_filters.ChoiceFilter(
        choices=OPEN_CHOICES, label="Open/closed", empty_label="Any", method="filter_state"
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__icontains=value) | Q(account__name__icontains=value)) if value else qs

    def filter_alliance(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(pk__in=OpportunityAlliance.objects.filter(alliance=value).values("opportunity_id"))

    def filter_role(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return qs
        return qs.filter(pk__in=OpportunityAlliance.objects.filter(role=value).values("opportunity_id"))

    def filter_state(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return {
            "open": lambda: qs.exclude(stage__in=CLOSED_STAGES),
            "closed": lambda: qs.filter(stage__in=CLOSED_STAGES),
            "won": lambda: qs.filter(stage=OpportunityStage.CLOSED_WON),
            "lost": lambda: qs.filter(stage=OpportunityStage.CLOSED_LOST),
        }.get(value, lambda: qs)()


class RegistrationFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search", widget=forms.SearchInput(attrs={"placeholder": "Customer or domain"})
    )
    status = django_filters.ChoiceFilter(
        choices=RegistrationStatus.choices, label="Status", empty_label="Any status"
    )
    alliance = django_filters.ModelChoiceFilter(
        queryset=_alliances, label="Alliance", empty_label="Any alliance"
    )

    class Meta:
        model = DealRegistration
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(company_name__icontains=value) | Q(domain__icontains=value)) if value else qs
