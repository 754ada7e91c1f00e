"""Property: any sequence of MDF operations keeps every balance ≥ 0 and the ledger balanced.

After each operation (refused ones included) the balances computed by one SQL aggregate over
the ledger equal the running columns on the budget, available ≥ 0, and
allocated + top-ups = committed + claimed + paid + expired + available.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.funds import selectors, services
from amity.funds import services_claims as claims
from amity.funds.models import Budget, Claim, FundRequest

from .factories import make_budget, make_request, pdf_upload

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("6000"), places=2)
index = st.integers(min_value=0, max_value=5)
operation = st.one_of(
    st.tuples(st.just("top_up"), money),
    st.tuples(st.just("request"), money),
    st.tuples(st.just("approve"), index),
    st.tuples(st.just("approve_partially"), index, st.integers(min_value=1, max_value=99)),
    st.tuples(st.just("reject"), index),
    st.tuples(st.just("cancel"), index),
    st.tuples(st.just("complete"), index),
    st.tuples(st.just("claim"), index, st.integers(min_value=1, max_value=100)),
    st.tuples(st.just("approve_claim"), index),
    st.tuples(st.just("reject_claim"), index),
    st.tuples(st.just("pay"), index),
    st.tuples(
        st.just("expire"),
    ),
)


def _pick(items, i):
    return items[i % len(items)] if items else None


def _apply(op, budget, partner, manager):
    requests = list(FundRequest.objects.filter(budget=budget).order_by("pk"))
    claim_rows = list(Claim.objects.filter(request__budget=budget).order_by("pk"))
    kind = op[0]
    if kind == "top_up":
        services.budget_top_up(budget=budget, amount=op[1], user=manager)
    elif kind == "request":
        make_request(budget, partner, planned_cost=str(op[1] * 2), share="50")
    elif kind in ("approve", "approve_partially", "reject", "cancel", "complete", "claim"):
        req = _pick(requests, op[1])
        if req is None:
            return
        if kind == "approve":
            services.request_approve(request=req, user=manager)
        elif kind == "approve_partially":
            amount = (req.requested_amount * op[2] / 100).quantize(Decimal("0.01"))
            services.request_approve(
                request=req, amount=amount or Decimal("0.01"), reason="part", user=manager
            )
        elif kind == "reject":
            services.request_reject(request=req, reason="no", user=manager)
        elif kind == "cancel":
            services.request_cancel(request=req, user=manager)
        elif kind == "complete":
            services.request_complete(request=req, user=manager)
        else:
            left = services.claimable(req)
            amount = (left * op[2] / 100).quantize(Decimal("0.01")) if left > 0 else Decimal("1.00")
            claims.claim_submit(
                request=req, amount=amount or Decimal("0.01"), files=[pdf_upload()], user=partner
            )
    elif kind in ("approve_claim", "reject_claim", "pay"):
        claim = _pick(claim_rows, op[1])
        if claim is None:
            return
        if kind == "approve_claim":
            claims.claim_approve(claim=claim, user=manager)
        elif kind == "reject_claim":
            claims.claim_reject(claim=claim, reason="no proof", user=manager)
        else:
            claims.claim_pay(claim=claim, paid_on=date(2026, 5, 1), reference=f"T{claim.pk}", user=manager)
    elif kind == "expire":
        services.expire_budgets(today=budget.expiry_date + timedelta(days=1))


def _check(budget):
    budget.refresh_from_db()
    t = selectors.budget_totals(budget)
    for column in ("allocated", "committed", "claimed", "paid", "expired", "available"):
        assert t[column] == getattr(budget, column), column
        assert t[column] >= 0, column
    assert t["allocation"] + t["top_ups"] == (
        t["committed"] + t["claimed"] + t["paid"] + t["expired"] + t["available"]
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=14))
def test_any_sequence_keeps_the_ledger_balanced(ops, program, partner_org, partner, manager):
    with transaction.atomic():
        budget = make_budget(program, partner_org, manager, amount=Decimal("5000.00"))
        for op in ops:
            with contextlib.suppress(ValidationError):  # a refused operation changes nothing
                _apply(op, budget, partner, manager)
            _check(budget)
        assert Budget.objects.filter(pk=budget.pk, available__lt=0).count() == 0
        transaction.set_rollback(True)
