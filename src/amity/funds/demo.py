"""Market development funds in the demo story (told as of 1 November 2026), through the services.

* The **Halcyon Market Development Fund** (partners co-fund 50 %, claims within 90 days).
* **Stratus Cloud**: FY2025 budget (EUR 40,000) closed at year end - 4,500 unspent expired - and
  renewed as FY2026 (EUR 60,000, topped up by 10,000 in June). Its summit booth was funded,
  claimed, paid and completed, and the opportunities it produced are linked (MDF ROI); a
  webinar series was approved in part (claim waiting for review); the Marketplace launch
  waits for a decision; a 2027 roadshow is a draft.
* **Meridian Consulting** (EUR 40,000): breakfast series approved and claimed (claim approved,
  payment due); a paid social campaign was rejected with a reason.
* **Kestrel IT** (EUR 25,000): newsletter sponsorship paid; the it-sa trade fair was approved
  then cancelled (funds released); a first enablement-days claim was rejected for missing the
  attendance list.
* Exchange rates: USD and GBP to EUR, dated.

Idempotent: programs by name, budgets by (program, partner, fiscal year), requests by
(budget, activity); what exists is left as it is.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from amity.alliances.models import Alliance
from amity.demo.loader import story_time
from amity.partners.models import Organization
from amity.pipeline.models import Opportunity, OpportunityStage

from . import services
from . import services_claims as claims
from .models import Budget, ExchangeRate, FundProgram, FundRequest

PROGRAM = "Halcyon Market Development Fund"
D = Decimal

RATES = (
    ("USD", "0.92", date(2025, 1, 1)),
    ("USD", "0.90", date(2026, 1, 1)),
    ("USD", "0.87", date(2026, 7, 1)),
    ("GBP", "1.18", date(2025, 1, 1)),
    ("GBP", "1.16", date(2026, 1, 1)),
    ("GBP", "1.15", date(2026, 7, 1)),
)

# partner, alliance, allocation
BUDGETS = (
    ("Stratus Cloud", "Stratus Cloud Co-Sell", "60000"),
    ("Meridian Consulting", "Halcyon + Meridian Healthcare Data Platform", "40000"),
    ("Kestrel IT", "Kestrel IT Reseller (DACH)", "25000"),
)


def _at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(hour, 0)))


def _pdf(title: str, lines: list[str]) -> SimpleUploadedFile:
    from amity.agreements.demo import pdf

    name = title.lower().replace(" ", "-").replace("/", "-") + ".pdf"
    return SimpleUploadedFile(name, pdf(title, lines), content_type="application/pdf")


class _Story:
    def __init__(self, loader: Any):
        self.loader = loader
        self.users = loader.users
        self.manager = self.users["alice"]
        self.admin = self.users["hannah"]

    def count(self, what: str, created: bool) -> None:
        (self.loader.result.created if created else self.loader.result.existing)[what] += 1

    def rates(self) -> None:
        for currency, rate, day in RATES:
            exists = ExchangeRate.objects.filter(currency=currency, valid_from=day).exists()
            if not exists:
                with story_time(_at(day.isoformat(), 8)):
                    claims.rate_create(
                        data={"currency": currency, "rate": D(rate), "valid_from": day}, user=self.admin
                    )
            self.count("exchange rates", not exists)

    def program(self) -> FundProgram:
        program = FundProgram.objects.filter(name=PROGRAM).first()
        created = program is None
        if created:
            with story_time(_at("2025-01-20")):
                program = services.program_create(
                    data={
                        "name": PROGRAM,
                        "description": "Proposal-based joint marketing funds: requested before the activity, "
                        "matched 50/50 by the partner, claimed with proof of performance.",
                        "default_cofunding_share": D("50"),
                        "claim_window_days": 90,
                    },
                    user=self.admin,
                )
        self.count("fund programs", created)
        return program

    def budget(self, program, org, alliance, year, amount, when, renewed_from=None) -> Budget:
        budget = Budget.objects.filter(program=program, organization=org, fiscal_year=year).first()
        if budget is None:
            with story_time(_at(when)):
                if renewed_from is not None:
                    budget = services.renew_budget(
                        budget=renewed_from, allocation=D(amount), user=self.manager
                    )
                else:
                    budget = services.budget_allocate(
                        program=program, organization=org, alliance=alliance, fiscal_year=year, amount=D(amount),
                        user=self.manager,
                    )  # fmt: skip
            self.count("budgets", True)
        else:
            self.count("budgets", False)
        return budget

    def request(self, budget, activity, planned, *, by, when, opps=(), **data) -> FundRequest | None:
        existing = FundRequest.objects.filter(budget=budget, activity=activity).first()
        self.count("fund requests", existing is None)
        if existing is not None:
            return None
        submit = data.pop("submit", True)
        with story_time(_at(when)):
            return services.request_create(
                budget=budget,
                data={"activity": activity, "planned_cost": D(planned), **data},
                opportunities=list(opps),
                submit=submit,
                user=by,
            )

    def step(self, when: str, fn, **kwargs):
        with story_time(_at(when, 14)):
            return fn(**kwargs)

    def claim(self, req, amount, when, by, proof_title, lines):
        return self.step(
            when, claims.claim_submit, request=req, amount=D(amount), files=[_pdf(proof_title, lines)], user=by,
            description=f"Proof of performance: {proof_title}.",
        )  # fmt: skip


def _opps(alliance: Alliance | None, stages, n: int) -> list[Opportunity]:
    if alliance is None:
        return []
    qs = Opportunity.objects.filter(alliances=alliance, stage__in=stages, archived_at__isnull=True)
    return list(qs.order_by("-amount", "pk")[:n])


def load(loader: Any) -> None:
    """Tell the MDF part of the story (idempotent; missing partners are skipped)."""
    if not Organization.objects.filter(is_home=True).exists() or "alice" not in loader.users:
        return
    story = _Story(loader)
    story.rates()
    from . import demo_incentives

    demo_incentives.load(story)
    program = story.program()
    orgs = {o.name: o for o in Organization.objects.filter(name__in=[b[0] for b in BUDGETS])}
    alliances = {a.name: a for a in Alliance.objects.filter(name__in=[b[1] for b in BUDGETS])}
    if len(orgs) < len(BUDGETS):
        return
    won, open_ = (
        (OpportunityStage.CLOSED_WON,),
        tuple(s for s in OpportunityStage if not s.startswith("closed")),
    )
    u = story.users

    # Stratus: FY2025, closed at year end, renewed as FY2026.
    stratus, stratus_alliance = orgs["Stratus Cloud"], alliances.get("Stratus Cloud Co-Sell")
    fy25 = story.budget(program, stratus, stratus_alliance, 2025, "40000", "2025-01-25")
    req = story.request(
        fy25,
        "Partner summit 2025 sponsorship",
        "71000",
        by=u["priya"],
        when="2025-02-10",
        campaign_name="Summit 2025",
    )
    if req:
        story.step("2025-02-14", services.request_approve, request=req, user=story.manager)
        c = story.claim(
            req,
            "35500",
            "2025-04-20",
            u["priya"],
            "Summit 2025 invoice",
            ["Sponsorship invoice INV-25-118", "EUR 71,000.00 (50% co-funded)"],
        )
        story.step("2025-04-25", claims.claim_approve, claim=c, user=story.manager)
        story.step(
            "2025-05-10",
            claims.claim_pay,
            claim=c,
            paid_on=date(2025, 5, 10),
            reference="HAL-PAY-2025-0193",
            user=story.manager,
        )
        story.step("2025-05-12", services.request_complete, request=req, user=story.manager)
    story.step("2026-01-01", services.expire_budgets, today=date(2026, 1, 1))
    fy26 = story.budget(program, stratus, stratus_alliance, 2026, "60000", "2026-01-12", renewed_from=fy25)
    if not fy26.entries.filter(kind="top_up").exists():
        story.step(
            "2026-06-03",
            services.budget_top_up,
            budget=fy26,
            amount=D("10000"),
            user=story.manager,
            note="H2 co-sell push",
        )
    req = story.request(
        fy26, "Cloud Security Summit Amsterdam booth", "24000", by=u["priya"], when="2026-02-20",
        campaign_name="Secure Cloud 2026", expected_outcome="150 qualified leads, 10 opportunities",
        opps=_opps(stratus_alliance, won, 2) + _opps(stratus_alliance, open_, 3),
    )  # fmt: skip
    if req:
        story.step("2026-02-24", services.request_approve, request=req, user=story.manager)
        c = story.claim(
            req,
            "11500",
            "2026-04-28",
            u["priya"],
            "Summit booth invoice and lead list",
            ["Booth invoice INV-26-044: EUR 23,000.00", "Badge scans: 212 leads"],
        )
        story.step("2026-05-04", claims.claim_approve, claim=c, user=story.manager)
        story.step(
            "2026-05-20",
            claims.claim_pay,
            claim=c,
            paid_on=date(2026, 5, 20),
            reference="HAL-PAY-2026-0412",
            user=story.manager,
        )
        story.step("2026-05-21", services.request_complete, request=req, user=story.manager)
    req = story.request(
        fy26,
        "Joint webinar series Q3",
        "8000",
        by=u["priya"],
        when="2026-07-01",
        campaign_name="Webinars Q3",
        opps=_opps(stratus_alliance, open_, 1),
    )
    if req:
        story.step(
            "2026-07-06",
            services.request_approve,
            request=req,
            amount=D("3000"),
            reason="Two webinars instead of three: the third overlaps the launch.",
            user=story.manager,
        )
        story.claim(
            req,
            "3000",
            "2026-09-28",
            u["priya"],
            "Webinar attendance reports",
            ["Webinar 1: 184 registrants, 97 attendees", "Webinar 2: 141 registrants, 80 attendees"],
        )
    story.request(
        fy26,
        "Stratus Marketplace launch campaign",
        "20000",
        by=u["priya"],
        when="2026-10-26",
        campaign_name="Marketplace launch",
    )
    story.request(fy26, "Q1 2027 partner roadshow", "12000", by=u["priya"], when="2026-10-30", submit=False)

    meridian, meridian_alliance = (
        orgs["Meridian Consulting"],
        alliances.get("Halcyon + Meridian Healthcare Data Platform"),
    )
    mb = story.budget(program, meridian, meridian_alliance, 2026, "40000", "2026-01-12")
    req = story.request(
        mb,
        "Healthcare data breakfast series",
        "10000",
        by=u["marco"],
        when="2026-06-29",
        opps=_opps(meridian_alliance, won, 1) + _opps(meridian_alliance, open_, 2),
    )
    if req:
        story.step("2026-07-02", services.request_approve, request=req, user=story.manager)
        c = story.claim(
            req,
            "5000",
            "2026-09-25",
            u["marco"],
            "Breakfast series invoices",
            ["Venue invoices Utrecht, Antwerp, Cologne", "62 attendees from 41 hospitals"],
        )
        story.step("2026-10-08", claims.claim_approve, claim=c, user=story.manager)
    req = story.request(mb, "Paid LinkedIn campaign", "16000", by=u["marco"], when="2026-05-11")
    if req:
        story.step(
            "2026-05-13",
            services.request_reject,
            request=req,
            reason="Brand guidelines: paid social for Halcyon is run by our own marketing team.",
            user=story.manager,
        )

    kestrel, kestrel_alliance = orgs["Kestrel IT"], alliances.get("Kestrel IT Reseller (DACH)")
    kb = story.budget(program, kestrel, kestrel_alliance, 2026, "25000", "2026-01-12")
    req = story.request(
        kb,
        "Newsletter sponsorship DACH",
        "3000",
        by=u["lena"],
        when="2026-02-02",
        opps=_opps(kestrel_alliance, won, 1),
    )
    if req:
        story.step("2026-02-04", services.request_approve, request=req, user=story.manager)
        c = story.claim(
            req,
            "1500",
            "2026-03-30",
            u["lena"],
            "Newsletter screenshots",
            ["Issue 03/2026, 18,400 recipients", "Open rate 31%"],
        )
        story.step("2026-04-02", claims.claim_approve, claim=c, user=story.manager)
        story.step(
            "2026-04-15",
            claims.claim_pay,
            claim=c,
            paid_on=date(2026, 4, 15),
            reference="HAL-PAY-2026-0288",
            user=story.manager,
        )
    req = story.request(kb, "it-sa Nuremberg trade fair", "18000", by=u["lena"], when="2026-04-20")
    if req:
        story.step("2026-04-22", services.request_approve, request=req, user=story.manager)
        story.step("2026-06-30", services.request_cancel, request=req, user=story.manager)
    req = story.request(
        kb,
        "Reseller enablement days",
        "6000",
        by=u["lena"],
        when="2026-08-03",
        opps=_opps(kestrel_alliance, open_, 2),
    )
    if req:
        story.step("2026-08-05", services.request_approve, request=req, user=story.manager)
        c = story.claim(
            req,
            "3000",
            "2026-10-01",
            u["lena"],
            "Enablement days invoice",
            ["Training room invoice", "(attendance list to follow)"],
        )
        story.step(
            "2026-10-06",
            claims.claim_reject,
            claim=c,
            reason="The attendance list is missing: claim again with it attached.",
            user=story.manager,
        )
