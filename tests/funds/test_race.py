"""Two managers approving against the same budget at once: only what fits is committed.

Needs real concurrent transactions (PostgreSQL row locks); on SQLite the test database is
in-memory per connection and writers are serialized anyway, so it is skipped there.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from amity.funds import services
from amity.funds.models import Budget, FundRequest, LedgerEntry, RequestStatus

from .factories import make_budget, make_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_racing_approvals_cannot_overspend(program, partner_org, partner, manager):
    if connection.vendor != "postgresql":
        pytest.skip("Racing approvals need PostgreSQL: set AMITY_TEST_DATABASE_URL to run it.")
    budget = make_budget(program, partner_org, manager, amount=Decimal("1000.00"))
    first = make_request(budget, partner, planned_cost="1400.00", share="50")  # 700
    second = make_request(budget, partner, planned_cost="1400.00", share="50")  # 700: both do not fit
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(req: FundRequest) -> None:
        try:
            barrier.wait(timeout=10)
            services.request_approve(request=req, user=manager)
            outcomes.append("approved")
        except ValidationError as exc:
            outcomes.append("refused:" + ",".join(exc.message_dict))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=approve, args=(r,)) for r in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["approved", "refused:approved_amount"]
    budget.refresh_from_db()
    assert (budget.available, budget.committed) == (Decimal("300.00"), Decimal("700.00"))
    assert LedgerEntry.objects.filter(budget=budget, kind="commit").count() == 1
    statuses = sorted(FundRequest.objects.filter(budget=budget).values_list("status", flat=True))
    assert statuses == sorted([RequestStatus.APPROVED, RequestStatus.SUBMITTED])
    assert Budget.objects.filter(available__lt=0).count() == 0
