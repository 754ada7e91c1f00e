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
    Case,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
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

    visible = Opportunity.objects.visible_to(user)
    # Did the visibility rule add conditions (perhaps joins) or redactions for this user?
    restricted = bool(visible.query.where.children) or bool(getattr(visible, "_redact", None))
    opportunities = visible.filter(archived_at__isnull=True)
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
        # Every deal linked to the alliance (any link, as a join would): no join, no distinct().
        opportunities = opportunities.filter(
            pk__in=OpportunityAlliance.objects.filter(alliance=alliance).values("opportunity_id")
        )
        links = links.filter(alliance=alliance)
    if restricted:
        # Narrow by id, so that no row counts twice and the aggregates see the plain amounts.
        opportunities = Opportunity.objects.filter(pk__in=opportunities.values("pk"))

    # One grouped scan of the opportunities answers the excluded currencies, the totals, the
    # quarters, the weighted forecast, the funnel and the partner impact; the rest is adding
    # up a few hundred groups here. The link conditions on the deal itself (not archived, the
    # currency) hold for the outer row already, so the EXISTS subqueries do not join it again.
    deal_links = OpportunityAlliance.objects.visible_to(user).filter(archived_at__isnull=True)
    if user_role(user) == Role.PARTNER:
        deal_links = deal_links.filter(alliance_id__in=revenue)
    if alliance is not None:
        deal_links = deal_links.filter(alliance=alliance)
    past = _quarters(today, back=3, ahead=1)
    ahead = _quarters(today, back=0, ahead=4)
    periods = past + ahead[1:]  # contiguous: three back, this one, three ahead
    weighted = ExpressionWrapper(
        F("amount") * F("probability") * Decimal("0.01"),  # not / 100: SQLite divides integers
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    cycle = ExpressionWrapper(F("close_date") - TruncDate("created_at"), output_field=DurationField())
    won_here = Q(stage=WON, currency=currency)
    groups = list(
        opportunities.annotate(
            bucket=Case(
                *[
                    When(close_date__gte=p.start, close_date__lte=p.end, then=Value(i))
                    for i, p in enumerate(periods)
                ],
                default=None,
                output_field=IntegerField(),
            ),
            is_sourced=Exists(deal_links.filter(opportunity=OuterRef("pk"), role=PartnerRole.SOURCED)),
            partnered=Exists(deal_links.filter(opportunity=OuterRef("pk"))),
        )
        .values("currency", "stage", "bucket", "is_sourced", "partnered")
        .annotate(
            count=Count("pk"),
            sum_amount=Sum("amount"),
            amounts=Count("amount"),
            weighted=Sum(weighted, filter=Q(stage__in=OPEN_STAGES, currency=currency)),
            sum_cycle=Sum(cycle, filter=won_here),
            cycles=Count(cycle, filter=won_here),
        )
        .order_by()
    )

    # 1. What was left out: other currencies, per currency.
    excluded: dict[str, list] = {}
    for g in groups:
        if g["currency"] != currency:
            row = excluded.setdefault(g["currency"], [0, ZERO])
            row[0] += g["count"]
            row[1] += g["sum_amount"] or ZERO
    result.excluded = [
        {"currency": code, "count": n, "amount": _money(amount)}
        for code, (n, amount) in sorted(excluded.items())
    ]
    groups = [g for g in groups if g["currency"] == currency]
    links = links.filter(opportunity__currency=currency)

    # 2. Attribution. Portfolio total: each won deal once, primary credit sourced if any visible
    # link is sourced.
    won = [g for g in groups if g["stage"] == WON]
    result.totals = {
        "sourced": _money(_sum(g["sum_amount"] for g in won if g["is_sourced"])),
        "influenced": _money(_sum(g["sum_amount"] for g in won if not g["is_sourced"] and g["partnered"])),
        "direct": _money(_sum(g["sum_amount"] for g in won if not g["partnered"])),
        "total": _money(_sum(g["sum_amount"] for g in won)),
        "deals": sum(g["count"] for g in won),
    }

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
    result.by_quarter = [
        {
            "label": period.label,
            "start": period.start,
            "end": period.end,
            "sourced": _money(_sum(g["sum_amount"] for g in won if g["bucket"] == i and g["is_sourced"])),
            "influenced": _money(
                _sum(
                    g["sum_amount"]
                    for g in won
                    if g["bucket"] == i and not g["is_sourced"] and g["partnered"]
                )
            ),
            "total": _money(_sum(g["sum_amount"] for g in won if g["bucket"] == i)),
        }
        for i, period in enumerate(past)
    ]

    # 3. Weighted forecast: the next four quarters (this one included) and won this quarter.
    now = len(past) - 1  # this quarter's bucket
    result.won_this_quarter = _money(_sum(g["sum_amount"] for g in won if g["bucket"] == now))
    open_groups = [g for g in groups if g["stage"] in OPEN_STAGES]
    result.forecast = [
        {
            "label": period.label,
            "start": period.start,
            "end": period.end,
            "count": sum(g["count"] for g in open_groups if g["bucket"] == now + i),
            "open": _money(_sum(g["sum_amount"] for g in open_groups if g["bucket"] == now + i)),
            "weighted": _money(_sum(g["weighted"] for g in open_groups if g["bucket"] == now + i)),
        }
        for i, period in enumerate(ahead)
    ]

    # Funnel: open and closed deals by stage.
    result.by_stage = [
        {
            "stage": stage.value,
            "label": stage.label,
            "count": sum(g["count"] for g in groups if g["stage"] == stage.value),
            "amount": _money(_sum(g["sum_amount"] for g in groups if g["stage"] == stage.value)),
        }
        for stage in OpportunityStage
    ]

    # 4. Partner impact: win rate, average won deal, average sales cycle (close date - created
    # date in the local time zone), with and without a partner.
    for key, flag in (("with", True), ("without", False)):
        side = [g for g in groups if bool(g["partnered"]) == flag]
        won_side = [g for g in side if g["stage"] == WON]
        won_count = sum(g["count"] for g in won_side)
        closed = sum(g["count"] for g in side if g["stage"] in (WON, LOST))
        amounts = sum(g["amounts"] for g in won_side)
        cycles = sum(g["cycles"] for g in won_side)
        cycle_total = sum((_as_duration(g["sum_cycle"]) for g in won_side if g["cycles"]), timedelta())
        result.impact[key] = {
            "won": won_count,
            "closed": closed,
            "win_rate": (Decimal(won_count * 100) / closed).quantize(Decimal("0.1")) if closed else None,
            "average_deal": _money(_sum(g["sum_amount"] for g in won_side) / amounts) if amounts else None,
            "average_cycle_days": _days(cycle_total / cycles) if cycles else None,
        }
    return result


def _sum(values: Any) -> Decimal:
    """Add up per-group sums (a group's ``None`` - nothing to add - counts as zero)."""
    return sum((v for v in values if v is not None), ZERO)


def _as_duration(value: Any) -> timedelta:
    """A summed duration as a timedelta (SQLite may return microseconds)."""
    if isinstance(value, timedelta):
        return value
    return timedelta(microseconds=int(value or 0))


def _days(value: Any) -> Decimal | None:
    """An average duration as days with one decimal (backends return a timedelta)."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return (Decimal(value.total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"))
    return Decimal(value).quantize(Decimal("0.1"))
