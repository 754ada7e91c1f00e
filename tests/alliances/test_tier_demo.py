"""Tiers on performance in the demo story: the re-tier review of 30 October 2026 proposes Kestrel
for Platinum on its ROI and certified people, moves Atlas towards Silver with a grace period, and
every tier change names its rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.test.utils import override_settings

from amity.alliances import tiering
from amity.alliances.models import ProposalStatus, TierChange, TierProposal, TierReview
from amity.demo.loader import Loader

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        loader = Loader()
        loader.run()
        yield loader
        transaction.set_rollback(True)


def _proposal(name):
    return TierProposal.objects.select_related("current_tier", "proposed_tier").get(
        review__run_on=date(2026, 10, 30), alliance__name=name
    )


def test_kestrel_is_proposed_for_platinum_on_its_performance(demo, db):
    kestrel = _proposal("Kestrel IT Reseller (DACH)")
    assert (kestrel.current_tier.name, kestrel.proposed_tier.name, kestrel.status) == (
        "Gold",
        "Platinum",
        "proposed",
    )
    fired = tiering.fired_tier_rule(kestrel.explanation)
    assert fired["name"] == "Platinum: high-performing reseller"
    actual = {c["fact"]: c["actual"] for c in fired["clauses"]}
    assert actual["certified_people"] == 3 and float(actual["kpi_alliance_roi"]) >= 300


def test_atlas_keeps_gold_through_its_grace_period(demo, db):
    atlas = _proposal("Atlas Distribution (UK & Ireland)")
    assert (atlas.proposed_tier.name, atlas.status, atlas.effective_on) == (
        "Silver",
        "approved",
        date(2027, 1, 28),
    )
    gold_revenue = next(r for r in atlas.explanation["rules"] if r["name"] == "Gold: revenue")
    unmet = [c for c in gold_revenue["clauses"] if not c["ok"]]
    assert [(c["fact"], c["actual"]) for c in unmet] == [("certified_people", 1)]  # one expired in September
    assert atlas.alliance.tier.name == "Gold"


def test_every_demo_tier_change_is_justified_and_the_review_runs_once(demo, db):
    assert all(c.rule_name or c.reason for c in TierChange.objects.all())
    pacific = TierChange.objects.get(alliance__name="Pacific Rim Solutions Reseller (APAC)", source="retier")
    assert pacific.rule_name == "Gold: solid criteria" and pacific.to_tier.name == "Gold"
    assert _proposal("Bluepeak Managed Analytics").status == ProposalStatus.REJECTED
    Loader().run()
    assert TierReview.objects.count() == 1
