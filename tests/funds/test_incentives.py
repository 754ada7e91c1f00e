"""Incentive rules with worked examples, statements (draft → approved → paid), the exceptions
list and who sees which statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from amity.core import periods
from amity.funds import incentives
from amity.funds import services_incentives as svc
from amity.funds.models import (
    Audience,
    ExchangeRate,
    Statement,
    StatementLine,
    StatementStatus,
)
from amity.pipeline.models import DealRegistration, OpportunityStage, PartnerRole
from tests import factories as f
from tests.pipeline.factories import opportunity

D = Decimal
WON = OpportunityStage.CLOSED_WON
Q3 = date(2026, 8, 15)  # fiscal quarter Jul–Sep 2026 with the default January start


@pytest.fixture
def rep(db, home):
    return f.UserFactory(username="rep1", role="sales", first_name="Sam", last_name="Rep")


@pytest.fixture
def plan(manager):
    plan = svc.plan_create(
        data={
            "name": "Co-sell bonus 2026",
            "audience": Audience.REP,
            "currency": "EUR",
            "valid_from": date(2026, 1, 1),
            "quarterly_target": D("100000"),
            "quarterly_cap": D("20000"),
        },
        user=manager,
    )
    svc.rule_create(
        plan=plan,
        data={
            "name": "Partner revenue",
            "order": 10,
            "kind": "percent",
            "partner_roles": ["sourced", "co_sell"],
            "rate_percent": D("10"),
            "accelerated_percent": D("15"),
        },
        user=manager,
    )
    svc.rule_create(
        plan=plan,
        data={
            "name": "Registered deal bonus",
            "order": 20,
            "kind": "fixed",
            "registered_only": True,
            "fixed_amount": D("500"),
        },
        user=manager,
    )
    return plan


def won(user, alliance, owner, amount, *, role=PartnerRole.CO_SELL, currency="EUR", day=Q3, name=None):
    opp = opportunity(
        user=user,
        alliance=alliance,
        role=role,
        amount=D(amount),
        currency=currency,
        stage=WON,
        close_date=day,
        name=name or f"Deal {amount} {currency}",
    )
    opp.owner = owner
    opp.save()
    return opp


def enroll(plan, manager, rep, start=date(2026, 1, 1)):
    return svc.enroll(plan=plan, rep=rep, valid_from=start, user=manager)


def test_worked_example_rate_then_accelerator_above_target(manager, rep, plan, alliance):
    """80,000 EUR then 50,000 USD at 0.90 = 45,000 EUR: 8,000 + (2,000 + 3,750) = 13,750."""
    enroll(plan, manager, rep)
    ExchangeRate.objects.create(currency="USD", rate=D("0.90"), valid_from=date(2026, 1, 1))
    first = won(manager, alliance, rep, "80000", day=date(2026, 7, 10))
    second = won(manager, alliance, rep, "50000", currency="USD", day=date(2026, 8, 20))
    result = incentives.compute(plan=plan, payee=rep, period=periods.fiscal_quarter_of(Q3))
    assert [(e.opportunity, e.basis, e.amount) for e in result.earnings] == [
        (first, D("80000.00"), D("8000.00")),
        (second, D("45000.00"), D("5750.00")),
    ]
    assert "10 % of 20,000.00 up to the target of 100,000.00 + 15 % of 25,000.00 above it" in (
        result.earnings[1].explanation
    )
    assert result.total == D("13750.00")
    assert result.basis == D("125000.00")


def test_fixed_bonus_only_for_registered_deals_and_the_cap(manager, rep, plan, alliance, partner_org):
    enroll(plan, manager, rep)
    big = won(manager, alliance, rep, "190000", day=date(2026, 7, 1))  # 10 % of 100k + 15 % of 90k = 23,500
    registered = won(manager, alliance, rep, "1000", day=date(2026, 7, 2))
    DealRegistration.objects.create(
        alliance=alliance,
        organization=partner_org,
        company_name="Acme",
        offering="x",
        amount=D("1000"),
        expected_close_date=date(2026, 7, 2),
        status="approved",
        submitted_on=date(2026, 6, 1),
        decision_deadline=date(2026, 6, 5),
        approved_on=date(2026, 6, 3),
        protection_until=date(2026, 12, 3),
        opportunity=registered,
    )
    result = incentives.compute(plan=plan, payee=rep, period=periods.fiscal_quarter_of(Q3))
    assert [(e.opportunity, e.amount) for e in result.earnings] == [(big, D("20000.00"))]
    assert "capped to 20,000.00" in result.earnings[0].explanation
    # The small registered deal earned nothing: the cap was reached - and says so.
    [miss] = result.misses
    assert miss.opportunity == registered
    assert "quarterly cap of 20,000.00 is reached" in miss.reason
    assert result.total == plan.quarterly_cap


def test_a_rule_that_does_not_match_explains_itself(manager, rep, plan, alliance):
    enroll(plan, manager, rep)
    influenced = won(manager, alliance, rep, "10000", role=PartnerRole.INFLUENCED)
    result = incentives.compute(plan=plan, payee=rep, period=periods.fiscal_quarter_of(Q3))
    assert result.earnings == []
    [miss] = result.misses
    assert miss.opportunity == influenced
    assert "partner role influenced is not one of co-sell, sourced" in miss.reason
    assert "no approved deal registration" in miss.reason


def test_rounding_is_half_up_to_cents_once_per_line(manager, rep, plan, alliance):
    enroll(plan, manager, rep)
    won(manager, alliance, rep, "0.05")  # 10 % = 0.005 → 0.01
    result = incentives.compute(plan=plan, payee=rep, period=periods.fiscal_quarter_of(Q3))
    assert [e.amount for e in result.earnings] == [D("0.01")]


def test_fiscal_quarter_boundaries(manager, rep, plan, alliance):
    enroll(plan, manager, rep)
    last_day = won(manager, alliance, rep, "1000", day=date(2026, 9, 30))
    won(manager, alliance, rep, "2000", day=date(2026, 10, 1))
    result = incentives.compute(plan=plan, payee=rep, period=periods.fiscal_quarter_of(Q3))
    assert [e.opportunity for e in result.earnings] == [last_day]


def test_exceptions_list_every_partner_deal_that_earned_nothing(manager, rep, plan, alliance):
    enroll(plan, manager, rep, start=date(2026, 8, 1))
    other = f.UserFactory(username="rep2", role="sales")
    before = won(manager, alliance, rep, "1000", day=date(2026, 7, 15), name="Before enrollment")
    no_owner = won(manager, alliance, None, "1000", name="Nobody's deal")
    not_enrolled = won(manager, alliance, other, "1000", name="Other rep's deal")
    ExchangeRate.objects.all().delete()
    yen = won(manager, alliance, rep, "1000", currency="JPY", name="Yen deal")
    paid = won(manager, alliance, rep, "1000", name="Earning deal")
    won(manager, None, rep, "1000", name="Direct deal")  # no partner: not expected to earn
    misses = incentives.exceptions(period=periods.fiscal_quarter_of(Q3), audience=Audience.REP)
    by_deal = {m.opportunity: m.reason for m in misses}
    assert set(by_deal) == {before, no_owner, not_enrolled, yen}
    assert paid not in by_deal
    assert "is not enrolled in Co-sell bonus 2026 on 15 Jul 2026" in by_deal[before]
    assert by_deal[no_owner] == "no rep owns this deal: set its owner"
    assert "is not enrolled in any active incentive plan" in by_deal[not_enrolled]
    assert "No exchange rate for JPY" in by_deal[yen]


def test_statement_draft_approve_pay_and_frozen(manager, rep, plan, alliance):
    enroll(plan, manager, rep)
    deal = won(manager, alliance, rep, "50000")
    statement = svc.statement_generate(plan=plan, payee=rep, day=Q3, user=manager)
    assert (statement.status, statement.total, statement.basis) == ("draft", D("5000.00"), D("50000.00"))
    [line] = statement.lines.all()
    assert (line.opportunity, line.amount, line.deal_amount) == (deal, D("5000.00"), D("50000.00"))
    # Recomputing a draft picks up a new deal, and ties out: total = sum of lines.
    won(manager, alliance, rep, "10000")
    statement = svc.statement_generate(plan=plan, payee=rep, day=Q3, user=manager)
    assert statement.total == sum(line.amount for line in statement.lines.all()) == D("6000.00")
    statement = svc.statement_approve(statement=statement, user=manager)
    with pytest.raises(ValidationError) as exc:
        svc.statement_generate(plan=plan, payee=rep, day=Q3, user=manager)
    assert "frozen" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        svc.statement_pay(statement=statement, paid_on=Q3, reference="", user=manager)
    assert "payment_reference" in exc.value.message_dict
    statement = svc.statement_pay(
        statement=statement, paid_on=date(2026, 10, 25), reference="PAY-Q3", user=manager
    )
    assert statement.status == StatementStatus.PAID
    with pytest.raises(ValidationError):
        svc.statement_pay(statement=statement, paid_on=date(2026, 10, 25), reference="again", user=manager)


def test_a_deal_cannot_earn_twice_under_one_rule(manager, rep, plan, alliance):
    enroll(plan, manager, rep)
    deal = won(manager, alliance, rep, "50000")
    statement = svc.statement_generate(plan=plan, payee=rep, day=Q3, user=manager)
    svc.statement_approve(statement=statement, user=manager)
    # The deal's close date moves into the next quarter: it has already earned, so it shows as a miss.
    deal.close_date = date(2026, 10, 5)
    deal.save()
    q4 = svc.statement_generate(plan=plan, payee=rep, day=date(2026, 10, 5), user=manager)
    assert q4.total == 0
    [miss] = incentives.compute(
        plan=plan, payee=rep, period=periods.fiscal_quarter_of(date(2026, 10, 5))
    ).misses
    assert f"already earned on statement {statement.pk}" in miss.reason
    line = StatementLine.objects.get(statement=statement)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementLine.objects.create(
            statement=q4,
            rule=line.rule,
            opportunity=deal,
            close_date=deal.close_date,
            deal_amount=D("1"),
            deal_currency="EUR",
            rate=D("1"),
            basis=D("1"),
            amount=D("1"),
            explanation="twice",
            payee_key=line.payee_key,
        )


def test_database_refuses_a_paid_statement_without_payment(manager, rep, plan):
    statement = Statement.objects.create(
        plan=plan, rep=rep, period_start=date(2026, 7, 1), period_end=date(2026, 9, 30)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(status="paid", approved_at="2026-10-01T00:00Z")


def test_partner_referral_fees_per_partner_and_their_exceptions(
    manager, alliance, other_alliance, partner_org, other_partner_org
):
    fees = svc.plan_create(
        data={
            "name": "Referral fees",
            "audience": Audience.PARTNER,
            "currency": "EUR",
            "valid_from": date(2026, 1, 1),
        },
        user=manager,
    )
    svc.rule_create(
        plan=fees,
        data={
            "name": "Referral fee",
            "kind": "percent",
            "partner_roles": ["referral", "sourced"],
            "rate_percent": D("5"),
        },
        user=manager,
    )
    svc.enroll(plan=fees, organization=partner_org, valid_from=date(2026, 1, 1), user=manager)
    theirs = won(manager, alliance, None, "20000", role=PartnerRole.REFERRAL, name="Referred by Stratus")
    cosell = won(manager, alliance, None, "30000", role=PartnerRole.CO_SELL, name="Co-sold with Stratus")
    other = won(manager, other_alliance, None, "40000", role=PartnerRole.REFERRAL, name="Referred by Kestrel")
    result = incentives.compute(plan=fees, payee=partner_org, period=periods.fiscal_quarter_of(Q3))
    assert [(e.opportunity, e.amount) for e in result.earnings] == [(theirs, D("1000.00"))]
    by_deal = {
        (m.opportunity, m.payee): m.reason
        for m in incentives.exceptions(period=periods.fiscal_quarter_of(Q3), audience=Audience.PARTNER)
    }
    assert set(by_deal) == {(cosell, partner_org), (other, other_partner_org)}
    assert "partner role co-sell is not one of" in by_deal[(cosell, partner_org)]
    assert "not enrolled in any active referral-fee or rebate plan" in by_deal[(other, other_partner_org)]


def test_who_sees_which_statement(manager, rep, plan, alliance, partner):
    enroll(plan, manager, rep)
    other = f.UserFactory(username="rep2", role="sales")
    enroll(plan, manager, other)
    won(manager, alliance, rep, "1000")
    won(manager, alliance, other, "2000")
    mine, theirs = svc.statements_generate(day=Q3, user=manager)
    assert set(Statement.objects.visible_to(rep)) == {mine}
    assert set(Statement.objects.visible_to(manager)) == {mine, theirs}
    assert not Statement.objects.visible_to(partner).exists()
    assert not plan.__class__.objects.visible_to(partner).exists()
    with pytest.raises(PermissionDenied):
        svc.statement_approve(statement=mine, user=rep)


def test_a_deal_on_its_own_quarters_statement_is_not_an_exception(manager, rep, plan, alliance):
    enroll(plan, manager, rep)
    deal = won(manager, alliance, rep, "50000")
    nobody = f.UserFactory(username="rep3", role="sales")
    svc.enroll(plan=plan, rep=nobody, valid_from=date(2026, 1, 1), user=manager)
    statements = svc.statements_generate(day=Q3, user=manager)
    assert [s.rep for s in statements] == [rep]  # a payee who earned nothing gets no empty statement
    svc.statement_approve(statement=statements[0], user=manager)
    misses = incentives.exceptions(period=periods.fiscal_quarter_of(Q3), audience=Audience.REP)
    assert deal not in [m.opportunity for m in misses]
