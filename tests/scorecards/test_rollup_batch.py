"""The batched roll-up (``kpis.scorecards``): the same scorecards, numbers and explanations as one
``kpis.scorecard([id])`` per alliance, in a number of queries that does not grow with the alliances.

Each alliance of the test portfolio gets, varied by its index: won deals in EUR and USD (one in JPY
without an exchange rate on the first, a problem that must be named), a won deal shared with the
next alliance (it counts once in the portfolio and in any group holding both), open pipeline, a plan
(not on every third alliance), entered costs, an MDF budget with a payment and a funded request
linked to a won deal, paid incentive lines (one on the shared deal), partner commitments met on
time, late and missed, integration milestones, certifications of the partner's people (the last
two alliances share a partner), a health check (an unanswered newer wave falls back to the answered
older one) and a best-practice benchmark.
"""

from __future__ import annotations

import gc
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amity.alliances.models import AllianceParty, PartyRole
from amity.assessments import scoring
from amity.assessments import services as assessments
from amity.assessments.models import Assessment, Instrument
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
from amity.scorecards import facts, kpis, measures, practices
from amity.scorecards.models import AllianceCost
from amity.scorecards.views import portfolio_rows
from tests import factories as f
from tests.agreements.factories import CommitmentFactory
from tests.pipeline.factories import AccountFactory, opportunity
from tests.planning.factories import MilestoneFactory, PlanFactory

D = Decimal
FY = (date(2026, 1, 1), date(2026, 12, 31))
TODAY = date(2026, 11, 1)
PERIOD = kpis.period_of("fy", FY[0])
COUNTRIES = ["DE", "FR", "NL", "ES", "IT"]
INDUSTRIES = ["Retail", "Banking", "Energy", ""]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


