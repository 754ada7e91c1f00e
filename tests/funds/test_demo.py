"""MDF in the demo story: requests in every status, claims, payments, ROI with numbers;
loading it again adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.test.utils import override_settings

from amity.demo.loader import Loader
from amity.funds import demo as funds_demo
from amity.funds import roi, selectors
from amity.funds.models import Budget, Claim, ClaimStatus, FundRequest, LedgerEntry, Payment, RequestStatus

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MODELS = (Budget, FundRequest, Claim, Payment, LedgerEntry)


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
