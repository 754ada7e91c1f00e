"""Reads of the pipeline. Every read takes the user and starts from ``visible_to``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from amity.alliances.models import Alliance
from amity.core.periods import fiscal_quarters, fiscal_year, fiscal_year_of
from amity.core.permissions import get_visible_or_404

from .models import (
    OPEN_STAGES,
    Account,
    DealRegistration,
    Opportunity,
    OpportunityAlliance,
    OpportunityStage,
    OpportunityStageChange,
    RegistrationMatch,
)

ZERO = Decimal("0.00")


def _links_prefetch(user: Any) -> Prefetch:
    return Prefetch(
        "links",
        queryset=OpportunityAlliance.objects.visible_to(user).select_related("alliance").order_by("pk"),
    )


def account_list(*, user: Any) -> QuerySet:
    """The accounts ``user`` may see, each with its number of open opportunities - a correlated
    count, so that a page of a million accounts counts the deals of its own rows only (a join
    with ``GROUP BY`` aggregated every account's deals for the count and for each page)."""
    open_deals = (
        Opportunity.objects.filter(_open_filter(), account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Account.objects.visible_to(user)
        .select_related("owner_organization")
        .annotate(open_opportunities=Coalesce(Subquery(open_deals, output_field=IntegerField()), 0))
    )


def _open_filter(prefix: str = "") -> Any:
    from django.db.models import Q

    return Q(**{f"{prefix}stage__in": OPEN_STAGES, f"{prefix}archived_at__isnull": True})


def account_detail(*, user: Any, pk: int) -> Account:
    return get_visible_or_404(Account, user, pk=pk)


def account_opportunities(*, account: Account, user: Any) -> QuerySet:
    return (
        Opportunity.objects.visible_to(user)
        .filter(account=account)
        .select_related("owner")
        .prefetch_related(_links_prefetch(user))
        .order_by("-close_date", "pk")
    )


def opportunity_list(*, user: Any) -> QuerySet:
    return (
        Opportunity.objects.visible_to(user)
        .select_related("account", "owner")
        .prefetch_related(_links_prefetch(user))
    )


def opportunity_detail(*, user: Any, pk: int) -> Opportunity:
    qs = opportunity_list(user=user)
    try:
        return qs.get(pk=pk)
    except (Opportunity.DoesNotExist, ValueError, TypeError):
        raise Http404("No opportunity matches the given query.") from None


def stage_history(*, opportunity: Opportunity, user: Any) -> QuerySet:
    return (
        OpportunityStageChange.objects.visible_to(user)
        .filter(opportunity=opportunity)
        .select_related("changed_by")
        .order_by("changed_at", "pk")
    )


def registration_list(*, user: Any) -> QuerySet:
    return DealRegistration.objects.visible_to(user).select_related(
        "alliance", "organization", "submitted_by", "opportunity"
    )


def registration_detail(*, user: Any, pk: int) -> DealRegistration:
    try:
        return registration_list(user=user).get(pk=pk)
    except (DealRegistration.DoesNotExist, ValueError, TypeError):
        raise Http404("No deal registration matches the given query.") from None


def registration_matches(*, registration: DealRegistration, user: Any) -> list[RegistrationMatch]:
    """The check's findings - an empty list for partner users, whatever was found."""
    return list(
        RegistrationMatch.objects.visible_to(user)
        .filter(registration=registration)
        .select_related(
            "opportunity",
            "account",
            "account__owner_organization",
            "other_registration",
            "other_registration__organization",
        )
    )


@dataclass
class QuarterRow:
    label: str
    start: date
    end: date
    won: Decimal = ZERO
    open: Decimal = ZERO
    weighted: Decimal = ZERO


@dataclass
class PipelineSummary:
    """The alliance's pipeline in the reporting numbers the tab and the API show.

    * ``open_amount`` - sum of amounts of open opportunities (not closed won/lost);
    * ``weighted_amount`` - sum of amount × probability / 100 of those;
    * ``won_this_year`` - sum of amounts closed won with a close date in this fiscal year;
    * ``quarters`` - per quarter of this fiscal year: won by close date, open and weighted by
      expected close date.

    Amounts are added as recorded, whatever their currency (``currencies`` lists them).
    """

    fiscal_year: str
    open_count: int = 0
    open_amount: Decimal = ZERO
    weighted_amount: Decimal = ZERO
    won_count: int = 0
    won_this_year: Decimal = ZERO
    lost_count: int = 0
    currencies: list[str] = field(default_factory=list)
    quarters: list[QuarterRow] = field(default_factory=list)
    by_stage: list[dict[str, Any]] = field(default_factory=list)


def alliance_opportunities(*, alliance: Alliance, user: Any) -> QuerySet:
    return (
        opportunity_list(user=user)
        .filter(pk__in=OpportunityAlliance.objects.filter(alliance=alliance).values("opportunity_id"))
        .filter(archived_at__isnull=True)
    )


def alliance_registrations(*, alliance: Alliance, user: Any) -> QuerySet:
    return registration_list(user=user).filter(alliance=alliance, archived_at__isnull=True)


def alliance_pipeline_summary(*, alliance: Alliance, user: Any, today: date | None = None) -> PipelineSummary:
    """Open, weighted and won pipeline of an alliance (visible opportunities only), in bulk."""
    today = today or timezone.localdate()
    year = fiscal_year_of(today)
    fy = fiscal_year(year)
    summary = PipelineSummary(fiscal_year=fy.label)
    quarters = [QuarterRow(q.label, q.start, q.end) for q in fiscal_quarters(year)]
    weighted = ExpressionWrapper(
        F("amount") * F("probability") / 100, output_field=DecimalField(max_digits=20, decimal_places=4)
    )
    qs = alliance_opportunities(alliance=alliance, user=user).order_by()
    rows = qs.values("stage", "close_date", "currency", "amount").annotate(w=weighted)
    stage_totals: dict[str, list] = {s: [0, ZERO] for s in OpportunityStage.values}
    currencies: set[str] = set()
    for row in rows:
        amount = row["amount"] or ZERO
        currencies.add(row["currency"])
        stage = row["stage"]
        stage_totals[stage][0] += 1
        stage_totals[stage][1] += amount
        quarter = next((q for q in quarters if q.start <= row["close_date"] <= q.end), None)
        if stage in OPEN_STAGES:
            w = Decimal(row["w"] or 0).quantize(Decimal("0.01"))
            summary.open_count += 1
            summary.open_amount += amount
            summary.weighted_amount += w
            if quarter:
                quarter.open += amount
                quarter.weighted += w
        elif stage == OpportunityStage.CLOSED_WON:
            if row["close_date"] in fy:
                summary.won_count += 1
                summary.won_this_year += amount
            if quarter:
                quarter.won += amount
        else:
            summary.lost_count += 1
    summary.weighted_amount = summary.weighted_amount.quantize(Decimal("0.01"))
    summary.currencies = sorted(currencies)
    summary.quarters = quarters
    summary.by_stage = [
        {"stage": s, "label": OpportunityStage(s).label, "count": c, "amount": a}
        for s, (c, a) in stage_totals.items()
    ]
    return summary


def totals(qs: QuerySet) -> dict[str, Any]:
    return qs.aggregate(amount=Sum("amount"), count=Count("pk"))