class World:
    """Shared rows (rates, programs, the statement) and the alliances built so far."""

    def __init__(self, manager):
        self.manager = manager
        ExchangeRate.objects.get_or_create(
            currency="USD", valid_from=date(2026, 1, 1), defaults={"rate": D("0.90")}
        )
        self.program = FundProgram.objects.create(name="Roll-up MDF")
        plan = IncentivePlan.objects.create(name="Roll-up bonus", currency="EUR", valid_from=FY[0])
        self.rule = IncentiveRule.objects.create(
            plan=plan, name="Partner revenue", kind="percent", rate_percent=D("1")
        )
        self.statement = Statement.objects.create(
            plan=plan, rep=manager, period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), total=D("0"),
            status="paid", approved_at=_aware(date(2026, 7, 5)), paid_on=date(2026, 7, 10), payment_reference="PAY-R",
        )  # fmt: skip
        self.health = Instrument.objects.get(key="alliance-health", active=True)
        self.practices = Instrument.objects.get(key="best-practices", active=True)
        self.alliances: list = []
        self.previous_won = None

    def line(self, deal, amount, payee="rep"):
        StatementLine.objects.create(
            statement=self.statement, rule=self.rule, opportunity=deal, close_date=deal.close_date,
            deal_amount=deal.amount, deal_currency=deal.currency, rate=D("1"), basis=deal.amount,
            amount=D(amount), explanation="x", payee_key=f"{payee}:{self.manager.pk}",
        )  # fmt: skip

    def add(self, i: int):
        manager = self.manager
        org = f.OrganizationFactory(name=f"Roll-up partner {i}")
        alliance = f.AllianceFactory(name=f"Roll-up alliance {i:02d}", partner=org)
        if i and i % 4 == 3:  # shares the previous alliance's partner organization
            previous_org = (
                AllianceParty.objects.exclude(role=PartyRole.HOST)
                .get(alliance=self.alliances[-1])
                .organization
            )
            AllianceParty.objects.create(alliance=alliance, organization=previous_org, role=PartyRole.MEMBER)
        account = AccountFactory(
            name=f"Roll-up customer {i}", country=COUNTRIES[i % 5], industry=INDUSTRIES[i % 4]
        )
        won = opportunity(user=manager, alliance=alliance, role=PartnerRole.SOURCED, account=account,
                          amount=D(100000 + 10000 * i), stage="closed_won", close_date=date(2026, 3, 1 + i % 20))  # fmt: skip
        opportunity(user=manager, alliance=alliance, account=AccountFactory(country="US", industry="Energy"),
                    amount=D(50000), currency="USD", stage="closed_won", close_date=date(2026, 5, 10))  # fmt: skip
        if i == 0:
            opportunity(user=manager, alliance=alliance, amount=D(1000), currency="JPY", stage="closed_won",
                        close_date=date(2026, 2, 2))  # fmt: skip
        opportunity(
            user=manager,
            alliance=alliance,
            amount=D(300000 + i),
            stage="proposal",
            close_date=date(2027, 2, 1),
        )
        if self.previous_won is not None:  # the previous alliance's deal: taken part in by this one too
            self.previous_won.links.create(alliance=alliance, role=PartnerRole.CO_SELL)
            self.line(self.previous_won, "700", payee="overlay")
        self.previous_won = won
        self.line(won, str(1000 + i))
        if i % 3 != 2:
            PlanFactory(alliance=alliance, fiscal_year=2026, revenue_target=D(500000 + 50000 * i))
        AllianceCost.objects.create(alliance=alliance, kind="program", period_start=FY[0], period_end=FY[1],
                                    amount=D(20000 + 1000 * i))  # fmt: skip
        AllianceCost.objects.create(alliance=alliance, kind="people", period_start=date(2026, 4, 1), period_end=FY[1],
                                    amount=D(5000), currency="USD")  # fmt: skip
        budget = Budget.objects.create(
            program=self.program, organization=org, alliance=alliance, fiscal_year=2026, expiry_date=FY[1],
            allocated=D("50000"), paid=D("4000"), available=D("46000"),
        )  # fmt: skip
        LedgerEntry.objects.create(budget=budget, kind="pay", amount=D(4000 + i), at=_aware(date(2026, 6, 1)))
        request = FundRequest.objects.create(budget=budget, activity=f"Summit {i}", planned_cost=D("8000"),
                                             partner_share=D("50"), requested_amount=D("4000"), status="completed")  # fmt: skip
        request.opportunities.add(won)
        CommitmentFactory(
            alliance=alliance, status="met", due_date=date(2026, 3, 31), met_on=date(2026, 3, 20)
        )
        CommitmentFactory(
            alliance=alliance, status="met", due_date=date(2026, 5, 31), met_on=date(2026, 6, 10)
        )
        if i % 2:
            CommitmentFactory(alliance=alliance, status="missed", due_date=date(2026, 8, 31))
        for status in ("done", "planned", "cancelled")[: 1 + i % 3]:
            MilestoneFactory(alliance=alliance, category="integration", status=status)
        for n in range(i % 3):
            contact = f.ContactFactory(organization=org)
            Certification.objects.create(contact=contact, course=f"Architect {n}", completed_on=date(2026, 2, 1),
                                         expires_on=date(2028, 1, 1) if n else None)  # fmt: skip
        older = assessments.assessment_create(alliance=alliance, instrument=self.health, wave="H1 2026",
                                              opened_on=date(2026, 2, 1), user=manager)  # fmt: skip
        assessments.response_save(assessment=older, user=manager, submit=True, answers={
            "power-use": {"value": 1 + i % 5}, "visibility-pipeline": {"value": 3}})  # fmt: skip
        if i % 2 == 0:
            assessments.assessment_create(alliance=alliance, instrument=self.health, wave="H2 2026",
                                          opened_on=date(2026, 8, 1), user=manager)  # fmt: skip
        else:
            partner = f.partner_user(org, username=f"rollup-partner-{i}")
            assessments.response_save(assessment=older, user=partner, submit=True,
                                      answers={"power-use": {"value": 2}})  # fmt: skip
        benchmark = assessments.assessment_create(alliance=alliance, instrument=self.practices, wave="2026",
                                                  opened_on=date(2026, 3, 1), user=manager)  # fmt: skip
        assessments.response_save(assessment=benchmark, user=manager, submit=True, answers={
            "identify-strategy-link": {"value": 4 + i % 2}, "identify-gap": {"value": 1 + i % 5},
            "identify-opportunistic": {"value": 2}})  # fmt: skip
        self.alliances.append(alliance)
        return alliance


