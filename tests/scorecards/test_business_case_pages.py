"""Business-case pages and API: what a user sees and sends, on top of the math in
``test_business_case.py``."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy_financial as npf
import pytest
from django.urls import reverse

from amity.core.roles import Role
from amity.scorecards.business_case import case_from_dict, evaluate
from amity.scorecards.models import BusinessCase
from tests import factories as f

D = Decimal

YEARS = [
    {"investment": "250000", "costs": "0", "revenue_uplift": "0", "margin_percent": "60"},
    {"investment": "50000", "costs": "180000", "revenue_uplift": "600000", "margin_percent": "60"},
    {"investment": "0", "costs": "200000", "revenue_uplift": "1100000", "margin_percent": "60"},
    {"investment": "0", "costs": "210000", "revenue_uplift": "1500000.55", "margin_percent": "58"},
]


def form_data(**overrides) -> dict[str, str]:
    data = {"name": "Marketplace co-sell", "currency": "EUR", "discount_rate": "9", "notes": ""}
    for i, year in enumerate(YEARS):
        for key, value in year.items():
            data[f"years-{i}-{key}"] = value
    # Blank rows after the last year are part of every real form post.
    for i in range(len(YEARS), 10):
        for key in YEARS[0]:
            data[f"years-{i}-{key}"] = ""
    data.update(overrides)
    return data


def expected_npv(rate: str = "9", years=YEARS) -> Decimal:
    return evaluate(
        case_from_dict({"name": "x", "currency": "EUR", "discount_rate": rate, "years": years})
    ).npv


@pytest.fixture
def sales(db, home):
    return f.UserFactory(role=Role.SALES, username="sales1")


@pytest.fixture
def stored(db, manager, alliance):
    return BusinessCase.objects.create(
        name="Stored case",
        alliance=alliance,
        currency="EUR",
        discount_rate=D("9"),
        years=YEARS,
        created_by=manager,
    )


# --- pages ---------------------------------------------------------------------------------------


def test_create_through_the_form_then_the_detail_shows_the_npv(client_for, manager, alliance):
    client = client_for(manager)
    assert client.get(reverse("scorecards:business_case_create")).status_code == 200
    response = client.post(reverse("scorecards:business_case_create"), form_data(alliance=str(alliance.pk)))
    assert response.status_code == 302
    case = BusinessCase.objects.get()
    assert case.alliance == alliance
    assert case.created_by == manager
    assert len(case.years) == 4  # the blank rows were left out
    assert case.years[3]["revenue_uplift"] == "1500000.55"
    assert response["Location"] == case.get_absolute_url()

    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    npv = expected_npv()
    assert f"{npv:,.2f}" in html
    assert 'data-chart="bc-tornado"' in html and 'data-chart="bc-montecarlo"' in html
    assert "year 0: 0.00 x 60 % - 0.00 costs - 250,000.00 investment = -250,000.00" in html
    assert "Worst" in html and "Best" in html
    # Chart data islands are valid JSON with one label per value.
    for chart_id in ("bc-tornado", "bc-montecarlo"):
        start = html.index(f'id="{chart_id}"')
        island = html[html.index(">", start) + 1 : html.index("</script>", start)]
        data = json.loads(island)
        assert len(data["labels"]) == len(data["values"]) > 0


def test_a_bad_year_answers_422_naming_the_field_and_saves_nothing(client_for, manager):
    client = client_for(manager)
    response = client.post(
        reverse("scorecards:business_case_create"),
        form_data(**{"years-2-costs": "-5", "years-1-margin_percent": "120", "years-3-investment": "abc"}),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field-error="years[2].costs"' in html
    assert "Must not be negative" in html
    assert 'data-field-error="years[1].margin_percent"' in html
    assert 'data-field-error="years[3].investment"' in html
    assert 'name="years-2-costs" id="id_years-2-costs" value="-5"' in html  # the input is kept
    assert not BusinessCase.objects.exists()


def test_no_years_and_a_bad_rate_are_shown_on_their_fields(client_for, manager):
    client = client_for(manager)
    data = {k: ("" if k.startswith("years-") else v) for k, v in form_data(discount_rate="2000").items()}
    response = client.post(reverse("scorecards:business_case_create"), data)
    assert response.status_code == 422
    assert not BusinessCase.objects.exists()
    data = form_data(discount_rate="2000")
    response = client.post(reverse("scorecards:business_case_create"), data)
    assert response.status_code == 422
    assert 'data-field-error="discount_rate"' in response.content.decode()
    data = {k: ("" if k.startswith("years-") else v) for k, v in form_data().items()}
    response = client.post(reverse("scorecards:business_case_create"), data)
    assert response.status_code == 422
    assert 'data-field-error="years"' in response.content.decode()
    assert not BusinessCase.objects.exists()


def test_edit_replaces_the_years_and_keeps_history(client_for, manager, stored):
    client = client_for(manager)
    page = client.get(reverse("scorecards:business_case_edit", args=[stored.pk]))
    assert page.status_code == 200
    assert 'value="1500000.55"' in page.content.decode()
    data = form_data(discount_rate="12", version=str(stored.version))
    data["years-1-costs"] = "190000"
    response = client.post(reverse("scorecards:business_case_edit", args=[stored.pk]), data)
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.discount_rate == D("12")
    assert stored.years[1]["costs"] == "190000"
    assert stored.version == 2
    assert stored.history.count() == 2
    years = [dict(y) for y in YEARS]
    years[1]["costs"] = "190000"
    html = client.get(stored.get_absolute_url()).content.decode()
    assert f"{expected_npv('12', years):,.2f}" in html


def test_a_stale_edit_is_a_conflict(client_for, manager, stored):
    stored.version = 3
    stored.save()
    response = client_for(manager).post(
        reverse("scorecards:business_case_edit", args=[stored.pk]), form_data(version="1")
    )
    assert response.status_code == 409


def test_the_list_shows_npv_irr_and_payback(client_for, sales, stored):
    response = client_for(sales).get(reverse("scorecards:business_case_list"))
    assert response.status_code == 200
    html = response.content.decode()
    result = evaluate(case_from_dict({"name": "x", "currency": "EUR", "discount_rate": "9", "years": YEARS}))
    assert "Stored case" in html and "Stratus Test Alliance" in html
    assert f"{result.npv:,.2f}" in html
    assert f"{result.irr:.2f} %" in html
    assert f"{result.payback:.2f} years" in html
    assert "New business case" not in html  # a sales rep reads only


def test_an_ambiguous_irr_is_flagged(client_for, manager):
    case = BusinessCase.objects.create(
        name="Two investments",
        currency="EUR",
        discount_rate=D("10"),
        years=[{"investment": "100"}, {"revenue_uplift": "230"}, {"investment": "132"}],
    )
    html = client_for(manager).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="irr-warning"' in html


def test_invalid_stored_figures_are_reported_not_a_crash(client_for, manager):
    case = BusinessCase.objects.create(name="Broken", currency="EUR", years=[{"costs": "-1"}])
    client = client_for(manager)
    assert "years[0].costs" in client.get(case.get_absolute_url()).content.decode()
    assert client.get(reverse("scorecards:business_case_list")).status_code == 200


def test_readers_may_not_create_or_edit(client_for, sales, stored):
    client = client_for(sales)
    assert client.get(stored.get_absolute_url()).status_code == 200
    assert client.get(reverse("scorecards:business_case_create")).status_code == 403
    assert client.post(reverse("scorecards:business_case_create"), form_data()).status_code == 403
    assert client.get(reverse("scorecards:business_case_edit", args=[stored.pk])).status_code == 403
    assert BusinessCase.objects.count() == 1


def test_partner_users_see_nothing(client_for, partner, stored):
    client = client_for(partner)
    for url in (
        reverse("scorecards:business_case_list"),
        reverse("scorecards:business_case_create"),
        stored.get_absolute_url(),
        reverse("scorecards:business_case_edit", args=[stored.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("scorecards:business_case_create"), form_data()).status_code in (403, 404)
    assert BusinessCase.objects.count() == 1


# --- API -----------------------------------------------------------------------------------------

API = "/api/v1/business-cases"


def api_body(**overrides):
    body = {"name": "API case", "currency": "EUR", "discount_rate": "9", "years": YEARS}
    body.update(overrides)
    return body


def post(client, body):
    return client.post(API, json.dumps(body), content_type="application/json")


def patch(client, pk, body):
    return client.patch(f"{API}/{pk}", json.dumps(body), content_type="application/json")


def test_api_create_and_read_with_the_evaluation(api_for, manager, alliance):
    client = api_for(manager)
    response = post(client, api_body(alliance=alliance.pk))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["alliance"] == {"id": alliance.pk, "name": alliance.name}

    response = client.get(f"{API}/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    flows = [float(f) for f in body["evaluation"]["cash_flows"]]
    assert flows == [-250000.0, 130000.0, 460000.0, 660000.32]
    theirs = npf.npv(0.09, flows)
    assert D(body["npv"]) == D(body["evaluation"]["npv"])
    assert abs(D(body["npv"]) - D(str(round(theirs, 2)))) <= D("0.01")
    assert body["evaluation"]["npv"] == str(expected_npv())
    assert D(body["irr"]) == evaluate(case_from_dict(api_body())).irr
    evaluation = body["evaluation"]
    assert [s["name"] for s in evaluation["scenarios"]] == ["worst", "base", "best"]
    assert evaluation["scenarios"][1]["npv"] == evaluation["npv"]
    ranges = [D(bar["range"]) for bar in evaluation["tornado"]]
    assert ranges == sorted(ranges, reverse=True) and len(ranges) == 5
    mc = evaluation["monte_carlo"]
    assert sum(b["count"] for b in mc["histogram"]) == mc["runs"] == 10_000
    assert D(mc["p5"]) <= D(mc["p50"]) <= D(mc["p95"])
    assert 0 <= D(mc["probability_negative"]) <= 1
    assert evaluation["explanation"][-1].startswith("NPV = sum of the discounted terms")
    assert [y["net_cash_flow"] for y in body["years"]] == evaluation["cash_flows"]

    listed = client.get(API).json()
    assert listed["count"] == 1
    assert listed["items"][0]["npv"] == evaluation["npv"]


def test_api_patch_changes_the_rate_and_checks_the_version(api_for, manager):
    client = api_for(manager)
    created = post(client, api_body()).json()
    response = patch(client, created["id"], {"discount_rate": "12", "version": created["version"]})
    assert response.status_code == 200, response.content
    assert response.json()["npv"] == str(expected_npv("12"))
    assert response.json()["version"] == created["version"] + 1
    assert patch(client, created["id"], {"name": "Stale", "version": created["version"]}).status_code == 409
    response = patch(client, created["id"], {"years": [{"investment": "10"}, {"revenue_uplift": "20"}]})
    assert response.status_code == 200
    assert response.json()["evaluation"]["cash_flows"] == ["-10.00", "20.00"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (api_body(years=[*YEARS[:2], {"costs": "-1"}]), "years.2.costs"),
        (api_body(years=[{"margin_percent": "101"}]), "years.0.margin_percent"),
        (api_body(years=[{"costs": "x"}]), "years.0.costs"),
        (api_body(years=[{"bonus": "1"}]), "years.0.bonus"),
        (api_body(years=[]), "years"),
        (api_body(discount_rate="-100"), "discount_rate"),
        (api_body(currency="euro"), "currency"),
        (api_body(scenario_multipliers={"worst": {"weather": "0.5"}}), "scenario_multipliers.worst.weather"),
        (api_body(spreads={"costs": 2}), "spreads.costs"),
        (api_body(alliance=999999), "alliance"),
    ],
)
def test_api_bad_input_is_422_naming_the_field(api_for, manager, body, field):
    response = post(api_for(manager), body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert not BusinessCase.objects.exists()


def test_api_custom_scenarios_and_spreads_are_used(api_for, manager):
    body = api_body(scenario_multipliers={"flat": {"revenue_uplift": "1"}}, spreads={"costs": 0.05})
    response = post(api_for(manager), body)
    assert response.status_code == 201, response.content
    evaluation = response.json()["evaluation"]
    assert [s["name"] for s in evaluation["scenarios"]] == ["flat"]
    assert evaluation["monte_carlo"]["spreads"] == {"costs": 0.05}


def test_api_readers_may_not_write(api_for, sales, stored):
    client = api_for(sales)
    assert client.get(f"{API}/{stored.pk}").status_code == 200
    assert post(client, api_body()).status_code == 403
    assert patch(client, stored.pk, {"name": "Renamed"}).status_code == 403
    assert patch(client, stored.pk, {"years": [{"investment": "1"}]}).status_code == 403


def test_api_partner_users_get_nothing(api_for, partner, stored):
    client = api_for(partner)
    assert client.get(API).status_code in (403, 404)
    assert client.get(f"{API}/{stored.pk}").status_code == 404
    assert post(client, api_body()).status_code in (403, 404)
    assert patch(client, stored.pk, {"name": "Renamed"}).status_code == 404
    stored.refresh_from_db()
    assert stored.name == "Stored case"


def test_the_openapi_document_lists_the_business_case_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/business-cases"]) == {"get", "post"}
    assert set(paths["/api/v1/business-cases/{case_id}"]) == {"get", "patch"}
    schemas = response.json()["components"]["schemas"]
    assert "BusinessCaseDetailOut" in schemas and "BusinessCasePatch" in schemas
