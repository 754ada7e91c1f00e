"""The optimizer's maximum count per level comes from the tiers' target counts by default."""

from __future__ import annotations

from decimal import Decimal

from amity.alliances.models import Tier
from amity.scorecards import services_optimizer as svc
from amity.scorecards.models import EngagementOption
from tests.factories import AllianceFactory

D = Decimal


def _targets(**counts):
    for name, count in counts.items():
        Tier.objects.filter(name=name).update(target_count=count)


def test_tier_limits_sum_the_target_counts_of_the_tiers_run_at_each_level(db):
    _targets(Strategic=2, Platinum=4, Gold=6, Silver=8, Registered=None)
    limits = svc.tier_limits()
    assert limits["strategic"].max_count == 2 and limits["strategic"].explanation == "Strategic 2"
    assert limits["managed"].max_count == 10 and limits["managed"].explanation == "Platinum 4 + Gold 6 = 10"
    assert limits["self-service"].max_count is None
    assert limits["self-service"].explanation == "Silver 8 + Registered (no target): no limit"
    assert limits["exit"].max_count is None and limits["exit"].explanation == "no tier is run at this level"


def test_the_optimizer_keeps_to_the_tiers_targets_unless_told_otherwise(db, manager, home):
    _targets(Strategic=1)
    for i in range(3):
        alliance = AllianceFactory(name=f"Option {i}")
        for level, value, fte in (("strategic", 300, "1"), ("managed", 100, "0.5")):
            EngagementOption.objects.create(
                alliance=alliance, level=level, expected_value=D(value), effort_fte=D(fte), cost=D(0),
                is_current=level == "managed",
            )  # fmt: skip
    outcome = svc.run(user=manager, capacity_fte=D(10), budget=D(0))
    assert outcome.max_per_level["strategic"] == 1 and outcome.recommended_counts["strategic"] == 1
    free = svc.run(user=manager, capacity_fte=D(10), budget=D(0), max_per_level={})
    assert free.max_per_level["strategic"] is None and free.recommended_counts["strategic"] == 3


def test_the_page_shows_where_each_limit_comes_from(client_for, admin, home):
    _targets(Strategic=3)
    page = client_for(admin).get("/scorecards/optimizer/").content.decode()
    assert "Tiers: Strategic 3" in page and 'value="3"' in page
