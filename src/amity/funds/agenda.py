"""Agenda sources of MDF, registered in ``FundsConfig.ready()``.

* ``mdf_request_decision`` - a submitted request waits for a decision (due
  ``DECISION_DAYS`` after submission; OPEN until decided).
* ``mdf_claim_review`` - a submitted claim waits for review (due ``REVIEW_DAYS`` after it came in).
* ``mdf_budget_expiry`` - a budget's unspent funds expire after this day (OPEN while
  something is available; DONE once nothing is left to expire).

Only budgets linked to an alliance appear (the agenda is per alliance), and - as for deal
registrations - only where the budget's partner is the alliance's only partner party, so a
competing partner of a multi-partner alliance never sees another's funds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from amity.alliances.models import AllianceParty
from amity.core import agenda

from .models import Budget, Claim, ClaimStatus, FundRequest, RequestStatus

DATA_KIND = "funds"
DECISION_DAYS = 10
REVIEW_DAYS = 10


def _in(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def _own_budgets(alliance_ids: Any):
    competitor = AllianceParty.objects.filter(
        alliance_id=OuterRef("alliance_id"), archived_at__isnull=True, organization__is_home=False
    ).exclude(organization_id=OuterRef("organization_id"))
    return Budget.objects.filter(alliance_id__in=alliance_ids, archived_at__isnull=True).filter(
        ~Exists(competitor)
    )


def _owner(alliance: Any) -> tuple[int, ...]:
    return (alliance.owner_id,) if getattr(alliance, "owner_id", None) else ()


def items(alliance_ids: Any, start: date | None, end: date | None) -> Iterable[agenda.AgendaItem]:
    budgets = _own_budgets(alliance_ids)
    requests = (
        FundRequest.objects.filter(
            budget__in=budgets, status=RequestStatus.SUBMITTED, archived_at__isnull=True
        )
        .select_related("budget__organization", "budget__alliance")
        .order_by("submitted_at", "pk")
    )
    for r in requests:
        day = timezone.localdate(r.submitted_at or r.created_at) + timedelta(days=DECISION_DAYS)
        if _in(day, start, end):
            yield agenda.AgendaItem(
                uid=f"mdf-request-{r.pk}-decision",
                alliance_id=r.budget.alliance_id,
                kind="mdf_request_decision",
                title=f"Decide MDF request: {r.activity} ({r.budget.organization.name})",
                day=day,
                url=reverse("funds:request_detail", args=[r.pk]),
                description=f"{r.requested_amount:,.2f} {r.budget.currency} requested.",
                recipients=_owner(r.budget.alliance),
                data_kind=DATA_KIND,
            )
    claims = (
        Claim.objects.filter(
            request__budget__in=budgets, status=ClaimStatus.SUBMITTED, archived_at__isnull=True
        )
        .select_related("request__budget__organization", "request__budget__alliance")
        .order_by("created_at", "pk")
    )
    for c in claims:
        day = timezone.localdate(c.created_at) + timedelta(days=REVIEW_DAYS)
        if _in(day, start, end):
            budget = c.request.budget
            yield agenda.AgendaItem(
                uid=f"mdf-claim-{c.pk}-review",
                alliance_id=budget.alliance_id,
                kind="mdf_claim_review",
                title=f"Review MDF claim: {c.request.activity} ({budget.organization.name})",
                day=day,
                url=reverse("funds:claim_detail", args=[c.pk]),
                description=f"{c.amount:,.2f} {budget.currency} claimed with proof of performance.",
                recipients=_owner(budget.alliance),
                data_kind=DATA_KIND,
            )
    expiring = budgets.select_related("organization", "alliance").order_by("expiry_date", "pk")
    if start is not None:
        expiring = expiring.filter(expiry_date__gte=start)
    if end is not None:
        expiring = expiring.filter(expiry_date__lte=end)
    for b in expiring:
        yield agenda.AgendaItem(
            uid=f"mdf-budget-{b.pk}-expiry",
            alliance_id=b.alliance_id,
            kind="mdf_budget_expiry",
            title=f"MDF budget expires: {b.organization.name} FY{b.fiscal_year}",
            day=b.expiry_date,
            url=reverse("funds:budget_detail", args=[b.pk]),
            status=agenda.OPEN if b.available > 0 else agenda.DONE,
            description=f"{b.available:,.2f} {b.currency} still available will expire.",
            recipients=_owner(b.alliance),
            data_kind=DATA_KIND,
        )


def register() -> None:
    agenda.register("funds", items)
