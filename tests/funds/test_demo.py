"""MDF in the demo story: requests in every status, claims, payments, ROI with numbers;
loading it again adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.test.utils import override_settings

from amity.core import periods
from amity.demo.loader import Loader
from amity.funds import demo as funds_demo
from amity.funds import incentives, roi, selectors
from amity.funds.models import (
    Audience,
    Budget,
    Claim,
    ClaimStatus,
    FundRequest,
    IncentivePlan,
    LedgerEntry,
    Payment,
    RequestStatus,
    Statement,
    StatementLine,
)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MODELS = (Budget, FundRequest, Claim, Payment, LedgerEntry, IncentivePlan, Statement, StatementLine)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        loader = Loader()
        loader.run()
        funds_demo.load(loader)
        counts = {model: model._default_manager.count() for model in MODELS}
        again = Loader()
        again.run()
        funds_demo.load(again)
        yield counts, loader
        transaction.set_rollback(True)


def test_loading_twice_adds_nothing(demo, db):
    counts, _ = demo
    assert {model: model._default_manager.count() for model in MODELS} == counts


def test_every_status_and_balanced_ledgers(demo, db):
    assert set(FundRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert Budget.objects.filter(fiscal_year=2026).count() == 3
    fy25 = Budget.objects.get(fiscal_year=2025)
    assert fy25.expired == Decimal("4500.00") and fy25.renewal.fiscal_year == 2026
    totals = selectors.ledger_totals(Budget.objects.values("pk"))
    for budget in Budget.objects.all():
        t = totals[budget.pk]
        assert t["available"] == budget.available >= 0
        assert t["allocated"] == t["committed"] + t["claimed"] + t["paid"] + t["expired"] + t["available"]


def test_roi_has_numbers_and_partners_see_only_their_own(demo, db):
    _, loader = demo
    rows = dict(roi.roi_by(user=loader.users["alice"], fiscal_year=2026))
    assert rows["Stratus Cloud"].paid == Decimal("11500.00")
    assert rows["Stratus Cloud"].revenue > 0 and rows["Stratus Cloud"].revenue_ratio is not None
    assert list(dict(roi.roi_by(user=loader.users["priya"], fiscal_year=2026))) == ["Stratus Cloud"]


def test_sams_quarterly_statement_ties_out_line_by_line(demo, db):
    _, loader = demo
    sam = loader.users["sam"]
    q3 = Statement.objects.get(rep=sam, period_start="2026-07-01")
    assert q3.status == "paid" and q3.payment_reference
    lines = list(q3.lines.select_related("opportunity"))
    assert lines and sum(line.amount for line in lines) == q3.total > 0
    for line in lines:
        assert line.opportunity.owner == sam and line.opportunity.stage == "closed_won"
        assert q3.period_start <= line.close_date <= q3.period_end
    assert set(Statement.objects.values_list("status", flat=True)) == {"draft", "approved", "paid"}


def test_exceptions_explain_the_deals_that_earned_nothing(demo, db):
    q2 = periods.fiscal_quarter_of(date(2026, 5, 1))
    reasons = [m.reason for m in incentives.exceptions(period=q2, audience=Audience.REP)]
    assert any("Omar Haddad is not enrolled" in r for r in reasons)  # joined the plan in July
    assert any("partner role influenced is not one of" in r for r in reasons)
    partner = [m.reason for m in incentives.exceptions(period=q2, audience=Audience.PARTNER)]
    assert any("not enrolled in any active referral-fee or rebate plan" in r for r in partner)