@pytest.fixture
def world(manager, home):
    return World(manager)


def portfolio(world, n):
    while len(world.alliances) < n:
        world.add(len(world.alliances))
    return world.alliances


def explained(card: kpis.Scorecard) -> list:
    """Everything a scorecard shows: scores, values, statuses, calculations, inputs, problems."""
    return [
        (d.dimension, d.score, d.calculation,
         [(r.kpi.key, r.value, r.status, r.calculation, r.reason, r.problems, [b.pk for b in r.benchmarks],
           [(name, m.value, m.explanation, m.problems) for name, m in r.inputs]) for r in d.kpis])
        for d in card.dimensions
    ]  # fmt: skip


def test_batched_scorecards_equal_one_scorecard_per_alliance(world):
    alliances = portfolio(world, 6)
    ids = [a.pk for a in alliances]
    groups = {a.pk: [a.pk] for a in alliances}
    groups["all"] = ids
    groups["first two"] = ids[:2]  # they share a deal
    cards = kpis.scorecards(groups, *FY, today=TODAY)
    for key, group in groups.items():
        assert explained(cards[key]) == explained(kpis.scorecard(group, *FY, today=TODAY)), key
    values = {key: {r.kpi.key: r for d in card.dimensions for r in d.kpis} for key, card in cards.items()}
    # The shared deal counts once for the two alliances together, once for each of them.
    won = {key: values[key]["revenue-contribution"].value for key in ("first two", ids[0], ids[1])}
    first_deal = D(100000)
    assert won["first two"] == won[ids[0]] + won[ids[1]] - first_deal
    # The deal without an exchange rate is named, on the alliance and in the portfolio.
    assert any("JPY" in p for p in values[ids[0]]["revenue-contribution"].problems)
    assert any("JPY" in p for p in values["all"]["revenue-contribution"].problems)
    assert not values[ids[1]]["revenue-contribution"].problems
    # Every measure was exercised with data.
    inputs = {name: m for r in values["all"].values() for name, m in r.inputs}
    assert all(m.value for m in inputs.values()), {name: m.value for name, m in inputs.items()}
    ctx = measures.Context(ids, *FY, TODAY)
    assert all(measures.MEASURES[name](ctx).value for name in measures.MEASURES)
    assert "; " in inputs["health_ours"].explanation and "H1 2026" in inputs["health_ours"].explanation


def test_a_large_batch_reads_every_alliance_and_keeps_its_own(world, monkeypatch):
    alliances = portfolio(world, 4)
    ids = [a.pk for a in alliances]
    groups = {"all": ids, "some": ids[1:3], **{a: [a] for a in ids}}
    expected = {key: explained(card) for key, card in kpis.scorecards(groups, *FY, today=TODAY).items()}
    f.AllianceFactory(name="Outside the roll-up")  # rows of other alliances are read, never counted
    monkeypatch.setattr(measures, "MAX_ID_PARAMETERS", 2)
    got = {key: explained(card) for key, card in kpis.scorecards(groups, *FY, today=TODAY).items()}
    assert got == expected


def test_portfolio_rows_are_the_per_alliance_scorecards(world, manager):
    portfolio(world, 4)
    rows, total = portfolio_rows(manager, PERIOD)
    assert [a.name for a, _ in rows] == [f"Roll-up alliance {i:02d}" for i in range(4)]
    for alliance, card in rows:
        assert explained(card) == explained(kpis.scorecard([alliance.pk], *FY))
    assert explained(total) == explained(kpis.scorecard([a.pk for a, _ in rows], *FY))


