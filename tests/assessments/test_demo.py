"""Assessments in the demo story: three health-check waves on Stratus with both sides, the
largest gap turned into an action item, maturity on Meridian, the benchmark on Kestrel."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import override_settings

from amity.alliances.models import StrategicReview
from amity.assessments import scoring
from amity.assessments.models import Assessment
from amity.demo.loader import Loader
from amity.governance.models import ActionItem

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        loader = Loader()
        loader.run()
        yield loader
        transaction.set_rollback(True)


def test_stratus_health_waves_show_a_gap_that_narrows(demo, db):
    waves = list(
        Assessment.objects.filter(
            alliance__name="Stratus Cloud Co-Sell", instrument__key="alliance-health"
        ).order_by("opened_on")
    )
    assert [w.wave for w in waves] == ["H2 2025", "H1 2026", "H2 2026"]
    assert [w.status for w in waves] == ["closed", "closed", "open"]
    results = [scoring.score(w) for w in waves]
    assert all(r.two_sided for r in results)
    assert results[1].largest_gaps[0].item.key == "visibility-pipeline"
    pipeline_gap = [next(i.gap for i in r.items if i.item.key == "visibility-pipeline") for r in results]
    assert pipeline_gap[2] < pipeline_gap[1]  # the dashboard helped
    action = ActionItem.objects.get(title__startswith="Close the perception gap")
    assert action.status == "done"


def test_maturity_and_benchmark_waves(demo, db):
    meridian = Assessment.objects.get(instrument__key="alliance-maturity")
    assert scoring.score(meridian).two_sided
    assert Assessment.objects.filter(instrument__key="best-practices").count() == 8
    kestrel = Assessment.objects.get(
        instrument__key="best-practices", alliance__name="Kestrel IT Reseller (DACH)"
    )
    result = scoring.score(kestrel)
    assert not kestrel.two_sided and result.respondents["ours"] == 1 and result.overall["ours"] is not None


def test_every_demo_review_is_also_a_strategic_review_wave(demo, db):
    reviews = StrategicReview.objects.all()
    assert reviews.exists()
    assert not reviews.filter(assessment__isnull=True).exists()
    waves = Assessment.objects.filter(instrument__key="strategic-review")
    assert waves.count() == reviews.count()
    assert all(scoring.score(w).respondents["ours"] == 1 for w in waves)
