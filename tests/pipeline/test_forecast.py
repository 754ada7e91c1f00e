"""Attribution and forecast: exact numbers on a small hand-made set, no double counting,
currencies kept apart, visibility, constant queries, the page and the API handler."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from amity.core.periods import fiscal_quarter_of
from amity.pipeline import services
from amity.pipeline.api_forecast import ForecastOut
from amity.pipeline.api_forecast import forecast as forecast_endpoint
from amity.pipeline.forecast import forecast
from amity.pipeline.models import Opportunity, OpportunityStage, PartnerRole
from amity.pipeline.views_forecast import forecast_page
from tests import factories as f
from tests.pipeline.factories import AccountFactory, opportunity

WON = OpportunityStage.CLOSED_WON
LOST = OpportunityStage.CLOSED_LOST


def _created_days_before_close(opp: Opportunity, days: int) -> None:
    created = datetime.combine(
        opp.close_date - timedelta(days=days), time(12), tzinfo=timezone.get_current_timezone()
    )
    Opportunity.objects.filter(pk=opp.pk).update(created_at=created)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def book(manager, alliance, other_alliance, today):
    """Won: 100k sourced by both alliances (sourced for one, co-sell for the other), 40k
    influenced, 60k direct; lost: one with partner, one without; open: 200k at 50%."""
    shared = services.opportunity_create(
        data={
            "account": AccountFactory(),
            "name": "Shared",
            "amount": Decimal("100000"),
            "currency": "EUR",
            "stage": WON,
            "close_date": today,
        },
        alliances=[(alliance, PartnerRole.SOURCED), (other_alliance, PartnerRole.CO_SELL)],
        user=manager,
    )
    _created_days_before_close(shared, 30)
    influenced = opportunity(
        user=manager,
        alliance=alliance,
        role=PartnerRole.REFERRAL,
        amount=Decimal("40000"),
        stage=WON,
        close_date=today,
    )
    _created_days_before_close(influenced, 50)
    direct = opportunity(user=manager, amount=Decimal("60000"), stage=WON, close_date=today)
    _created_days_before_close(direct, 90)
    opportunity(user=manager, alliance=alliance, amount=Decimal("5000"), stage=LOST, close_date=today)
    opportunity(user=manager, amount=Decimal("7000"), stage=LOST, close_date=today)
    opportunity(
        user=manager,
        alliance=alliance,
        amount=Decimal("200000"),
        stage=OpportunityStage.PROPOSAL,
        probability=50,
        close_date=today,
    )
    opportunity(user=manager, amount=Decimal("999"), currency="USD", stage=WON, close_date=today)


def test_the_portfolio_total_counts_a_deal_linked_to_two_alliances_once(manager, book):
    result = forecast(user=manager)

    assert result.totals["total"] == Decimal("200000.00")
    assert result.totals["sourced"] == Decimal("100000.00")
    assert result.totals["influenced"] == Decimal("40000.00")
    assert result.totals["direct"] == Decimal("60000.00")
    assert result.totals["deals"] == 3


def test_each_alliance_is_credited_with_its_own_role(manager, book, alliance, other_alliance):
    rows = {row["alliance_id"]: row for row in forecast(user=manager).by_alliance}

    assert rows[alliance.pk]["sourced"] == Decimal("100000.00")
    assert rows[alliance.pk]["influenced"] == Decimal("40000.00")
    assert rows[other_alliance.pk]["sourced"] == Decimal("0.00")
    assert rows[other_alliance.pk]["influenced"] == Decimal("100000.00")


def test_partner_organizations_get_their_alliances_credit(manager, book, partner_org, other_partner_org):
    rows = {row["organization_id"]: row for row in forecast(user=manager).by_partner}

    assert rows[partner_org.pk]["total"] == Decimal("140000.00")
    assert rows[other_partner_org.pk]["influenced"] == Decimal("100000.00")


def test_won_revenue_is_attributed_to_the_fiscal_quarter_of_the_close_date(manager, book, today):
    current = forecast(user=manager).by_quarter[-1]

    assert current["label"] == fiscal_quarter_of(today).label
    assert (current["sourced"], current["influenced"], current["total"]) == (
        Decimal("100000.00"),
        Decimal("40000.00"),
        Decimal("200000.00"),
    )


def test_the_forecast_weights_open_deals_by_probability_per_quarter(manager, book, today):
    result = forecast(user=manager)

    assert [q["label"] for q in result.forecast][0] == fiscal_quarter_of(today).label
    assert len(result.forecast) == 4
    assert result.forecast[0]["open"] == Decimal("200000.00")
    assert result.forecast[0]["weighted"] == Decimal("100000.00")
    assert result.forecast[1]["open"] == Decimal("0.00")
    assert result.won_this_quarter == Decimal("200000.00")


def test_the_weighted_forecast_keeps_the_cents_of_whole_amounts(manager, alliance, today):
    """Regression: SQLite stores whole amounts as integers, and amount * probability / 100 was an
    integer division there - 1,550 at 25 % gave 387 instead of 387.50."""
    for amount, probability in ((Decimal("1550"), 25), (Decimal("333"), 33)):
        opportunity(
            user=manager,
            alliance=alliance,
            amount=amount,
            stage=OpportunityStage.PROPOSAL,
            probability=probability,
            close_date=today,
        )

    result = forecast(user=manager)

    assert result.forecast[0]["open"] == Decimal("1883.00")
    assert result.forecast[0]["weighted"] == Decimal("387.50") + Decimal("109.89")


def test_partner_impact_compares_win_rate_deal_size_and_cycle(manager, book):
    impact = forecast(user=manager).impact

    assert impact["with"]["win_rate"] == Decimal("66.7")  # 2 won of 3 closed
    assert impact["with"]["average_deal"] == Decimal("70000.00")
    assert impact["with"]["average_cycle_days"] == Decimal("40.0")
    assert impact["without"]["win_rate"] == Decimal("50.0")
    assert impact["without"]["average_deal"] == Decimal("60000.00")
    assert impact["without"]["average_cycle_days"] == Decimal("90.0")


def test_other_currencies_are_left_out_and_named(manager, book):
    result = forecast(user=manager)

    assert result.currency == "EUR"
    assert result.excluded == [{"currency": "USD", "count": 1, "amount": Decimal("999.00")}]


def test_a_partner_sees_only_the_numbers_of_their_alliances(partner, book, alliance, partner_org, manager):
    from amity.alliances.sharing import set_sharing

    # Revenue figures are not shared by default: our deals' revenue stays ours.
    hidden = forecast(user=partner)
    assert hidden.by_alliance == [] and hidden.totals["total"] == Decimal("0.00")
    set_sharing(alliance=alliance, changes=[(partner_org.pk, "revenue", True)], user=manager)
    result = forecast(user=partner)

    assert [row["alliance_id"] for row in result.by_alliance] == [alliance.pk]
    assert result.totals["total"] == Decimal("140000.00")
    assert result.impact["without"]["closed"] == 0


def test_filtering_by_alliance_narrows_every_figure(manager, book, other_alliance):
    result = forecast(user=manager, alliance=other_alliance)

    assert result.totals["total"] == Decimal("100000.00")
    assert result.totals["influenced"] == Decimal("100000.00")
    assert result.forecast[0]["open"] == Decimal("0.00")


def test_the_number_of_queries_does_not_grow_with_opportunities(
    manager, alliance, today, django_assert_max_num_queries
):
    def run():
        with django_assert_max_num_queries(12):
            forecast(user=manager)

    for count in (5, 25):
        while Opportunity.objects.count() < count:
            opportunity(user=manager, alliance=alliance, stage=WON, close_date=today)
        run()


def _get(user, **params):
    request = RequestFactory().get("/pipeline/forecast/", params)
    request.user = user
    request.auth = user
    return request


def test_the_page_shows_kpis_and_tables(manager, book):
    response = forecast_page(_get(manager))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Primary credit" in body
    assert "USD" in body


def test_the_page_is_404_for_an_alliance_the_partner_cannot_see(partner, other_alliance):
    with pytest.raises(Http404):
        forecast_page(_get(partner, alliance=other_alliance.pk))


def test_the_api_returns_the_same_numbers(manager, book):
    data = ForecastOut.model_validate(forecast_endpoint(_get(manager), alliance=None)).model_dump(mode="json")

    assert data["totals"]["total"] == "200000.00"
    assert data["forecast"][0]["weighted"] == "100000.00"
    assert data["impact"]["with_partner"]["win_rate"] == "66.7"
    assert data["excluded"] == [{"currency": "USD", "count": 1, "amount": "999.00"}]


def test_the_api_hides_alliances_the_partner_cannot_see(partner, other_alliance):
    with pytest.raises(Http404):
        forecast_endpoint(_get(partner), alliance=other_alliance.pk)


def test_a_brand_new_install_has_zeros(manager):
    result = forecast(user=manager)

    assert result.totals["total"] == Decimal("0.00")
    assert result.impact["with"]["win_rate"] is None
    assert f.home_org() is not None


def test_the_forecast_page_and_endpoint_are_mounted(client_for, api_for, manager, partner, other_alliance):
    assert client_for(manager).get("/pipeline/forecast/").status_code == 200
    assert api_for(manager).get("/api/v1/forecast").status_code == 200
    assert api_for(partner).get(f"/api/v1/forecast?alliance={other_alliance.pk}").status_code == 404


def test_the_forecast_endpoint_needs_authentication_and_a_numeric_alliance(client, db, api_for, manager):
    assert client.get("/api/v1/forecast").status_code == 401
    response = api_for(manager).get("/api/v1/forecast?alliance=abc")
    assert response.status_code == 422
    assert "alliance" in response.json()["errors"]
