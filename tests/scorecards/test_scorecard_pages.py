"""Scorecard pages and API: who may see them, each KPI's formula and inputs on the page, costs."""

from __future__ import annotations

from django.urls import reverse

from amity.scorecards.models import KPI, AllianceCost

from .test_kpis import book  # noqa: F401 - fixture


def test_alliance_scorecard_shows_formula_calculation_and_inputs(client_for, manager, book):  # noqa: F811
    page = client_for(manager).get(
        reverse("scorecards:alliance_scorecard", args=[book.pk]) + "?period=fy&day=2026-06-01"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "(attributed_margin - alliance_cost) / alliance_cost * 100" in html
    assert "entered costs 80,000.00 + MDF paid 12,000.00 + incentives paid 8,000.00" in html


def test_portfolio_and_kpi_pages(client_for, manager, book):  # noqa: F811
    client = client_for(manager)
    page = client.get(reverse("scorecards:scorecard_portfolio") + "?period=fy&day=2026-06-01")
    assert page.status_code == 200 and book.name in page.content.decode()
    assert "Alliance ROI" in client.get(reverse("scorecards:kpi_list")).content.decode()


def test_partners_see_no_scorecard(client_for, api_for, partner, alliance):
    assert client_for(partner).get(reverse("scorecards:scorecard_portfolio")).status_code == 403
    # The alliance's own scorecard tab is not there unless the alliance shares it (tests/alliances/test_sharing).
    assert (
        client_for(partner).get(reverse("scorecards:alliance_scorecard", args=[alliance.pk])).status_code
        == 404
    )
    assert api_for(partner).get("/api/v1/scorecards").status_code == 403
    assert api_for(partner).get("/api/v1/kpis").status_code == 403


def test_add_a_cost_and_edit_a_kpi(client_for, manager, alliance):
    client = client_for(manager)
    response = client.post(
        reverse("scorecards:cost_create", args=[alliance.pk]),
        {"kind": "people", "period_start": "2026-01-01", "period_end": "2026-12-31", "fte": "1.5",
         "loaded_cost_per_fte": "120000", "currency": "EUR"},
    )  # fmt: skip
    assert response.status_code == 302
    assert AllianceCost.objects.get(alliance=alliance).amount == 180000
    bad = client.post(
        reverse("scorecards:cost_create", args=[alliance.pk]),
        {"kind": "people", "period_start": "2026-12-31", "period_end": "2026-01-01", "currency": "EUR"},
    )
    assert bad.status_code == 422
    kpi = KPI.objects.get(key="plan-attainment")
    edit = reverse("scorecards:kpi_edit", args=[kpi.pk])
    invalid = client.post(edit, {"name": kpi.name, "dimension": "commercial", "formula": "won_revenue / bogus",
                                 "unit": "percent", "weight": "1", "active": "on"})  # fmt: skip
    assert invalid.status_code == 422 and "Unknown measure" in invalid.content.decode()


def test_scorecard_api(api_for, manager, book):  # noqa: F811
    body = api_for(manager).get(f"/api/v1/scorecards?alliance={book.pk}&period=fy&day=2026-06-01").json()
    commercial = next(d for d in body["dimensions"] if d["dimension"] == "commercial")
    roi = next(k for k in commercial["kpis"] if k["key"] == "alliance-roi")
    assert roi["formula"].startswith("(attributed_margin") and roi["inputs"]
    assert api_for(manager).get("/api/v1/kpis").json()["count"] >= 15
