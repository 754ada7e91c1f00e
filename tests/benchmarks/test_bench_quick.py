"""The benchmark suite's machinery at a tiny size (``benchmarks/run.py``): every operation's
answer through Amity's code path equals its hand-written baseline's, its page answers, and the
import and shared-mapping benchmarks agree with theirs - so the suite cannot rot silently.

A tiny program (``amity generate``: 60 partners, 15 alliances, 3,000 opportunities) is written
once for the module inside a transaction rolled back at the end. The import is checked in
``test_bench_import.py`` (its raw baseline opens a transaction of its own).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from suite import data, external  # noqa: E402
from suite.measure import Env, Plan, differences, run_operation  # noqa: E402
from suite.ops import OPERATIONS, Operation  # noqa: E402


@pytest.fixture(scope="module")
def program(django_db_setup, django_db_blocker):
    from amity.synth.generate import generate

    with django_db_blocker.unblock(), transaction.atomic():
        generate(**data.SIZES["tiny"], seed=5)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def env(program, db):
    user = data.bench_user()
    client = Client()
    client.force_login(user)
    from django.db import connection

    return Env(user=user, vendor=connection.vendor, today=timezone.localdate(), quick=True, client=client)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_amity_answers_as_its_baseline_does_and_the_page_answers(env, operation):
    result = run_operation(operation(), env, Plan(reps=1, min_reps=1, page_reps=1, profile_slow=False))

    assert result["equal"], result.get("differences")
    assert result["answer_size"], "the tiny program gives this operation something to compute"
    assert result["amity_ms"] > 0 and result["baseline_ms"] > 0 and result["ratio"] is not None
    assert result["amity_queries"] > 0 and result["baseline_queries"] > 0
    if operation.page_url is not Operation.page_url:  # an operation behind a page
        assert result["page_queries"] > 0 and result["page_p50_ms"] > 0


def test_a_difference_is_reported_where_it_is():
    from decimal import Decimal

    found = differences(
        {"rows": [(1, Decimal("10.00")), (2, Decimal("5.00"))], "count": 2},
        {"rows": [(1, Decimal("10.00")), (2, Decimal("5.10"))], "count": 3},
    )

    assert found == [".count: amity 2 != baseline 3", ".rows[1][1]: amity 5.00 != baseline 5.10"]


def test_shared_mapping_matches_the_plain_set_intersection(program, db):
    result = external.mapping_shared(2_000)

    assert result["equal"] and result["answer_size"] == 1_000
