"""Scorecard data in the demo story (told as of 1 November 2026).

* **Alliance costs** for FY2026: the alliance managers' time (FTE × a loaded cost of
  140,000 EUR a year) and program spend on the larger alliances, so ROI and the cost of
  alliance sales mean something.
* **Engagement options** for the optimizer: per active alliance the yearly gross margin
  expected at each level (strategic / managed / self-service / exit) with the FTE and budget
  each level takes, and the level it gets today. Stratus and Meridian must be kept.
* **Competitor benchmarks** entered by hand (from analyst notes) for two KPIs.
* A **business case** for expanding the Stratus marketplace co-sell.

Idempotent: rows are found by their natural keys and left as they are.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from amity.alliances.models import Alliance
from amity.core.services import model_create

from .models import KPI, AllianceCost, Benchmark, BusinessCase, EngagementOption

D = Decimal
LOADED = D("140000")

# alliance name, FTE of our people in FY2026, program spend
COSTS = (
    ("Stratus Cloud Co-Sell", "2.5", "60000"),
    ("Halcyon + Meridian Healthcare Data Platform", "1.5", "35000"),
    ("Kestrel IT Reseller (DACH)", "0.8", "15000"),
    ("Norte Sistemas Reseller (Iberia)", "0.5", "10000"),
    ("Atlas Distribution (UK & Ireland)", "0.5", "8000"),
    ("Pacific Rim Solutions Reseller (APAC)", "0.4", "6000"),
    ("Lumen CRM Integration", "0.6", "12000"),
    ("Bluepeak Managed Analytics", "0.3", "4000"),
)

# The current level is the one of the alliance's tier (Tier.engagement_level); the value of each
# level scales with the alliance's revenue.
MUST_KEEP = {"Stratus Cloud Co-Sell", "Halcyon + Meridian Healthcare Data Platform"}


def _options(base: Decimal) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """(level, expected value, FTE, budget) from the alliance's yearly margin at the managed level:
    strategic attention adds 35 %, self-service keeps 40 %."""
    return [
        ("strategic", (base * D("1.35")).quantize(D("1")), D("1.5"), D("80000")),
        ("managed", base, D("0.6"), D("25000")),
        ("self-service", (base * D("0.4")).quantize(D("1")), D("0.1"), D("5000")),
        ("exit", D("0"), D("0"), D("0")),
    ]


def _bridge(alliances: dict, result: Any) -> None:
    """Kestrel resells on one Stratus deal and Meridian implements at another Stratus customer:
    Stratus becomes the partner that links the reseller and the consultancy (ecosystem map)."""
    from amity.pipeline.models import Opportunity, OpportunityAlliance

    stratus = alliances.get("Stratus Cloud Co-Sell")
    for other_name, role, deal in (
        ("Kestrel IT Reseller (DACH)", "resell", "Cascade Manufacturing – Marketplace private offer"),
        (
            "Halcyon + Meridian Healthcare Data Platform",
            "co_sell",
            "Meadowbrook University – Migration to Stratus",
        ),
    ):
        other = alliances.get(other_name)
        opp = Opportunity.objects.filter(name=deal, links__alliance=stratus).first() if stratus else None
        if other is None or opp is None:
            continue
        _, created = OpportunityAlliance.objects.get_or_create(
            opportunity=opp, alliance=other, defaults={"role": role}
        )
        (result.created if created else result.existing)["shared deals"] += 1


def load(loader: Any) -> None:
    users = loader.users
    if "hannah" not in users:
        return
    admin = users["hannah"]
    result = loader.result
    alliances = {a.name: a for a in Alliance.objects.filter(archived_at__isnull=True).select_related("tier")}

    for name, fte, program in COSTS:
        alliance = alliances.get(name)
        if alliance is None:
            continue
        for kind, data in (
            (
                "people",
                {
                    "fte": D(fte),
                    "loaded_cost_per_fte": LOADED,
                    "description": "Alliance management and partner sales",
                },
            ),
            ("program", {"amount": D(program), "description": "Joint events, enablement, travel"}),
        ):
            exists = AllianceCost.objects.filter(
                alliance=alliance, kind=kind, period_start=date(2026, 1, 1)
            ).exists()
            if not exists:
                model_create(
                    model=AllianceCost,
                    data={
                        "alliance": alliance,
                        "kind": kind,
                        "period_start": date(2026, 1, 1),
                        "period_end": date(2026, 12, 31),
                        "amount": data.pop("amount", D("0")),
                        "currency": "EUR",
                        **data,
                    },
                    user=admin,
                )
            (result.existing if exists else result.created)["alliance costs"] += 1

    # Engagement options: the yearly margin an alliance is expected to bring at the managed level is
    # 60 % of its won revenue of the last twelve months plus a floor by tier - so the research
    # programmes in the Strategic tier are worth less than the resellers who sell.
    from django.db.models import Sum

    from amity.pipeline.models import OpportunityAlliance

    revenue = dict(
        OpportunityAlliance.objects.filter(
            archived_at__isnull=True,
            opportunity__stage="closed_won",
            opportunity__close_date__gte=date(2025, 11, 1),
            opportunity__currency="EUR",
        )
        .values_list("alliance_id")
        .annotate(total=Sum("opportunity__amount"))
    )
    floor = {"Strategic": D("120000"), "Platinum": D("90000"), "Gold": D("70000"), "Silver": D("40000")}
    for alliance in sorted(alliances.values(), key=lambda a: a.name):
        if alliance.stage in ("retired", "identify", "transform"):
            continue
        tier = alliance.tier.name if alliance.tier else ""
        base = (floor.get(tier, D("25000")) + D(revenue.get(alliance.pk) or 0) * D("0.6")).quantize(D("1"))
        current = (alliance.tier.engagement_level if alliance.tier else "") or "self-service"
        for level, value, effort, cost in _options(base):
            if EngagementOption.objects.filter(alliance=alliance, level=level).exists():
                result.existing["engagement options"] += 1
                continue
            EngagementOption.objects.create(
                alliance=alliance,
                level=level,
                expected_value=value,
                effort_fte=effort,
                cost=cost,
                is_current=level == current,
                must_keep=alliance.name in MUST_KEEP,
            )
            result.created["engagement options"] += 1

    for key, competitor, value, source in (
        ("plan-attainment", "Northwind Analytics", D("82"), "Analyst briefing, Q2 2026"),
        ("partner-commitment", "Northwind Analytics", D("78"), "Analyst briefing, Q2 2026"),
        ("revenue-share", "Contoso Data", D("28"), "Annual report 2025: partner-sourced share"),
    ):
        kpi = KPI.objects.filter(key=key).first()
        if kpi is None:
            continue
        exists = Benchmark.objects.filter(kpi=kpi, competitor=competitor).exists()
        if not exists:
            model_create(
                model=Benchmark,
                data={
                    "kpi": kpi,
                    "competitor": competitor,
                    "value": value,
                    "as_of": date(2026, 6, 30),
                    "source": source,
                },
                user=admin,
            )
        (result.existing if exists else result.created)["competitor benchmarks"] += 1

    _bridge(alliances, result)

    stratus = alliances.get("Stratus Cloud Co-Sell")
    name = "Stratus marketplace co-sell expansion"
    exists = BusinessCase.objects.filter(name=name).exists()
    if not exists:
        model_create(
            model=BusinessCase,
            data={
                "name": name,
                "alliance": stratus,
                "currency": "EUR",
                "discount_rate": D("9"),
                "years": [
                    {"investment": "250000", "costs": "0", "revenue_uplift": "0", "margin_percent": "60"},
                    {
                        "investment": "50000",
                        "costs": "180000",
                        "revenue_uplift": "600000",
                        "margin_percent": "60",
                    },
                    {
                        "investment": "0",
                        "costs": "200000",
                        "revenue_uplift": "1100000",
                        "margin_percent": "60",
                    },
                    {
                        "investment": "0",
                        "costs": "210000",
                        "revenue_uplift": "1500000",
                        "margin_percent": "58",
                    },
                    {
                        "investment": "0",
                        "costs": "220000",
                        "revenue_uplift": "1700000",
                        "margin_percent": "58",
                    },
                ],
                "notes": "Two more solution architects, a marketplace private-offer desk and joint campaigns in DACH "
                "and the Nordics; revenue is Halcyon licences sold through the Stratus marketplace.",
                "created_by": admin,
            },
            user=admin,
        )
    (result.existing if exists else result.created)["business cases"] += 1
