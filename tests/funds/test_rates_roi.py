"""Dated exchange rates, rounding, and MDF ROI with its inputs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from amity.funds import roi, services
from amity.funds import services_claims as claims
from amity.funds.models import ExchangeRate
from amity.funds.rates import NoExchangeRate, RateTable, convert
from amity.pipeline.models import OpportunityStage
from tests.pipeline.factories import opportunity

from .factories import make_request, pdf_upload

D = Decimal


@pytest.fixture
def rates(db):
    for currency, rate, day in (
        ("USD", "0.90", date(2026, 1, 1)),
        ("USD", "0.95", date(2026, 6, 1)),
        ("GBP", "1.17", date(2026, 1, 1)),
    ):
        ExchangeRate.objects.create(currency=currency, rate=D(rate), valid_from=day)


def test_convert_uses_the_latest_rate_on_or_before_the_day(rates):
    assert convert(D("100.00"), "USD", date(2026, 5, 31)) == D("90.00")
    assert convert(D("100.00"), "USD", date(2026, 6, 1)) == D("95.00")
    assert convert(D("100.00"), "EUR", date(1999, 1, 1)) == D("100.00")
    table = RateTable()
    assert table.convert(D("100.00"), "USD", date(2026, 12, 31)) == D("95.00")


def test_convert_rounds_half_up_once(rates):
    ExchangeRate.objects.create(currency="CHF", rate=D("1.005"), valid_from=date(2026, 1, 1))
    assert convert(D("1.00"), "CHF", date(2026, 1, 2)) == D("1.01")  # 1.005 → 1.01, not banker's 1.00
    assert convert(D("0.01"), "GBP", date(2026, 1, 2)) == D("0.01")


def test_missing_rate_names_the_currency(rates):
    with pytest.raises(NoExchangeRate) as exc:
        convert(D("1"), "USD", date(2025, 12, 31))
    assert (
        "USD" in exc.value.message_dict["currency"][0]
        and "2025-12-31" in exc.value.message_dict["currency"][0]
    )
    with pytest.raises(NoExchangeRate):
        RateTable().rate_on("JPY", date(2026, 1, 1))


def test_rate_service_refuses_the_reporting_currency_and_duplicates(admin, rates):
    with pytest.raises(ValidationError) as exc:
        claims.rate_create(
            data={"currency": "EUR", "rate": D("1"), "valid_from": date(2026, 1, 1)}, user=admin
        )
    assert "currency" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        claims.rate_create(
            data={"currency": "usd", "rate": D("1"), "valid_from": date(2026, 1, 1)}, user=admin
        )
    assert "valid_from" in exc.value.message_dict


def test_our_share_rounds_to_cents():
    assert services.our_share(D("1000.01"), D("33.33")) == D("666.71")  # 666.7066667


def test_roi_of_a_request_explains_every_number(rates, budget, partner, manager, alliance):
    won = opportunity(
        user=manager,
        alliance=alliance,
        amount=D("20000"),
        currency="USD",
        stage=OpportunityStage.CLOSED_WON,
        probability=100,
        close_date=date(2026, 6, 15),
    )
    open_ = opportunity(user=manager, alliance=alliance, amount=D("10000"), currency="GBP")
    no_rate = opportunity(user=manager, alliance=alliance, amount=D("500"), currency="JPY")
    req = make_request(budget, partner, opportunities=[won, open_, no_rate], planned_cost="4000.00")
    services.request_approve(request=req, user=manager)
    claim = claims.claim_submit(request=req, amount=D("2000.00"), files=[pdf_upload()], user=partner)
    claims.claim_approve(claim=claim, user=manager)
    claims.claim_pay(claim=claim, paid_on=date(2026, 7, 1), reference="X", user=manager)
    result = roi.request_roi(user=partner, request=req, today=date(2026, 7, 1))
    assert result.revenue == D("19000.00")  # 20000 USD at 0.95 (rate of the close date)
    assert result.pipeline == D("11700.00")  # 10000 GBP at 1.17
    assert result.paid == D("2000.00")
    assert (result.revenue_ratio, result.pipeline_ratio) == (D("9.50"), D("5.85"))
    assert [p.label for p in result.problems] == [no_rate.name]
    rows = roi.roi_by(user=manager, fiscal_year=budget.fiscal_year, today=date(2026, 7, 1))
    assert rows[0][0] == budget.organization.name and rows[0][1].revenue == D("19000.00")
    assert date.today() - timedelta(days=1)


def test_budget_totals_in_the_reporting_currency_name_what_cannot_be_converted(
    rates, program, partner_org, other_partner_org, manager
):
    from amity.funds import selectors
    from tests import factories as f

    from .factories import make_budget

    usd = make_budget(program, partner_org, manager, amount=D("1000.00"), fiscal_year=2026, currency="USD")
    eur = make_budget(program, other_partner_org, manager, amount=D("500.00"), fiscal_year=2026)
    chf = make_budget(
        program, f.OrganizationFactory(name="Swiss Partner AG"), manager, amount=D("700.00"), fiscal_year=2026,
        currency="CHF",
    )  # fmt: skip
    budgets = [usd, eur, chf]
    totals = selectors.ledger_totals([b.pk for b in budgets])
    for b in budgets:
        b.totals = totals[b.pk]
    result = selectors.reporting_totals(budgets, on=date(2026, 7, 1))
    assert result["allocated"] == result["available"] == D("1450.00")  # 1000 × 0.95 + 500
    assert result["mixed"] is True
    [problem] = result["problems"]
    assert "CHF" in problem and "Swiss Partner AG" in problem
