"""Certification facts for the tier rules: how many partner people hold a valid certification."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from .models import Certification, CredentialKind

FACTS = {
    "certified_people": "Partner people holding a valid certification at the end of the period",
    "certifications_valid": "Valid certifications held by the partner's people at the end of the period",
}


def describe() -> dict[str, str]:
    return dict(FACTS)


def valid_certifications(organization_ids: Any, on: date):
    return Certification.objects.filter(
        contact__organization_id__in=organization_ids,
        kind=CredentialKind.CERTIFICATION,
        archived_at__isnull=True,
        contact__archived_at__isnull=True,
        completed_on__lte=on,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))


def compute(alliance: Any, start: date, end: date) -> dict[str, Any]:
    from amity.alliances.models import AllianceParty, PartyRole

    orgs = (
        AllianceParty.objects.filter(alliance=alliance, archived_at__isnull=True)
        .exclude(role=PartyRole.HOST)
        .values("organization_id")
    )
    certs = valid_certifications(orgs, end)
    return {
        "certified_people": certs.values("contact_id").distinct().count(),
        "certifications_valid": certs.count(),
    }
