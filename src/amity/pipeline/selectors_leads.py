"""Reads of leads: lists through the visibility rule, and acceptance per partner.

Acceptance is measured per *routing*: a lead declined by one partner and re-routed to another
counts once for each. Answers come from the lead's history (every accept and decline is a
history row with the routing time and the answer time); leads still waiting come from the
current rows.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from amity.core.roles import Role
from amity.partners.models import Organization

from .models import Lead, LeadStatus

ANSWERS = (LeadStatus.ACCEPTED, LeadStatus.DECLINED)


def lead_list(*, user: Any) -> QuerySet:
    return Lead.objects.visible_to(user).select_related("organization", "alliance", "rule", "account")


def lead_detail(*, user: Any, pk: int) -> Lead:
    from amity.core.permissions import get_visible_or_404

    return get_visible_or_404(Lead, user, pk=pk)


@dataclass
class PartnerAcceptance:
    organization: Organization
    routed: int = 0
    accepted: int = 0
    declined: int = 0
    pending: int = 0
    overdue: int = 0
    hours: list[float] | None = None

    @property
    def answered(self) -> int:
        return self.accepted + self.declined

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.answered if self.answered else None

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 1) if self.hours else None

    @property
    def p90_hours(self) -> float | None:
        if not self.hours:
            return None
        ordered = sorted(self.hours)
        return round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 1)


def acceptance_stats(*, user: Any, today: date | None = None) -> list[PartnerAcceptance]:
    """Per partner: routings, answers, acceptance rate, median and p90 hours to answer."""
    today = today or timezone.localdate()
    visible = Lead.objects.visible_to(user).filter(archived_at__isnull=True)
    ids = visible.values("pk")
    answers = (
        Lead.history.filter(
            id__in=ids, status__in=ANSWERS, organization__isnull=False, routed_at__isnull=False
        )
        .values_list("id", "organization_id", "routed_at", "responded_at", "status")
        .order_by()
        .distinct()
    )
    rows: dict[int, PartnerAcceptance] = {}
    orgs: dict[int, Organization] = {}

    def row(org_id: int) -> PartnerAcceptance:
        if org_id not in rows:
            rows[org_id] = PartnerAcceptance(organization=orgs[org_id], hours=[])
        return rows[org_id]

    answered = list(
        {(lead, org, routed, status): responded for lead, org, routed, responded, status in answers}.items()
    )
    pending = list(visible.filter(status=LeadStatus.ROUTED).values_list("organization_id", "response_due"))
    org_ids = {key[1] for key, _ in answered} | {org for org, _ in pending}
    orgs.update(Organization.objects.in_bulk(org_ids))
    for (_, org, routed, status), responded in answered:
        stat = row(org)
        stat.routed += 1
        if status == LeadStatus.ACCEPTED:
            stat.accepted += 1
        else:
            stat.declined += 1
        if responded and routed:
            stat.hours.append((responded - routed).total_seconds() / 3600)
    for org, due in pending:
        stat = row(org)
        stat.routed += 1
        stat.pending += 1
        if due and due < today:
            stat.overdue += 1
    if getattr(user, "role", None) == Role.PARTNER:
        return [r for r in rows.values() if r.organization.pk == user.organization_id]
    return sorted(rows.values(), key=lambda r: r.organization.name)