def test_portfolio_page_scores_its_alliances_and_the_whole_portfolio(world, manager, monkeypatch, client_for):
    from django.urls import reverse

    from amity.scorecards import views

    portfolio(world, 5)
    monkeypatch.setattr(views, "PORTFOLIO_PAGE_SIZE", 2)
    rows, total = portfolio_rows(manager, PERIOD)
    page, first, page_total = views.portfolio_page(manager, PERIOD, None)
    assert [a.name for a, _ in first] == [a.name for a, _ in rows[:2]]
    assert page.paginator.count == 5 and page.paginator.num_pages == 3
    _, last, _ = views.portfolio_page(manager, PERIOD, "3")
    assert [(a.name, explained(card)) for a, card in last] == [
        (a.name, explained(card)) for a, card in rows[4:]
    ]
    # The portfolio row is the whole portfolio's on every page.
    assert explained(page_total) == explained(total)
    html = (
        client_for(manager)
        .get(reverse("scorecards:scorecard_portfolio"), {"period": "fy", "page": 2})
        .content.decode()
    )
    assert rows[2][0].name in html and rows[0][0].name not in html
    assert "3–4 of 5" in html and "Page 2 of 3" in html
    assert 'href="?period=fy&amp;page=3"' in html and "hx-target" not in html.split('aria-label="Pages"')[1]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_portfolio_queries_do_not_grow_with_the_alliances(world, manager, django_assert_max_num_queries):
    portfolio(world, 3)
    few = _queries(lambda: portfolio_rows(manager, PERIOD))
    portfolio(world, 12)
    with django_assert_max_num_queries(few):
        rows, _ = portfolio_rows(manager, PERIOD)
    assert len(rows) == 12
    assert _queries(lambda: portfolio_rows(manager, PERIOD)) == few
    assert few <= 30


def test_practices_points_in_constant_queries(world, manager):
    portfolio(world, 3)
    few = _queries(lambda: practices.points(manager, *FY))
    assert len(practices.points(manager, *FY)) == 3
    portfolio(world, 12)
    with CaptureQueriesContext(connection) as ctx:
        points = practices.points(manager, *FY)
    assert len(ctx.captured_queries) == few
    assert len(points) == 12
    # Each point's performance is the mean of its alliance's own scorecard's dimension scores.
    for point in points:
        scores = [d.score for d in kpis.scorecard([point.alliance.pk], *FY).dimensions if d.score is not None]
        assert point.performance == (sum(scores) / len(scores)).quantize(D("0.1"))


def test_tier_facts_in_one_batch_equal_the_per_alliance_facts(world):
    alliances = portfolio(world, 4)
    start, end = date(2025, 11, 2), TODAY
    batch = facts.compute_many([a.pk for a in alliances], start, end)
    assert batch == {a.pk: facts.compute(a, start, end) for a in alliances}
    assert batch[alliances[0].pk]["kpi_revenue_contribution"] > 0


def test_score_many_equals_score(world):
    portfolio(world, 3)
    waves = list(Assessment.objects.order_by("pk"))
    assert len(waves) >= 6
    fresh = list(Assessment.objects.order_by("pk"))  # instruments not loaded yet
    with CaptureQueriesContext(connection) as ctx:
        many = scoring.score_many(fresh)
    assert len(ctx.captured_queries) == 3  # instruments, items, answers
    for wave in waves:
        one, batch = scoring.score(wave), many[wave.pk]
        assert (one.overall, one.overall_calculation, one.respondents, one.gap) == (
            batch.overall,
            batch.overall_calculation,
            batch.respondents,
            batch.gap,
        )
        assert [(d.key, d.scores, d.calculations, d.gap) for d in one.dimensions] == [
            (d.key, d.scores, d.calculations, d.gap) for d in batch.dimensions
        ]
        assert [(r.item.pk, r.sides, r.gap, r.want_gap) for r in one.items] == [
            (r.item.pk, r.sides, r.gap, r.want_gap) for r in batch.items
        ]


def test_a_roll_up_of_many_scorecards_leaves_the_garbage_collector_as_it_found_it(world):
    alliances = portfolio(world, 2)
    groups = {n: [alliances[n % 2].pk] for n in range(kpis.MANY_SCORECARDS)}
    assert gc.isenabled()
    cards = kpis.scorecards(groups, *FY, today=TODAY)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert (
        explained(cards[0])
        == explained(cards[2])
        == explained(kpis.scorecard([alliances[0].pk], *FY, today=TODAY))
    )
    gc.disable()
    try:
        kpis.scorecards(groups, *FY, today=TODAY)
        assert not gc.isenabled()
    finally:
        gc.enable()
