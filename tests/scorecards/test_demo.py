"""Scorecards in the demo story: costs behind the ROI, a bridge partner on the ecosystem map, an
optimizer recommendation that gains value, a business case with a positive NPV, and the
practices-vs-performance analysis over eight alliances."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.test.utils import override_settings

from amity.demo.loader import Loader
from amity.scorecards import business_case, ecosystem, kpis, practices
from amity.scorecards.models import BusinessCase
from amity.scorecards.services_optimizer import run

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        loader = Loader()
        loader.run()
        yield loader
        transaction.set_rollback(True)


def test_stratus_scorecard_and_bridge(demo, db):
    from amity.alliances.models import Alliance

    stratus = Alliance.objects.get(name="Stratus Cloud Co-Sell")
    card = kpis.scorecard([stratus.pk], date(2026, 1, 1), date(2026, 12, 31), today=date(2026, 11, 1))
    roi = next(r for d in card.dimensions for r in d.kpis if r.kpi.key == "alliance-roi")
    assert (
        roi.value is not None and "entered costs 410,000.00" in dict(roi.inputs)["alliance_cost"].explanation
    )
    eco = ecosystem.build(demo.users["hannah"])
    assert [b.organization.name for b in eco.bridges] == ["Stratus Cloud"]


def test_optimizer_and_business_case(demo, db):
    outcome = run(user=demo.users["hannah"])
    recommendation = outcome.recommendation
    assert recommendation.status == "optimal"
    assert recommendation.comparison.value_gained > 0
    case = BusinessCase.objects.get(name="Stratus marketplace co-sell expansion")
    result = business_case.evaluate(business_case.case_from_dict({
        "name": case.name, "currency": case.currency, "discount_rate": case.discount_rate, "years": case.years,
    }))  # fmt: skip
    assert result.npv > 0


def test_practices_analysis_has_eight_alliances(demo, db):
    analysis = practices.analyse(practices.points(demo.users["hannah"], date(2026, 1, 1), date(2026, 12, 31)))
    assert analysis.n == 8 and "Indicative only" in analysis.verdict
