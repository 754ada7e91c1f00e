"""Attribution and forecast: reads of the pipeline across the portfolio (or one alliance).

Rules (every number explainable):

* Only opportunities in the **reporting currency** (``settings.AMITY_REPORTING_CURRENCY``) are
  added up. Opportunities in other currencies are never converted or summed silently: they are
  reported per currency in ``excluded`` (count and amount) and named on the page.
* **Attribution** counts closed-won amounts. A deal linked to an alliance with the role
  "sourced" is sourced revenue for that alliance; the roles influenced, co-sell, resell and
  referral count as influenced. Per alliance (and per partner organization) a deal counts once
  per alliance it is linked to; the **portfolio total counts each deal once** (primary credit:
  sourced if any of its visible links is "sourced", else influenced).
* **Forecast**: open pipeline and weighted pipeline (amount × probability / 100) of open deals
  by the fiscal quarter of their close date, for the next four quarters (this one included),
  plus closed-won amounts closing so far this quarter.
* **Partner impact**: win rate (won / closed), average won deal size, and average sales cycle
  (close date − created date of won deals, in days) with and without a partner ("with partner"
  = linked to any alliance).

Everything is aggregated in the database with a constant number of queries; partner users
see only their alliances' opportunities and links (``visible_to``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from amity.alliances.models import Alliance, AllianceParty, DataKind, PartyRole, shared_alliance_ids
from amity.core.models import user_role
from amity.core.periods import Period, fiscal_quarter_of
from amity.core.roles import Role

from .models import OPEN_STAGES, Opportunity, OpportunityAlliance, OpportunityStage, PartnerRole

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
WON = OpportunityStage.CLOSED_WON
LOST = OpportunityStage.CLOSED_LOST
INFLUENCE_ROLES = (PartnerRole.INFLUENCED, PartnerRole.CO_SELL, PartnerRole.RESELL, PartnerRole.REFERRAL)


@dataclass
class Forecast:
    currency: str
    alliance: Alliance | None
    today: date
    excluded: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    by_alliance: list[dict] = field(default_factory=list)
    by_partner: list[dict] = field(default_factory=list)
    by_quarter: list[dict] = field(default_factory=list)
    forecast: list[dict] = field(default_factory=list)
    won_this_quarter: Decimal = ZERO
    by_stage: list[dict] = field(default_factory=list)
    impact: dict = field(default_factory=dict)


def _money(value: Any) -> Decimal:
    return (value or ZERO).quantize(CENT)


def _quarters(today: date, back: int, ahead: int) -> list[Period]:
    """``back`` quarters before this one, this one, and ``ahead - 1`` after it."""
    current = fiscal_quarter_of(today)
    result = [current]
    day = current.start
    for _ in range(back):
        day = day - timedelta(days=1)
        result.insert(0, fiscal_quarter_of(day))
        day = result[0].start
    day = current.end
    for _ in range(ahead - 1):
        day = day + timedelta(days=1)
        result.append(fiscal_quarter_of(day))
        day = result[-1].end
    return result


def _in(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}close_date__gte": period.start, f"{prefix}close_date__lte": period.end})


def forecast(*, user: Any, alliance: Alliance | None = None, today: date | None = None) -> Forecast:
    """The attribution, forecast and partner-impact numbers the user may see.

    ``alliance`` must already be visible to the user (use ``alliance_detail``)."""
    today = today or timezone.localdate()
    currency = settings.AMITY_REPORTING_CURRENCY
    result = Forecast(currency=currency, alliance=alliance, today=today)

    opportunities = Opportunity.objects.visible_to(user).filter(archived_at__isnull=True)
    links = OpportunityAlliance.objects.visible_to(user).filter(
        archived_at__isnull=True, opportunity__archived_at__isnull=True
    )
    if user_role(user) == Role.PARTNER:
        # A forecast is revenue: a partner sees the deals of the alliances that share revenue
        # figures with it (``SharingSetting``), not merely their pipeline.
        revenue = shared_alliance_ids(user.organization_id, DataKind.REVENUE)
        links = links.filter(alliance_id__in=revenue)
        opportunities = opportunities.filter(pk__in=links.values("opportunity_id"))
    if alliance is not None:
        opportunities = opportunities.filter(links__alliance=alliance).distinct()
        links = links.filter(alliance=alliance)
    # distinct() and aggregates do not mix: narrow by id instead.
    opportunities = Opportunity.objects.filter(pk__in=opportunities.values("pk"))

    # 1. What was left out: other currencies, per currency.
    result.excluded = [
        {"currency": row["currency"], "count": row["count"], "amount": _money(row["amount"])}
        for row in opportunities.exclude(currency=currency)
        .values("currency")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("currency")
    ]
    opportunities = opportunities.filter(currency=currency)
    links = links.filter(opportunity__currency=currency)

    # 2. Attribution. Portfolio total: each won deal once, primary credit sourced if any visible
    # link is sourced.
    sourced_link = links.filter(opportunity=OuterRef("pk"), role=PartnerRole.SOURCED)
    any_link = links.filter(opportunity=OuterRef("pk"))
    won = opportunities.filter(stage=WON).annotate(
        is_sourced=Exists(sourced_link), partnered=Exists(any_link)
    )
    totals = won.aggregate(
        sourced=Sum("amount", filter=Q(is_sourced=True)),
        influenced=Sum("amount", filter=Q(is_sourced=False, partnered=True)),
        direct=Sum("amount", filter=Q(partnered=False)),
        total=Sum("amount"),
        deals=Count("pk"),
    )
    result.totals = {key: totals[key] if key == "deals" else _money(totals[key]) for key in totals}

    won_links = links.filter(opportunity__stage=WON)
    sourced_q = Q(role=PartnerRole.SOURCED)
    influenced_q = Q(role__in=INFLUENCE_ROLES)
    rows = (
        won_links.values("alliance_id", "alliance__name")
        .annotate(
            sourced=Sum("opportunity__amount", filter=sourced_q),
            influenced=Sum("opportunity__amount", filter=influenced_q),
            deals=Count("opportunity", distinct=True),
        )
        .order_by("alliance__name")
    )
    result.by_alliance = [
        {
            "alliance_id": r["alliance_id"],
            "name": r["alliance__name"],
            "sourced": _money(r["sourced"]),
            "influenced": _money(r["influenced"]),
            "total": _money(r["sourced"]) + _money(r["influenced"]),
            "deals": r["deals"],
        }
        for r in rows
    ]

    # Per partner organization: through the alliance's non-host parties.
    party_rows = (
        AllianceParty.objects.filter(
            archived_at__isnull=True, alliance_id__in=won_links.values("alliance_id")
        )
        .exclude(role=PartyRole.HOST)
        .exclude(organization__is_home=True)
        .values("organization_id", "organization__name", "alliance_id")
    )
    by_org: dict[int, dict] = {}
    per_alliance = {r["alliance_id"]: r for r in result.by_alliance}
    for party in party_rows:  # one row per party of an alliance with won deals - not per deal
        row = by_org.setdefault(
            party["organization_id"],
            {
                "organization_id": party["organization_id"],
                "name": party["organization__name"],
                "sourced": ZERO,
                "influenced": ZERO,
            },
        )
        figures = per_alliance[party["alliance_id"]]
        row["sourced"] += figures["sourced"]
        row["influenced"] += figures["influenced"]
    result.by_partner = sorted(
        ({**r, "total": r["sourced"] + r["influenced"]} for r in by_org.values()), key=lambda r: r["name"]
    )

    # Per fiscal quarter (the last four, this one included), primary credit as in the total.
    past = _quarters(today, back=3, ahead=1)
    aggregates = {}
    for i, period in enumerate(past):
        aggregates[f"s{i}"] = Sum("amount", filter=_in(period) & Q(is_sourced=True))
        aggregates[f"i{i}"] = Sum("amount", filter=_in(period) & Q(is_sourced=False, partnered=True))
        aggregates[f"t{i}"] = Sum("amount", filter=_in(period))
    figures = won.aggregate(**aggregates)
    result.by_quarter = [
        {
            "label": period.label,
            "start": period.start,
            "end": period.end,
            "sourced": _money(figures[f"s{i}"]),
            "influenced": _money(figures[f"i{i}"]),
            "total": _money(figures[f"t{i}"]),
        }
        for i, period in enumerate(past)
    ]

    # 3. Weighted forecast: the next four quarters (this one included) and won this quarter.
    ahead = _quarters(today, back=0, ahead=4)
    weighted = ExpressionWrapper(
        F("amount") * F("probability") * Decimal("0.01"),  # not / 100: SQLite divides integers
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    open_q = Q(stage__in=OPEN_STAGES)
    aggregates = {"won_now": Sum("amount", filter=Q(stage=WON) & _in(ahead[0]))}
    for i, period in enumerate(ahead):
        aggregates[f"o{i}"] = Sum("amount", filter=open_q & _in(period))
        aggregates[f"w{i}"] = Sum(weighted, filter=open_q & _in(period))
        aggregates[f"c{i}"] = Count("pk", filter=open_q & _in(period))
    figures = opportunities.aggregate(**aggregates)
    result.won_this_quarter = _money(figures["won_now"])
    result.forecast = [
        {
            "label": period.label,
            "start": period.start,
            "end": period.end,
            "count": figures[f"c{i}"],
            "open": _money(figures[f"o{i}"]),
            "weighted": _money(figures[f"w{i}"]),
        }
        for i, period in enumerate(ahead)
    ]

    # Funnel: open and closed deals by stage.
    stages = {
        r["stage"]: r
        for r in opportunities.values("stage").annotate(count=Count("pk"), amount=Sum("amount")).order_by()
    }
    result.by_stage = [
        {
            "stage": stage.value,
            "label": stage.label,
            "count": stages.get(stage.value, {}).get("count", 0),
            "amount": _money(stages.get(stage.value, {}).get("amount")),
        }
        for stage in OpportunityStage
    ]

    # 4. Partner impact.
    cycle = ExpressionWrapper(F("close_date") - TruncDate("created_at"), output_field=DurationField())
    impact = opportunities.annotate(partnered=Exists(any_link)).aggregate(
        **{
            f"{key}_{name}": agg
            for key, flag in (("with", True), ("without", False))
            for name, agg in (
                ("won", Count("pk", filter=Q(partnered=flag, stage=WON))),
                ("closed", Count("pk", filter=Q(partnered=flag, stage__in=(WON, LOST)))),
                ("avg", Avg("amount", filter=Q(partnered=flag, stage=WON))),
                ("cycle", Avg(cycle, filter=Q(partnered=flag, stage=WON))),
            )
        }
    )
    for key in ("with", "without"):
        won_count, closed = impact[f"{key}_won"], impact[f"{key}_closed"]
        cycle_value = impact[f"{key}_cycle"]
        result.impact[key] = {
            "won": won_count,
            "closed": closed,
            "win_rate": (Decimal(won_count * 100) / closed).quantize(Decimal("0.1")) if closed else None,
            "average_deal": _money(impact[f"{key}_avg"]) if impact[f"{key}_avg"] is not None else None,
            "average_cycle_days": _days(cycle_value),
        }
    return result


def _days(value: Any) -> Decimal | None:
    """An average duration as days with one decimal (backends return a timedelta)."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return (Decimal(value.total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"))
    return Decimal(value).quantize(Decimal("0.1"))
