"""The planning part of the demo story (called by ``amity.demo.loader``), through the real
services on story dates, idempotently (plans by alliance and fiscal year, milestones and
initiatives by title, offerings by name).

* Stratus Cloud Co-Sell: the FY2025 plan, agreed by both sides (Priya for Stratus), worked
  all year and reviewed and renewed in December into FY2026; the FY2026 plan was agreed,
  re-opened when the revenue target rose after Stratus's planning, agreed again and
  activated. Actuals are in through Q3 2026. Roadmap: the marketplace listing is done, the
  CRM integration slipped twice, the shared dashboard that depends on it is in progress.
  The co-sell initiative asked Stratus for 3 solution architects; 1 is assigned.
* Halcyon + Meridian: the FY2026 plan is agreed (Marco for Meridian); the healthcare bundle
  is a joint offering whose launch milestone is due this month.
* Open Health Data Consortium: the FY2026 plan was proposed in October; Halcyon, St. Aurelia
  and Quantia agreed, the Delft Institute has not yet (its legal review), so the agreement
  shows as overdue.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from amity.alliances.models import Alliance

from . import services
from .models import (
    InitiativeResource,
    JointBusinessPlan,
    JointInitiative,
    JointOffering,
    Milestone,
    OfferingComponent,
    PlanAgreement,
    PlanObjective,
)

STRATUS = "Stratus Cloud Co-Sell"
MERIDIAN = "Halcyon + Meridian Healthcare Data Platform"
OHDC = "Open Health Data Consortium"

MODELS = (
    JointBusinessPlan,
    PlanAgreement,
    PlanObjective,
    Milestone,
    JointInitiative,
    InitiativeResource,
    JointOffering,
    OfferingComponent,
)


def _moment(day: str, step: int) -> datetime:
    local = timezone.make_aware(
        datetime.combine(date.fromisoformat(day), time(9, 0)) + timedelta(minutes=10 * step)
    )
    return local.astimezone(UTC)


class Story:
    """Runs each write on its story date (the clock set to it, creation times stamped)."""

    def __init__(self, loader: Any) -> None:
        from amity.demo.loader import story_time

        self.loader = loader
        self.story_time = story_time
        self.day = ""
        self.step = 0

    @contextlib.contextmanager
    def on(self, day: str) -> Iterator[None]:
        if day != self.day:
            self.day, self.step = day, 0
        when = _moment(day, self.step)
        self.step += 1
        marks = {m: m._default_manager.aggregate(x=Max("pk"))["x"] or 0 for m in MODELS}
        with self.story_time(when):
            yield
        for model, mark in marks.items():
            model._default_manager.filter(pk__gt=mark).update(created_at=when)

    def user(self, name: str) -> Any:
        return self.loader.users[name]

    def org(self, name: str) -> Any:
        return self.loader.orgs[name]

    def count(self, what: str, created: bool) -> None:
        (self.loader.result.created if created else self.loader.result.existing)[what] += 1


def _d(value: str | int | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _objective(spec: dict[str, Any], story: Story) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": spec["title"],
        "metric": spec.get("metric", ""),
        "unit": spec.get("unit", ""),
        "owning_side": story.org(spec["side"]) if spec.get("side") else None,
        "owner": story.user(spec["owner"]) if spec.get("owner") else None,
    }
    for q, value in enumerate(spec["targets"], start=1):
        data[f"target_q{q}"] = _d(value)
    return data


def _report(plan: JointBusinessPlan, quarter: int, actuals: dict[str, Any], by: Any) -> None:
    """Report one quarter's actuals of the plan's objectives (by title)."""
    for objective in plan.objectives.active():
        if objective.title in actuals and actuals[objective.title][quarter - 1] is not None:
            services.objective_update(
                objective=objective,
                data={f"actual_q{quarter}": _d(actuals[objective.title][quarter - 1])},
                user=by,
            )


def load(loader: Any) -> None:
    story = Story(loader)
    alliances = {a.name: a for a in Alliance.objects.filter(name__in=[STRATUS, MERIDIAN, OHDC])}
    if STRATUS in alliances:
        _stratus_plans(story, alliances[STRATUS])
        _stratus_roadmap(story, alliances[STRATUS])
    if MERIDIAN in alliances:
        _meridian_plan(story, alliances[MERIDIAN])
        _meridian_roadmap(story, alliances[MERIDIAN])
    if OHDC in alliances:
        _ohdc_plan(story, alliances[OHDC])


# --- Stratus ------------------------------------------------------------------------------

STRATUS_2025_OBJECTIVES = [
    {
        "title": "Co-sell pipeline created",
        "metric": "Qualified pipeline registered in both CRMs",
        "unit": "EUR",
        "side": "Stratus Cloud",
        "owner": "priya",
        "targets": (1500000, 2000000, 2500000, 3000000),
    },
    {
        "title": "Marketplace transactions",
        "metric": "Private offers closed through the Stratus Marketplace",
        "unit": "deals",
        "side": "Halcyon Data",
        "owner": "alice",
        "targets": (3, 4, 5, 6),
    },
    {
        "title": "Stratus solution architects certified on Halcyon",
        "metric": "Partner solution architects passing the Halcyon architect exam",
        "unit": "people",
        "side": "Stratus Cloud",
        "owner": "priya",
        "targets": (1, 2, 2, 1),
    },
]
STRATUS_2025_ACTUALS = {
    "Co-sell pipeline created": (1200000, 1900000, 2600000, 2400000),
    "Marketplace transactions": (2, 4, 4, 7),
    "Stratus solution architects certified on Halcyon": (0, 1, 2, 1),
}
STRATUS_2026_TARGETS = {
    "Co-sell pipeline created": (2500000, 3000000, 3500000, 4000000),
    "Marketplace transactions": (5, 6, 7, 9),
    "Stratus solution architects certified on Halcyon": (2, 2, 2, 2),
}
STRATUS_2026_ACTUALS = {
    "Co-sell pipeline created": (2300000, 3100000, 2700000, None),
    "Marketplace transactions": (5, 5, 6, None),
    "Stratus solution architects certified on Halcyon": (1, 0, 1, None),
    "Joint customer references": (0, 1, 1, None),
}


def _stratus_plans(story: Story, alliance: Alliance) -> None:
    if JointBusinessPlan.objects.filter(alliance=alliance, fiscal_year=2025).exists():
        story.count("plans", False)
        return
    alice, priya = story.user("alice"), story.user("priya")
    with story.on("2025-01-20"):
        plan = services.plan_create(
            alliance=alliance,
            user=alice,
            data={
                "fiscal_year": 2025,
                "title": "Stratus co-sell plan FY2025",
                "thesis": (
                    "Make Halcyon the default governed-analytics choice for Stratus's enterprise customers in "
                    "EMEA. Stratus sellers retire their customers' committed cloud spend through Halcyon private "
                    "offers; Halcyon brings its data-platform deals onto Stratus regions."
                ),
                "revenue_target": Decimal("3200000"),
                "currency": "EUR",
                "revenue_growth_pct": Decimal("25"),
                "capability_expectations": (
                    "Stratus: six partner solution architects trained and certified on Halcyon\n"
                    "Halcyon: marketplace private offers with committed-spend drawdown\n"
                    "Both: a joint reference architecture for EU data residency"
                ),
            },
        )
        for spec in STRATUS_2025_OBJECTIVES:
            services.objective_create(plan=plan, data=_objective(spec, story), user=alice)
    story.count("plans", True)
    with story.on("2025-01-27"):
        services.plan_set_status(plan=plan, status="proposed", user=alice)
    with story.on("2025-01-28"):
        services.plan_agree(plan=plan, user=alice)
    with story.on("2025-02-03"):
        services.plan_agree(plan=plan, user=priya)
    with story.on("2025-02-05"):
        services.plan_set_status(plan=plan, status="active", user=alice)
    for quarter, day in ((1, "2025-04-08"), (2, "2025-07-08"), (3, "2025-10-07")):
        with story.on(day):
            _report(plan, quarter, STRATUS_2025_ACTUALS, alice)

    # December: the annual review; the plan is renewed into FY2026 and closed.
    with story.on("2025-12-10"):
        renewed = services.plan_renew(plan=plan, user=alice)
    story.count("plans", True)
    with story.on("2026-01-09"):
        _report(plan, 4, STRATUS_2025_ACTUALS, alice)
    with story.on("2025-12-12"):
        renewed, _ = services.plan_update(
            plan=renewed,
            user=alice,
            data={
                "title": "Stratus co-sell plan FY2026",
                "revenue_target": Decimal("4200000"),
                "revenue_growth_pct": Decimal("31"),
                "thesis": (
                    "Year two: from listing to scale. Stratus sellers retire committed spend through Halcyon "
                    "private offers in every EMEA enterprise account; Halcyon's AI analytics line runs on Stratus "
                    "GPU capacity. The CRM integration and a shared pipeline dashboard make the joint business "
                    "visible to both field teams."
                ),
                "capability_expectations": (
                    "Stratus: eight certified partner solution architects, three assigned to the co-sell team\n"
                    "Halcyon: co-sell referrals synced with Stratus Partner Central (CRM integration)\n"
                    "Both: a shared pipeline dashboard reviewed at every QBR"
                ),
            },
        )
        for objective in renewed.objectives.active():
            targets = STRATUS_2026_TARGETS.get(objective.title)
            if targets:
                services.objective_update(
                    objective=objective,
                    user=alice,
                    data={f"target_q{q}": _d(v) for q, v in enumerate(targets, start=1)},
                )
        services.objective_create(
            plan=renewed,
            user=alice,
            data=_objective(
                {
                    "title": "Joint customer references",
                    "metric": "Public references of customers running Halcyon on Stratus",
                    "unit": "references",
                    "side": "Halcyon Data",
                    "owner": "alice",
                    "targets": (0, 1, 1, 2),
                },
                story,
            ),
        )
    with story.on("2026-01-12"):
        services.plan_set_status(plan=renewed, status="proposed", user=alice)
    with story.on("2026-01-13"):
        services.plan_agree(plan=renewed, user=alice)
    with story.on("2026-01-15"):
        services.plan_agree(plan=renewed, user=priya)
    # Stratus raised Halcyon's co-sell quota in its own planning: the target moves, and
    # both sides agree again.
    with story.on("2026-01-19"):
        services.plan_update(
            plan=renewed,
            user=alice,
            data={"revenue_target": Decimal("4500000"), "revenue_growth_pct": Decimal("35")},
        )
    with story.on("2026-01-20"):
        services.plan_agree(plan=renewed, user=alice)
    with story.on("2026-01-21"):
        services.plan_agree(plan=renewed, user=priya)
    with story.on("2026-01-22"):
        services.plan_set_status(plan=renewed, status="active", user=alice)
    for quarter, day in ((1, "2026-04-08"), (2, "2026-07-08"), (3, "2026-10-07")):
        with story.on(day):
            _report(renewed, quarter, STRATUS_2026_ACTUALS, alice)


def _milestone(
    story: Story,
    alliance: Alliance,
    day: str,
    *,
    title: str,
    by: str,
    deps: tuple[Milestone, ...] = (),
    **data: Any,
) -> tuple[Milestone, bool]:
    existing = Milestone.objects.filter(alliance=alliance, title=title).first()
    if existing is not None:
        story.count("milestones", False)
        return existing, False
    if "owning_side" in data:
        data["owning_side"] = story.org(data["owning_side"])
    if "owner" in data:
        data["owner"] = story.user(data["owner"])
    data["due_date"] = date.fromisoformat(data["due_date"])
    with story.on(day):
        milestone = services.milestone_create(
            alliance=alliance, user=story.user(by), data={"title": title, **data}, dependencies=list(deps)
        )
    story.count("milestones", True)
    return milestone, True


def _move(story: Story, milestone: Milestone, day: str, by: str, **data: Any) -> Milestone:
    for key in ("due_date", "completed_on"):
        if key in data:
            data[key] = date.fromisoformat(data[key])
    with story.on(day):
        milestone, _ = services.milestone_update(milestone=milestone, data=data, user=story.user(by))
    return milestone


def _initiative(
    story: Story, alliance: Alliance, day: str, *, title: str, by: str, resources: list[tuple], **data: Any
) -> None:
    if JointInitiative.objects.filter(alliance=alliance, title=title).exists():
        story.count("initiatives", False)
        return
    rows = [
        {
            "organization": story.org(org),
            "kind": kind,
            "description": what,
            "requested": _d(requested),
            "assigned": _d(assigned),
            "unit": unit,
        }
        for org, kind, what, requested, assigned, unit in resources
    ]
    for key in ("start_date", "end_date"):
        if key in data:
            data[key] = date.fromisoformat(data[key])
    if "owner" in data:
        data["owner"] = story.user(data["owner"])
    with story.on(day):
        services.initiative_create(
            alliance=alliance, user=story.user(by), data={"title": title, **data}, resources=rows
        )
    story.count("initiatives", True)


def _offering(
    story: Story,
    alliance: Alliance,
    day: str,
    *,
    name: str,
    by: str,
    components: list[tuple[str, str]],
    **data: Any,
) -> None:
    if JointOffering.objects.filter(alliance=alliance, name=name).exists():
        story.count("offerings", False)
        return
    with story.on(day):
        services.offering_create(
            alliance=alliance,
            user=story.user(by),
            data={"name": name, **data},
            components=[{"organization": story.org(org), "contribution": what} for org, what in components],
        )
    story.count("offerings", True)


def _stratus_roadmap(story: Story, alliance: Alliance) -> None:
    listing, new = _milestone(
        story,
        alliance,
        "2025-12-15",
        title="Stratus Marketplace listing with private offers",
        by="alice",
        category="gtm_launch",
        owning_side="Halcyon Data",
        owner="alice",
        due_date="2026-03-31",
        description="Halcyon listed on the Stratus Marketplace; private offers draw down committed spend.",
    )
    if new:
        _move(story, listing, "2026-02-02", "alice", status="in_progress")
        _move(story, listing, "2026-03-20", "alice", status="done", completed_on="2026-03-20")
    crm, new = _milestone(
        story,
        alliance,
        "2026-01-22",
        title="CRM integration with Stratus Partner Central",
        by="alice",
        category="integration",
        owning_side="Halcyon Data",
        owner="alice",
        due_date="2026-06-30",
        description="Co-sell referrals and deal status synced both ways between our CRM and Partner Central.",
    )
    if new:
        _move(story, crm, "2026-03-02", "alice", status="in_progress")
        _move(story, crm, "2026-06-20", "alice", due_date="2026-09-30")  # Stratus changed its referral API
        _move(
            story, crm, "2026-09-25", "alice", due_date="2026-12-15"
        )  # their security review took a quarter
    dashboard, new = _milestone(
        story,
        alliance,
        "2026-01-22",
        title="Shared pipeline dashboard",
        by="alice",
        category="shared_dashboard",
        owning_side="Stratus Cloud",
        owner="priya",
        due_date="2026-10-31",
        deps=(crm,),
        description="One view of the joint pipeline for both field teams, reviewed at every QBR.",
    )
    if new:
        _move(story, dashboard, "2026-09-25", "alice", due_date="2026-12-31")
        _move(story, dashboard, "2026-10-05", "alice", status="in_progress")
    launch, new = _milestone(
        story,
        alliance,
        "2026-02-02",
        title="EMEA launch event: governed lakehouse on Stratus",
        by="alice",
        category="gtm_launch",
        owning_side="Stratus Cloud",
        owner="priya",
        due_date="2026-05-31",
        deps=(listing,),
    )
    if new:
        _move(story, launch, "2026-06-12", "alice", status="done", completed_on="2026-06-12")
    _milestone(
        story,
        alliance,
        "2026-06-15",
        title="Stratus ISV Accelerate certification",
        by="alice",
        category="certification",
        owning_side="Stratus Cloud",
        owner="priya",
        due_date="2027-02-28",
        deps=(listing,),
        description="Unlocks Stratus co-sell incentives for their sellers on Halcyon deals.",
    )
    _initiative(
        story,
        alliance,
        "2026-01-26",
        title="Co-sell acceleration EMEA",
        by="alice",
        status="active",
        owner="alice",
        start_date="2026-02-01",
        end_date="2026-12-31",
        goal=(
            "Put Halcyon in front of Stratus's top 40 EMEA enterprise accounts with joint account plans "
            "and funded proofs of concept."
        ),
        resources=[
            ("Stratus Cloud", "headcount", "Partner solution architects", 3, 1, "FTE"),
            ("Stratus Cloud", "budget", "Proof-of-concept funding", 150000, 150000, "USD"),
            ("Halcyon Data", "headcount", "Solution architects", 2, 2, "FTE"),
            ("Halcyon Data", "budget", "Joint marketing", 80000, 80000, "EUR"),
        ],
    )
    _offering(
        story,
        alliance,
        "2026-02-02",
        name="Governed lakehouse analytics on Stratus",
        by="alice",
        status="launched",
        launch_milestone=listing,
        value_proposition=(
            "Halcyon's governed lakehouse in the customer's Stratus tenancy, bought with committed cloud "
            "spend, with EU data residency from day one."
        ),
        target_markets=(
            "Enterprise customers with Stratus committed spend in EMEA\nRegulated industries needing EU data residency"
        ),
        components=[
            ("Halcyon Data", "Halcyon data platform, billed through Stratus Marketplace private offers"),
            (
                "Stratus Cloud",
                "Frankfurt and Amsterdam regions, committed-spend drawdown and co-sell field coverage",
            ),
        ],
    )


# --- Meridian -----------------------------------------------------------------------------


def _meridian_plan(story: Story, alliance: Alliance) -> None:
    if JointBusinessPlan.objects.filter(alliance=alliance, fiscal_year=2026).exists():
        story.count("plans", False)
        return
    omar, marco = story.user("omar"), story.user("marco")
    objectives = [
        {
            "title": "Hospitals signed on the healthcare data platform",
            "metric": "Signed contracts for the joint bundle",
            "unit": "hospitals",
            "side": "Meridian Consulting",
            "owner": "marco",
            "targets": (1, 1, 2, 2),
        },
        {
            "title": "Joint healthcare pipeline",
            "metric": "Qualified pipeline for the bundle",
            "unit": "EUR",
            "side": "Meridian Consulting",
            "owner": "marco",
            "targets": (800000, 1000000, 1200000, 1500000),
        },
        {
            "title": "Meridian consultants certified on Halcyon",
            "metric": "Consultants passing the Halcyon implementation exam",
            "unit": "people",
            "side": "Meridian Consulting",
            "owner": "marco",
            "targets": (5, 5, 5, 5),
        },
        {
            "title": "FHIR connector releases",
            "metric": "Connector releases certified against HL7 FHIR R4",
            "unit": "releases",
            "side": "Halcyon Data",
            "owner": "omar",
            "targets": (0, 1, 0, 1),
        },
    ]
    actuals = {
        "Hospitals signed on the healthcare data platform": (0, 1, 1, None),
        "Joint healthcare pipeline": (650000, 1100000, 1300000, None),
        "Meridian consultants certified on Halcyon": (4, 6, 3, None),
        "FHIR connector releases": (0, 1, 0, None),
    }
    with story.on("2026-01-08"):
        plan = services.plan_create(
            alliance=alliance,
            user=omar,
            data={
                "fiscal_year": 2026,
                "title": "Halcyon + Meridian healthcare plan FY2026",
                "thesis": (
                    "Enter the healthcare vertical together (corporate objective O2): Meridian brings hospital "
                    "CIOs and delivery capacity, Halcyon the governed data platform with EU residency. The "
                    "bundled offering launches in November; joint teams at every level carry it."
                ),
                "revenue_target": Decimal("2600000"),
                "currency": "EUR",
                "revenue_growth_pct": Decimal("40"),
                "capability_expectations": (
                    "Meridian: twenty consultants certified on Halcyon by year end\n"
                    "Halcyon: FHIR R4 connector certified and maintained\n"
                    "Both: a joint reference architecture for hospital data platforms"
                ),
            },
        )
        for spec in objectives:
            services.objective_create(plan=plan, data=_objective(spec, story), user=omar)
    story.count("plans", True)
    with story.on("2026-01-20"):
        services.plan_set_status(plan=plan, status="proposed", user=omar)
    with story.on("2026-01-21"):
        services.plan_agree(plan=plan, user=omar)
    with story.on("2026-01-26"):
        services.plan_agree(plan=plan, user=marco)
    for quarter, day in ((1, "2026-04-09"), (2, "2026-07-09"), (3, "2026-10-08")):
        with story.on(day):
            _report(plan, quarter, actuals, omar)


def _meridian_roadmap(story: Story, alliance: Alliance) -> None:
    fhir, new = _milestone(
        story,
        alliance,
        "2026-01-08",
        title="FHIR connector certified (HL7 FHIR R4)",
        by="omar",
        category="certification",
        owning_side="Halcyon Data",
        owner="omar",
        due_date="2026-05-31",
    )
    if new:
        _move(story, fhir, "2026-05-20", "omar", status="done", completed_on="2026-05-20")
    architecture, new = _milestone(
        story,
        alliance,
        "2026-01-08",
        title="Joint reference architecture for hospital data platforms",
        by="omar",
        category="other",
        owning_side="Meridian Consulting",
        owner="marco",
        due_date="2026-06-30",
    )
    if new:
        _move(story, architecture, "2026-07-10", "omar", status="done", completed_on="2026-07-10")
    bundle, new = _milestone(
        story,
        alliance,
        "2026-01-08",
        title="Healthcare bundle launch",
        by="omar",
        category="joint_offering",
        owning_side="Meridian Consulting",
        owner="omar",
        due_date="2026-11-20",
        deps=(fhir, architecture),
        description="General availability of the Halcyon + Meridian healthcare data platform in the UK and NL.",
    )
    if new:
        _move(story, bundle, "2026-07-13", "omar", status="in_progress")
    _milestone(
        story,
        alliance,
        "2026-03-02",
        title="First joint hospital go-live",
        by="omar",
        category="gtm_launch",
        owning_side="Meridian Consulting",
        owner="marco",
        due_date="2027-03-31",
        deps=(bundle,),
    )
    _initiative(
        story,
        alliance,
        "2026-02-02",
        title="Healthcare bundle go-to-market",
        by="omar",
        status="active",
        owner="omar",
        start_date="2026-02-01",
        end_date="2027-03-31",
        goal="Launch the bundle in the UK and the Netherlands and take the first three hospitals live.",
        resources=[
            ("Meridian Consulting", "headcount", "Healthcare delivery consultants", 6, 6, "FTE"),
            ("Meridian Consulting", "budget", "Launch campaign", 40000, 40000, "GBP"),
            ("Halcyon Data", "headcount", "Healthcare solution engineers", 2, 2, "FTE"),
        ],
    )
    _offering(
        story,
        alliance,
        "2026-01-08",
        name="Halcyon + Meridian healthcare data platform",
        by="omar",
        status="in_development",
        launch_milestone=bundle,
        value_proposition=(
            "A hospital data platform delivered as one programme: Halcyon's governed lakehouse with clinical "
            "analytics templates, integrated with the hospital's EHR and run by Meridian."
        ),
        target_markets=(
            "Hospital groups with 300+ beds in the UK\nAcademic medical centres in the Netherlands\n"
            "Regional health authorities in the Nordics"
        ),
        components=[
            ("Halcyon Data", "Governed lakehouse with EU data residency and clinical analytics templates"),
            (
                "Meridian Consulting",
                "EHR integration (HL7/FHIR), implementation and managed data operations from Manchester and Pune",
            ),
        ],
    )


# --- Open Health Data Consortium -------------------------------------------------------------


def _ohdc_plan(story: Story, alliance: Alliance) -> None:
    if JointBusinessPlan.objects.filter(alliance=alliance, fiscal_year=2026).exists():
        story.count("plans", False)
        return
    alice = story.user("alice")
    objectives = [
        {
            "title": "Hospitals contributing de-identified data",
            "metric": "Hospitals live on the consented research platform",
            "unit": "hospitals",
            "side": "St. Aurelia Health",
            "targets": (0, 0, 3, 6),
        },
        {
            "title": "Federated-learning pilots",
            "metric": "Pilots run across at least two hospitals",
            "unit": "pilots",
            "side": "Quantia ML",
            "targets": (0, 1, 1, 2),
        },
        {
            "title": "Joint publications submitted",
            "metric": "Peer-reviewed papers submitted by the consortium",
            "unit": "papers",
            "side": "Delft Institute of Data Science",
            "targets": (0, 0, 1, 2),
        },
    ]
    with story.on("2026-10-06"):
        plan = services.plan_create(
            alliance=alliance,
            user=alice,
            data={
                "fiscal_year": 2026,
                "title": "Open Health Data Consortium research plan FY2026",
                "thesis": (
                    "Build a consented, de-identified clinical data platform for research. Knowledge sharing and "
                    "soft commitments only: no revenue targets in the first year."
                ),
                "revenue_target": None,
                "currency": "EUR",
                "capability_expectations": (
                    "St. Aurelia: de-identification pipeline approved by the ethics board\n"
                    "Quantia ML: federated-learning toolkit running on the platform\n"
                    "Delft Institute: evaluation methodology for trustworthy models\n"
                    "Halcyon: EU-resident platform operations"
                ),
            },
        )
        for spec in objectives:
            services.objective_create(plan=plan, data=_objective(spec, story), user=alice)
        services.objective_update(
            objective=plan.objectives.get(title="Federated-learning pilots"),
            user=alice,
            data={"actual_q2": Decimal("1"), "actual_q3": Decimal("0")},
        )
        services.objective_update(
            objective=plan.objectives.get(title="Hospitals contributing de-identified data"),
            user=alice,
            data={"actual_q3": Decimal("3")},
        )
    story.count("plans", True)
    with story.on("2026-10-14"):
        services.plan_set_status(plan=plan, status="proposed", user=alice)
    with story.on("2026-10-15"):
        services.plan_agree(plan=plan, user=alice)
    with story.on("2026-10-16"):
        services.plan_agree(
            plan=plan,
            user=alice,
            organization=story.org("St. Aurelia Health"),
            note="Signed by Hélène Dubois (CMIO) at the steering group in Leuven.",
        )
    with story.on("2026-10-19"):
        services.plan_agree(
            plan=plan,
            user=alice,
            organization=story.org("Quantia ML"),
            note="Confirmed by Jonas Richter (CEO) by e-mail.",
        )
