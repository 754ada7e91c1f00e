"""The ecosystem map (bridge partners) and practices vs performance (statistics checked by hand)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from django.urls import reverse

from amity.pipeline.models import OpportunityAlliance, PartnerRole
from amity.scorecards import ecosystem, practices
from tests import factories as f
from tests.pipeline.factories import AccountFactory, opportunity


def test_a_partner_linking_two_groups_through_shared_customers_is_a_bridge(manager, home):
    hub_org, left_org, right_org = (f.OrganizationFactory(name=n) for n in ("Hub Co", "Left Co", "Right Co"))
    hub, left, right = (
        f.AllianceFactory(name=f"{o.name} alliance", partner=o) for o in (hub_org, left_org, right_org)
    )
    lonely = f.AllianceFactory(name="Alone alliance", partner=f.OrganizationFactory(name="Alone Co"))
    for other in (left, right):
        deal = opportunity(user=manager, alliance=hub, account=AccountFactory(), stage="proposal")
        OpportunityAlliance.objects.create(opportunity=deal, alliance=other, role=PartnerRole.RESELL)
    eco = ecosystem.build(manager)
    assert [b.organization for b in eco.bridges] == [hub_org]
    assert eco.bridges[0].pieces == [["Left Co"], ["Right Co"]]
    assert "Without Hub Co the ecosystem splits into 2 parts" in eco.bridges[0].explanation
    assert eco.shared_customers == 2
    ids = {n["id"] for n in eco.chart["nodes"]}
    assert f"alliance:{lonely.pk}" in ids and not any(i == f"org:{home.pk}" for i in ids)


def test_statistics_against_hand_computed_values():
    xs, ys = [1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 4.0, 5.0, 4.0, 5.0]
    r, slope, intercept = practices.correlate(xs, ys)
    # sxy = 6, sxx = 10, syy = 6 → r = 6 / sqrt(60) = 0.7746; slope 0.6; intercept 4 − 0.6 × 3 = 2.2
    assert (
        r == pytest.approx(6 / math.sqrt(60))
        and slope == pytest.approx(0.6)
        and intercept == pytest.approx(2.2)
    )
    # t = r √(n−2) / √(1−r²) = 2.1213 with 3 df: two-sided p = 0.1240 (t-tables)
    t = r * math.sqrt(3) / math.sqrt(1 - r * r)
    assert practices.t_two_sided_p(t, 3) == pytest.approx(0.1240, abs=5e-4)
    assert practices.t_two_sided_p(2.228, 10) == pytest.approx(0.05, abs=5e-4)


def _point(adopted, performance):
    return practices.Point(
        alliance=None, adopted=adopted, benchmark=Decimal(50), performance=Decimal(performance), wave="w"
    )


def test_small_samples_are_reported_honestly():
    assert "too few" in practices.analyse([_point(1, 10), _point(2, 20)]).verdict
    few = practices.analyse([_point(1, 10), _point(2, 30), _point(3, 20), _point(4, 40)])
    assert "includes no relation" in few.verdict and "Indicative only" in few.verdict
    many = practices.analyse([_point(i, 10 + 5 * i + (i % 3)) for i in range(12)])
    assert many.ci[0] > 0 and "more practices go with better scores" in many.verdict
    assert "Indicative" not in many.verdict


def test_pages(client_for, manager, partner):
    assert client_for(manager).get(reverse("scorecards:ecosystem")).status_code == 200
    assert client_for(manager).get(reverse("scorecards:practices")).status_code == 200
    assert client_for(partner).get(reverse("scorecards:ecosystem")).status_code == 403
