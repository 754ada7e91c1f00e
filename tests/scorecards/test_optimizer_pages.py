"""The portfolio optimizer over the database: the service, the page, the options editor and the API."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from amity.scorecards import services_optimizer as svc
from amity.scorecards.models import EngagementOption
from tests import factories as f

URL = "/scorecards/optimizer/"
API = "/api/v1/portfolio/optimize"


def add(alliance, level, value, fte, cost, *, current=False, must_keep=False):
    return EngagementOption.objects.create(
        alliance=alliance,
        level=level,
        expected_value=D(value),
        effort_fte=D(fte),
        cost=D(cost),
        is_current=current,
        must_keep=must_keep,
    )


@pytest.fixture
def portfolio(db, home):
    """The hand-worked example of test_optimizer: 2 FTE, 100,000 today; the best plan within 2 FTE is
    Lumen managed, Orbit strategic, Nova managed = 540,000 (today 460,000), if at most one is strategic."""
    lumen = f.AllianceFactory(name="Lumen")
    orbit = f.AllianceFactory(name="Orbit")
    nova = f.AllianceFactory(name="Nova")
    bare = f.AllianceFactory(name="Quasar Without Options")
    add(lumen, "strategic", 300000, "1.0", 50000)
    add(lumen, "managed", 200000, "0.5", 20000)
    add(lumen, "self-service", 160000, "0.2", 5000, current=True)
    add(lumen, "exit", 0, 0, 0)
    add(orbit, "strategic", 250000, "1.0", 40000, current=True, must_keep=True)
    add(orbit, "managed", 180000, "0.6", 20000, must_keep=True)
    add(orbit, "self-service", 100000, "0.2", 5000, must_keep=True)
    add(orbit, "exit", 0, 0, 0, must_keep=True)
    add(nova, "managed", 90000, "0.5", 10000)
    add(nova, "self-service", 50000, "0.1", 2000, current=True)
    add(nova, "exit", 0, 0, 0)
    return {"lumen": lumen, "orbit": orbit, "nova": nova, "bare": bare}


# --- service -------------------------------------------------------------------------------------


def test_service_builds_the_problem_from_the_options(portfolio, manager):
    p = svc.portfolio_options(user=manager)
    assert [e.alliance.name for e in p.entries] == ["Lumen", "Nova", "Orbit"]
    assert [a.name for a in p.without_options] == ["Quasar Without Options"]
    assert p.current_complete and p.warnings == []
    assert p.current_fte == D("1.3") and p.current_cost == D(47000) and p.current_value == D(460000)
    assert p.current_counts == {"strategic": 1, "managed": 0, "self-service": 2, "exit": 0}

    problem = svc.build_problem(
        p, capacity_fte=D(2), budget=D(100000), max_per_level={"strategic": 1, "managed": None}
    )
    by_name = {a.name: a for a in problem.alliances}
    assert [o.level for o in by_name["Lumen"].options] == ["strategic", "managed", "self-service", "exit"]
    assert [o.level for o in by_name["Nova"].options] == ["managed", "self-service", "exit"]
    assert by_name["Lumen"].options[1].value == D(200000) and by_name["Lumen"].options[1].effort_fte == D(
        "0.5"
    )
    assert by_name["Orbit"].must_keep and not by_name["Lumen"].must_keep
    assert [(t.level, t.max_count) for t in problem.targets] == [("strategic", 1)]
    assert problem.current == {"Lumen": "self-service", "Orbit": "strategic", "Nova": "self-service"}

    outcome = svc.run(user=manager, capacity_fte=D(2), budget=D(100000), max_per_level={"strategic": 1})
    r = outcome.recommendation
    assert r.status == "optimal"
    assert r.choices == {"Lumen": "managed", "Orbit": "strategic", "Nova": "managed"}
    assert r.comparison.value_gained == D(80000)
    assert r.capacity_shadow_price.marginal_value == D(30000)
    assert outcome.recommended_counts == {"strategic": 1, "managed": 2, "self-service": 0, "exit": 0}
    assert EngagementOption.objects.count() == 11  # wrote nothing


def test_service_skips_archived_options_and_alliances_and_warns_without_current(portfolio, manager):
    from django.utils import timezone

    EngagementOption.objects.filter(alliance=portfolio["nova"], is_current=True).update(
        archived_at=timezone.now()
    )
    portfolio["lumen"].archived_at = timezone.now()
    portfolio["lumen"].save()
    p = svc.portfolio_options(user=manager)
    assert [e.alliance.name for e in p.entries] == ["Nova", "Orbit"]
    assert p.warnings == ["Nova has no current level marked."]
    assert not p.current_complete
    problem = svc.build_problem(p, capacity_fte=D(2), budget=D(100000))
    assert problem.current == {}  # all or none
    outcome = svc.run(user=manager, portfolio=p)
    assert outcome.capacity_fte == D("1.0")  # today's: Orbit strategic only
    assert outcome.recommendation.comparison is None


def test_service_without_options_returns_no_recommendation(manager, alliance):
    outcome = svc.run(user=manager)
    assert outcome.recommendation is None
    assert outcome.portfolio.without_options == [alliance]


# --- page ----------------------------------------------------------------------------------------


def test_page_shows_today_and_the_default_recommendation(portfolio, manager, client_for):
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="current-fte">1.30 FTE' in html
    assert "47,000" in html
    assert "Quasar Without Options" in html and "add options" in html
    assert 'data-testid="optimizer-result"' in html  # runs with today's limits
    assert "what the optimizer does" in html.lower()
    assert 'data-chart="chart-optimizer-levels"' in html and 'id="chart-optimizer-levels"' in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_page_with_capacity_shows_the_recommendation(portfolio, manager, client_for, method):
    data = {"capacity_fte": "2", "budget": "100000", "max_strategic": "1", "budget_step": "10000"}
    response = getattr(client_for(manager), method)(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Best plan found" in html
    assert "Lumen: self-service → managed" in html  # the change's sentence
    assert "Nova: self-service → managed" in html
    assert 'data-testid="value-gained">+80,000' in html
    assert "1 more FTE (2 → 3) is worth 30,000" in html
    assert html.count('class="table-warning"') == 2  # the two changes are highlighted
    outcome = response.context["outcome"]
    assert outcome.recommendation.choices["Orbit"] == "strategic"


def test_infeasible_capacity_shows_the_explanation(portfolio, manager, client_for):
    # Orbit must be kept; its lightest level takes 0.2 FTE.
    response = client_for(manager).get(URL, {"capacity_fte": "0.1", "budget": "100000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No plan fits" in html
    assert "short by 0.1" in html
    assert "capacity (FTE)" in html
    assert response.context["recommendation"].binding_constraint == "capacity"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"capacity_fte": "-1", "budget": "100000"}, "capacity_fte"),
        ({"capacity_fte": "lots", "budget": "100000"}, "capacity_fte"),
        ({"capacity_fte": "2", "budget": "ten"}, "budget"),
        ({"capacity_fte": "2", "budget": "100000", "max_managed": "-1"}, "max_managed"),
    ],
)
def test_bad_input_is_422_naming_the_field(portfolio, manager, client_for, data, field):
    response = client_for(manager).get(URL, data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert f'data-testid="error-{field}"' in response.content.decode()


def test_partner_may_not_see_the_optimizer(portfolio, partner, client_for, api_for):
    assert client_for(partner).get(URL).status_code == 403
    url = f"/scorecards/optimizer/alliances/{portfolio['lumen'].pk}/options/"
    assert client_for(partner).get(url).status_code == 403
    response = api_for(partner).post(
        API, {"capacity_fte": "2", "budget": "1"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_page_without_any_options(manager, alliance, client_for):
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    assert "No alliance has engagement options yet" in response.content.decode()


# --- options editor ------------------------------------------------------------------------------


def test_editing_an_alliances_options(portfolio, manager, client_for):
    bare = portfolio["bare"]
    url = f"/scorecards/optimizer/alliances/{bare.pk}/options/"
    client = client_for(manager)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "managed_offered": "on",
            "managed_value": "120000",
            "managed_fte": "0.4",
            "managed_cost": "15000",
            "exit_offered": "on",
            "exit_value": "0",
            "exit_fte": "0",
            "exit_cost": "0",
            "current": "managed",
        },
    )
    assert response.status_code == 302
    options = {o.level: o for o in EngagementOption.objects.filter(alliance=bare)}
    assert set(options) == {"managed", "exit"}
    assert options["managed"].is_current and options["managed"].effort_fte == D("0.4")
    # Dropping exit archives it; today's level must be an offered one.
    response = client.post(
        url,
        {
            "managed_offered": "on",
            "managed_value": "1",
            "managed_fte": "0.4",
            "managed_cost": "1",
            "current": "exit",
        },
    )
    assert response.status_code == 422
    response = client.post(
        url,
        {
            "managed_offered": "on",
            "managed_value": "1",
            "managed_fte": "0.4",
            "managed_cost": "1",
            "current": "managed",
            "must_keep": "on",
        },
    )
    assert response.status_code == 302
    live = EngagementOption.objects.filter(alliance=bare, archived_at__isnull=True)
    assert [(o.level, o.must_keep) for o in live] == [("managed", True)]


def test_viewers_may_not_edit_options(portfolio, executive, client_for):
    assert client_for(executive).get(URL).status_code == 200
    url = f"/scorecards/optimizer/alliances/{portfolio['bare'].pk}/options/"
    assert client_for(executive).get(url).status_code == 403


# --- API -----------------------------------------------------------------------------------------


def test_api_recommends(portfolio, manager, api_for):
    body = {"capacity_fte": "2", "budget": "100000", "max_per_level": {"strategic": 1}}
    response = api_for(manager).post(API, body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "optimal"
    assert data["currency"]
    choices = {c["alliance"]["name"]: c for c in data["choices"]}
    assert choices["Lumen"]["recommended_level"] == "managed" and choices["Lumen"]["changed"] is True
    assert choices["Orbit"]["changed"] is False and choices["Orbit"]["must_keep"] is True
    assert D(data["totals"]["fte"]) == D(2)
    assert D(data["comparison"]["value_gained"]) == D(80000)
    assert {c["alliance"] for c in data["comparison"]["changes"]} == {"Lumen", "Nova"}
    assert all("→" in c["explanation"] for c in data["comparison"]["changes"])
    prices = {s["resource"]: s for s in data["shadow_prices"]}
    assert D(prices["capacity"]["marginal_value"]) == D(30000)
    assert "worth" in prices["budget"]["explanation"]
    assert data["not_optimized"] == [{"id": portfolio["bare"].pk, "name": "Quasar Without Options"}]


def test_api_infeasible_is_200_with_the_explanation(portfolio, manager, api_for):
    response = api_for(manager).post(
        API, {"capacity_fte": "0.1", "budget": "100000"}, content_type="application/json"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "infeasible" and data["binding_constraint"] == "capacity"
    assert "short by 0.1" in data["explanation"]
    assert data["totals"] is None and data["choices"][0]["recommended_level"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"capacity_fte": "-1", "budget": "1"}, "capacity_fte"),
        ({"capacity_fte": "many", "budget": "1"}, "capacity_fte"),
        ({"capacity_fte": "NaN", "budget": "1"}, "capacity_fte"),
        ({"capacity_fte": "1"}, "budget"),
        ({"capacity_fte": "1", "budget": "1", "max_per_level": {"gold": 1}}, "max_per_level.gold"),
        ({"capacity_fte": "1", "budget": "1", "max_per_level": {"managed": -1}}, "max_per_level.managed"),
        ({"capacity_fte": "1", "budget": "1", "surprise": 1}, "surprise"),
    ],
)
def test_api_bad_input_is_422_naming_the_field(portfolio, manager, api_for, body, field):
    response = api_for(manager).post(API, body, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(key == field or key.startswith(field) for key in errors), errors


def test_api_without_options(manager, alliance, api_for):
    response = api_for(manager).post(
        API, {"capacity_fte": "1", "budget": "1"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "no_options"


def test_openapi_lists_the_optimizer(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert "post" in doc["paths"]["/api/v1/portfolio/optimize"]
    assert {"OptimizerIn", "OptimizerOut", "OptimizerShadowPriceOut"} <= set(doc["components"]["schemas"])
