"""Filters of the organization, contact and certification lists, shared by the pages and their
CSV exports; the certification status (valid, expiring, expired) is defined here once for the
pages and the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils import timezone

from amity.core.filters import StyledFilterSet

from .models import (
    Certification,
    CompanySize,
    Contact,
    ContactFunction,
    CredentialKind,
    Organization,
    PartnerKind,
)


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


# --- certifications --------------------------------------------------------------------------

#: A valid certification that expires within this many days is flagged as expiring.
EXPIRING_WITHIN_DAYS = 60


class CertificationStatus(models.TextChoices):
    """What a certification is worth on a day (the badge on the pages, ``status`` in the API)."""

    VALID = "valid", "Valid"
    EXPIRING = "expiring", f"Expires within {EXPIRING_WITHIN_DAYS} days"
    EXPIRED = "expired", "Expired"
    PENDING = "pending", "Not yet valid"
    TRAINING = "training", "Training"


def today() -> date:
    """Today in the program's time zone: the day statuses are computed for."""
    return timezone.localdate()


def _expiring_limit(day: date) -> date:
    return day + timedelta(days=EXPIRING_WITHIN_DAYS)


def valid_on_q(day: date) -> Q:
    """Completed on or before ``day`` and not expired by then (``Certification.valid_on``)."""
    return Q(completed_on__lte=day) & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))


def certification_status_q(status: str, day: date) -> Q:
    """Rows of ``status`` on ``day``. ``valid`` includes the expiring ones - they still count.

    Only certifications get valid/expiring/expired/pending, as in ``facts.valid_certifications``
    (what the tier rules count); trainings are their own status.
    """
    certification = Q(kind=CredentialKind.CERTIFICATION)
    if status == CertificationStatus.TRAINING:
        return Q(kind=CredentialKind.TRAINING)
    if status == CertificationStatus.VALID:
        return certification & valid_on_q(day)
    if status == CertificationStatus.EXPIRING:
        return certification & Q(
            completed_on__lte=day, expires_on__gte=day, expires_on__lte=_expiring_limit(day)
        )
    if status == CertificationStatus.EXPIRED:
        return certification & Q(expires_on__lt=day)
    if status == CertificationStatus.PENDING:
        return certification & Q(completed_on__gt=day) & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
    raise ValueError(f"Unknown certification status {status!r}.")


def with_certification_status(qs: QuerySet, day: date | None = None) -> QuerySet:
    """Annotate ``status`` (a :class:`CertificationStatus` code) in the database, for ``day``."""
    day = day or today()
    return qs.annotate(
        status=Case(
            When(kind=CredentialKind.TRAINING, then=Value(CertificationStatus.TRAINING.value)),
            When(expires_on__lt=day, then=Value(CertificationStatus.EXPIRED.value)),
            When(completed_on__gt=day, then=Value(CertificationStatus.PENDING.value)),
            When(expires_on__lte=_expiring_limit(day), then=Value(CertificationStatus.EXPIRING.value)),
            default=Value(CertificationStatus.VALID.value),
            output_field=CharField(),
        )
    )


def _certified_organizations(request: Any) -> QuerySet:
    # Only organizations whose people's certifications this user sees: a partner is offered
    # their own company, never a list of the portfolio.
    user = getattr(request, "user", None)
    certified = Certification.objects.visible_to(user).values("contact__organization_id")
    return Organization.objects.visible_to(user).filter(pk__in=certified).order_by("name")


class CertificationFilterSet(StyledFilterSet):
    """Search course, person or credential; organization, kind and status (valid/expiring/expired)."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Course, person or credential ID"}),
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=_certified_organizations,
        field_name="contact__organization",
        label="Organization",
        empty_label="Any organization",
    )
    kind = django_filters.ChoiceFilter(choices=CredentialKind.choices, label="Kind", empty_label="Any kind")
    status = django_filters.ChoiceFilter(
        choices=[
            (CertificationStatus.VALID, "Valid now"),
            (CertificationStatus.EXPIRING, CertificationStatus.EXPIRING.label),
            (CertificationStatus.EXPIRED, CertificationStatus.EXPIRED.label),
            (CertificationStatus.PENDING, CertificationStatus.PENDING.label),
        ],
        method="filter_status",
        label="Status",
        empty_label="Any status",
    )

    class Meta:
        model = Certification
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        q = Q(course__icontains=value) | Q(issuer__icontains=value) | Q(credential_id__icontains=value)
        q |= Q(contact__first_name__icontains=value) | Q(contact__last_name__icontains=value)
        first, _, last = value.partition(" ")
        if last:
            q |= Q(contact__first_name__icontains=first, contact__last_name__icontains=last.strip())
        return queryset.filter(q)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(certification_status_q(value, today())) if value else queryset
