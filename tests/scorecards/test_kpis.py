"""Every default KPI on one worked example (FY2026, computed by hand below), the formula
language, red/amber/green, the balanced scorecard and the portfolio roll-up.

The alliance (partner P) in FY2026, as of 1 November 2026:

* won: D1 300,000 EUR (DE, Retail, sourced, a new customer); D2 200,000 USD on 15 Jun at 0.90
  = 180,000 EUR (FR, Banking, co-sell; its account already bought in 2025) → won revenue 480,000
* the company also won D4 520,000 EUR without a partner → company revenue 1,000,000; share 48.0 %
* open: D3 600,000 EUR closing 15 Dec 2026 → pipeline coverage 600,000 / plan 1,000,000 = 0.60×
* attributed margin 480,000 × 60 % = 288,000
* costs: 0.5 FTE × 140,000 + program 10,000 = 80,000; MDF paid 12,000; incentives paid 8,000
  → alliance cost 100,000; ROI (288,000 − 100,000) / 100,000 × 100 = 188.0 %
* cost of alliance sales 100,000 / 480,000 × 100 = 20.8 %; cost-value 100,000 / 288,000 = 0.35×
* plan attainment 480,000 / 1,000,000 × 100 = 48.0 %; MDF ROI 300,000 (D1, funded) / 12,000 = 25.00×
* partner commitments due by 1 Nov: met on time, met late, missed (waived and future left out) → 33.3 %
* integration milestones: 2 done of 3 (a cancelled one left out) → 66.7 %
* countries DE, FR → 2; segments Retail, Banking → 2; new customers 1
* certifications of the partner's people on 31 Dec 2026: Ana valid to 2027 and Ben's training
  (not a certification), Ben's certification expired in June, Cleo's passed only in 2027
  → 1 certified person (amber: green at 3, amber at 1)
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from amity.funds.models import (
    Budget,
    ExchangeRate,
    FundProgram,
    FundRequest,
    IncentivePlan,
    IncentiveRule,
    LedgerEntry,
    Statement,
    StatementLine,
)
from amity.partners.models import Certification
from amity.pipeline.models import PartnerRole
from amity.scorecards import formula, kpis
from amity.scorecards.models import KPI, AllianceCost
from tests.agreements.factories import CommitmentFactory
from tests.factories import ContactFactory
from tests.pipeline.factories import AccountFactory, opportunity
from tests.planning.factories import MilestoneFactory, PlanFactory

D = Decimal
FY = (date(2026, 1, 1), date(2026, 12, 31))
TODAY = date(2026, 11, 1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def book(db, manager, alliance, partner_org):
    ExchangeRate.objects.create(currency="USD", rate=D("0.90"), valid_from=date(2026, 1, 1))
    retail = AccountFactory(name="Retail DE", country="DE", industry="Retail")
    bank = AccountFactory(name="Bank FR", country="FR", industry="Banking")
    won = "closed_won"
    opportunity(user=manager, account=bank, amount=D("50000"), stage=won, close_date=date(2025, 9, 1))
    d1 = opportunity(user=manager, alliance=alliance, role=PartnerRole.SOURCED, account=retail,
                     amount=D("300000"), stage=won, close_date=date(2026, 3, 10))  # fmt: skip
    opportunity(user=manager, alliance=alliance, account=bank, amount=D("200000"), currency="USD",
                stage=won, close_date=date(2026, 6, 15))  # fmt: skip
    opportunity(
        user=manager, alliance=alliance, amount=D("600000"), stage="proposal", close_date=date(2026, 12, 15)
    )
    opportunity(user=manager, amount=D("520000"), stage=won, close_date=date(2026, 5, 1))
    PlanFactory(alliance=alliance, fiscal_year=2026, revenue_target=D("1000000"))
    AllianceCost.objects.create(alliance=alliance, kind="people", period_start=FY[0], period_end=FY[1],
                                fte=D("0.5"), loaded_cost_per_fte=D("140000"), amount=D("70000"))  # fmt: skip
    AllianceCost.objects.create(
        alliance=alliance, kind="program", period_start=FY[0], period_end=FY[1], amount=D("10000")
    )
    program = FundProgram.objects.create(name="KPI MDF")
    budget = Budget.objects.create(
        program=program, organization=partner_org, alliance=alliance, fiscal_year=2026, expiry_date=FY[1],
        allocated=D("50000"), paid=D("12000"), available=D("38000"),
    )  # fmt: skip
    LedgerEntry.objects.create(budget=budget, kind="pay", amount=D("12000"), at=_aware(date(2026, 7, 1)))
    funded = FundRequest.objects.create(budget=budget, activity="Summit", planned_cost=D("24000"), partner_share=D("50"),
                                        requested_amount=D("12000"), status="completed")  # fmt: skip
    funded.opportunities.add(d1)
    plan = IncentivePlan.objects.create(name="KPI bonus", currency="EUR", valid_from=FY[0])
    rule = IncentiveRule.objects.create(
        plan=plan, name="Partner revenue", kind="percent", rate_percent=D("1")
    )
    statement = Statement.objects.create(
        plan=plan, rep=manager, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), total=D("8000"),
        status="paid", approved_at=_aware(date(2026, 4, 10)), paid_on=date(2026, 4, 25), payment_reference="PAY-1",
    )  # fmt: skip
    StatementLine.objects.create(statement=statement, rule=rule, opportunity=d1, close_date=d1.close_date,
                                 deal_amount=D("300000"), deal_currency="EUR", rate=D("1"), basis=D("300000"),
                                 amount=D("8000"), explanation="x", payee_key=f"rep:{manager.pk}")  # fmt: skip
    CommitmentFactory(alliance=alliance, status="met", due_date=date(2026, 3, 31), met_on=date(2026, 3, 20))
    CommitmentFactory(alliance=alliance, status="met", due_date=date(2026, 5, 31), met_on=date(2026, 6, 10))
    CommitmentFactory(alliance=alliance, status="missed", due_date=date(2026, 8, 31))
    CommitmentFactory(alliance=alliance, status="waived", due_date=date(2026, 4, 30))
    CommitmentFactory(alliance=alliance, status="agreed", due_date=date(2026, 12, 31))
    for status in ("done", "done", "planned", "cancelled"):
        MilestoneFactory(alliance=alliance, category="integration", status=status)
    ana, ben, cleo = (ContactFactory(organization=partner_org, first_name=n) for n in ("Ana", "Ben", "Cleo"))
    Certification.objects.create(contact=ana, course="Architect", completed_on=date(2026, 2, 1),
                                 expires_on=date(2027, 2, 1))  # fmt: skip
    Certification.objects.create(contact=ben, course="Architect", completed_on=date(2024, 6, 30),
                                 expires_on=date(2026, 6, 30))  # fmt: skip
    Certification.objects.create(contact=ben, kind="training", course="Basics", completed_on=date(2026, 3, 1))
    Certification.objects.create(contact=cleo, course="Architect", completed_on=date(2027, 1, 5))
    return alliance


def card_values(alliance_ids):
    card = kpis.scorecard(alliance_ids, *FY, today=TODAY)
    return {r.kpi.key: r for d in card.dimensions for r in d.kpis}, card


def test_every_default_kpi_on_the_worked_example(book):
    results, _ = card_values([book.pk])
    expected = {
        "revenue-contribution": (D("480000.00"), None),
        "revenue-share": (D("48.0"), "green"),
        "alliance-roi": (D("188.0"), "green"),
        "cost-of-alliance-sales": (D("20.8"), "amber"),
        "cost-value-ratio": (D("0.35"), "green"),
        "pipeline-coverage": (D("0.60"), "red"),
        "plan-attainment": (D("48.0"), "red"),
        "mdf-roi": (D("25.00"), "green"),
        "partner-commitment": (D("33.3"), "red"),
        "new-customers": (D("1.0"), "red"),
        "market-reach": (D("2.0"), "amber"),
        "segments-reached": (D("2.0"), "amber"),
        "integration": (D("66.7"), "amber"),
        "certified-people": (D("1.0"), "amber"),
    }
    assert {key: (results[key].value, results[key].status) for key in expected} == expected
    assert (
        results["health-ours"].value is None
        and "no health check" in results["health-ours"].inputs[0][1].explanation
    )
    roi = results["alliance-roi"]
    assert roi.calculation == "(288,000 - 100,000) ÷ 100,000 × 100 = 188.0"
    explained = dict(roi.inputs)
    assert (
        "entered costs 80,000.00 + MDF paid 12,000.00 + incentives paid 8,000.00"
        in explained["alliance_cost"].explanation
    )


def test_dimension_score_shows_its_calculation(book):
    _, card = card_values([book.pk])
    technical = card.by_key["technical"]
    assert technical.score == D("50.0") and technical.calculation.startswith("(1×50 + 1×50) / 2 = 50.0")
    assert card.by_key["cultural"].score is None


def test_portfolio_counts_a_shared_deal_once(book, manager, other_alliance):
    both = opportunity(
        user=manager, alliance=book, amount=D("100000"), stage="closed_won", close_date=date(2026, 9, 1)
    )
    both.links.create(alliance=other_alliance, role=PartnerRole.CO_SELL)
    results, _ = card_values([book.pk, other_alliance.pk])
    assert results["revenue-contribution"].value == D("580000.00")
    other, _ = card_values([other_alliance.pk])
    assert other["revenue-contribution"].value == D("100000.00")


def test_a_deal_without_exchange_rate_is_named_not_counted(book, manager):
    opportunity(
        user=manager,
        alliance=book,
        amount=D("1000"),
        currency="JPY",
        stage="closed_won",
        close_date=date(2026, 2, 2),
    )
    results, _ = card_values([book.pk])
    assert results["revenue-contribution"].value == D("480000.00")
    assert any("JPY" in p for p in results["revenue-contribution"].problems)


def test_formula_language_is_safe_and_explained():
    assert formula.names("(a - b) / b * 100") == ["a", "b"]
    assert formula.evaluate("(a - b) / b * 100", {"a": D("3"), "b": D("2")}) == D("50")
    for bad in ("__import__('os')", "a ** 2", "a.b", "a if b else c", "[a]", "'x'"):
        with pytest.raises(formula.FormulaError):
            formula.names(bad)
    with pytest.raises(formula.NoValue, match="b is 0"):
        formula.evaluate("a / b", {"a": D("1"), "b": D("0")})


def test_kpi_definitions_are_validated(db):
    kpi = KPI(key="x", name="X", dimension="commercial", formula="won_revenue / nothing")
    with pytest.raises(ValidationError) as exc:
        kpi.full_clean()
    assert "Unknown measure" in str(exc.value.message_dict["formula"])
    kpi = KPI(
        key="y", name="Y", dimension="commercial", formula="won_revenue", green_at=D("10"), amber_at=D("20")
    )
    with pytest.raises(ValidationError) as exc:
        kpi.full_clean()
    assert "amber_at" in exc.value.message_dict


def test_status_thresholds_lower_is_better(db):
    kpi = KPI.objects.get(key="cost-of-alliance-sales")
    assert [kpis.status_of(kpi, D(v)) for v in ("10", "15", "20", "25.1")] == [
        "green",
        "green",
        "amber",
        "red",
    ]
