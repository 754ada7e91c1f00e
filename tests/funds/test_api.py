"""The MDF API: reads through visibility (competitor 404), writes by role, overspend is 422."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from amity.funds import services
from amity.funds.models import Budget, LedgerEntry

from .factories import make_request, pdf_upload

D = Decimal


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_partner_lists_only_own_budgets_and_competitor_is_404(
    api_for, partner, other_partner, budget, other_budget
):
    client = api_for(partner)
    body = client.get("/api/v1/mdf/budgets").json()
    assert [b["id"] for b in body["items"]] == [budget.pk] and body["count"] == 1
    assert body["items"][0]["totals"]["available"] == "10000.00"
    assert client.get(f"/api/v1/mdf/budgets/{other_budget.pk}").status_code == 404
    other_request = make_request(other_budget, other_partner)
    assert client.get(f"/api/v1/mdf/requests/{other_request.pk}").status_code == 404
    assert client.get("/api/v1/mdf/requests").json()["count"] == 0


def test_allocate_and_top_up_by_manager_only(api_for, manager, partner, program, partner_org):
    body = {"program": program.pk, "organization": partner_org.pk, "fiscal_year": 2026, "amount": "2500.00"}
    assert post(api_for(partner), "/api/v1/mdf/budgets", body).status_code in (403, 404, 422)
    response = post(api_for(manager), "/api/v1/mdf/budgets", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["expiry_date"] == "2026-12-31" and data["totals"]["allocated"] == "2500.00"
    top = post(api_for(manager), f"/api/v1/mdf/budgets/{data['id']}/top-ups", {"amount": "500.00"})
    assert top.status_code == 201 and top.json()["totals"]["available"] == "3000.00"
    again = post(api_for(manager), "/api/v1/mdf/budgets", body)
    assert again.status_code == 422 and "fiscal_year" in again.json()["errors"]


def test_request_approve_claim_pay_flow(api_for, manager, partner, budget):
    p, m = api_for(partner), api_for(manager)
    created = post(
        p, "/api/v1/mdf/requests", {"budget": budget.pk, "activity": "Roadshow", "planned_cost": "4000.00"}
    )
    assert created.status_code == 201, created.content
    req = created.json()
    assert (req["status"], req["requested_amount"]) == ("submitted", "2000.00")
    assert post(p, f"/api/v1/mdf/requests/{req['id']}/approve", {}).status_code == 403
    approved = post(
        m, f"/api/v1/mdf/requests/{req['id']}/approve", {"amount": "1500.00", "reason": "Venue only"}
    )
    assert approved.status_code == 200 and approved.json()["status"] == "partially_approved"
    claim = p.post("/api/v1/mdf/claims", {"request": req["id"], "amount": "1500.00", "files": [pdf_upload()]})
    assert claim.status_code == 201, claim.content
    claim_id = claim.json()["id"]
    assert len(claim.json()["proofs"]) == 1
    assert post(m, f"/api/v1/mdf/claims/{claim_id}/approve", {}).status_code == 200
    paid = post(m, "/api/v1/mdf/payments", {"claim": claim_id, "date": "2026-03-01", "reference": "TRX-9"})
    assert paid.status_code == 201, paid.content
    detail = p.get(f"/api/v1/mdf/budgets/{budget.pk}").json()
    assert detail["totals"]["paid"] == "1500.00" and detail["totals"]["available"] == "8500.00"
    assert [e["kind"] for e in detail["entries"]] == ["allocation", "commit", "claim", "pay"]
    assert p.get(f"/api/v1/mdf/claims/{claim_id}").json()["payment"]["reference"] == "TRX-9"


def test_overspend_is_422_naming_the_field(api_for, manager, partner, budget):
    req = make_request(budget, partner, planned_cost="30000.00")
    response = post(api_for(manager), f"/api/v1/mdf/requests/{req.pk}/approve", {})
    assert response.status_code == 422
    assert "approved_amount" in response.json()["errors"]
    assert LedgerEntry.objects.filter(budget=budget).count() == 1


def test_bad_input_is_422(api_for, manager, partner, budget):
    p = api_for(partner)
    bad = post(p, "/api/v1/mdf/requests", {"budget": budget.pk, "activity": "X", "planned_cost": "-1"})
    assert bad.status_code == 422 and "planned_cost" in bad.json()["errors"]
    unknown = post(p, "/api/v1/mdf/requests", {"budget": 999999, "activity": "X", "planned_cost": "10"})
    assert unknown.status_code == 422 and "budget" in unknown.json()["errors"]
    req = make_request(budget, partner)
    services.request_approve(request=req, user=manager)
    no_file = p.post("/api/v1/mdf/claims", {"request": req.pk, "amount": "10.00"})
    assert no_file.status_code == 422 and "files" in no_file.json()["errors"]
    reject = post(api_for(manager), f"/api/v1/mdf/requests/{req.pk}/reject", {"reason": ""})
    assert reject.status_code == 422


def test_partner_cannot_claim_on_competitor_request(api_for, manager, other_partner, partner, budget):
    req = services.request_approve(request=make_request(budget, partner), user=manager)
    response = api_for(other_partner).post(
        "/api/v1/mdf/claims", {"request": req.pk, "amount": "10.00", "files": [pdf_upload()]}
    )
    assert response.status_code == 422 and "request" in response.json()["errors"]


def test_exchange_rates_admin_only(api_for, admin, manager):
    body = {"currency": "USD", "rate": "0.92", "valid_from": "2026-01-01"}
    assert post(api_for(manager), "/api/v1/exchange-rates", body).status_code == 403
    assert post(api_for(admin), "/api/v1/exchange-rates", body).status_code == 201
    assert post(api_for(admin), "/api/v1/exchange-rates", body).status_code == 422
    assert api_for(manager).get("/api/v1/exchange-rates").json()["count"] == 1


@pytest.mark.parametrize("rows", [5, 25])
def test_budget_list_query_count_is_bounded(api_for, manager, program, rows, django_assert_max_num_queries):
    from tests import factories as f

    for _ in range(rows):
        org = f.OrganizationFactory()
        services.budget_allocate(
            program=program, organization=org, fiscal_year=2026, amount=D("100"), user=manager
        )
    client = api_for(manager)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/mdf/budgets").json()["count"] == rows
    assert Budget.objects.count() == rows
    assert date(2026, 12, 31) == Budget.objects.first().expiry_date


def test_cancel_reject_claim_and_payment_permissions(
    api_for, manager, partner, other_partner, budget, other_budget
):
    p, m = api_for(partner), api_for(manager)
    draft = make_request(budget, partner, submit=False)
    assert post(p, f"/api/v1/mdf/requests/{draft.pk}/submit", {}).json()["status"] == "submitted"
    assert post(p, f"/api/v1/mdf/requests/{draft.pk}/cancel", {}).json()["status"] == "cancelled"
    req = services.request_approve(request=make_request(budget, partner), user=manager)
    claim_id = p.post(
        "/api/v1/mdf/claims", {"request": req.pk, "amount": "100.00", "files": [pdf_upload()]}
    ).json()["id"]
    assert post(m, f"/api/v1/mdf/claims/{claim_id}/reject", {}).status_code == 422
    assert post(p, f"/api/v1/mdf/claims/{claim_id}/reject", {"reason": "mine"}).status_code == 403
    rejected = post(m, f"/api/v1/mdf/claims/{claim_id}/reject", {"reason": "No invoice attached"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    second = p.post(
        "/api/v1/mdf/claims", {"request": req.pk, "amount": "100.00", "files": [pdf_upload()]}
    ).json()["id"]
    assert (
        post(m, "/api/v1/mdf/payments", {"claim": second, "date": "2026-01-02", "reference": "R"}).status_code
        == 422
    )
    post(m, f"/api/v1/mdf/claims/{second}/approve", {})
    assert (
        post(p, "/api/v1/mdf/payments", {"claim": second, "date": "2026-01-02", "reference": "R"}).status_code
        == 403
    )
    assert (
        post(m, "/api/v1/mdf/payments", {"claim": second, "date": "2026-01-02", "reference": "R"}).status_code
        == 201
    )
    assert p.get("/api/v1/mdf/payments").json()["count"] == 1
    assert api_for(other_partner).get("/api/v1/mdf/payments").json()["count"] == 0
    assert api_for(other_partner).get(f"/api/v1/mdf/claims/{second}").status_code == 404
    assert api_for(None).get("/api/v1/mdf/budgets").status_code == 401


@pytest.mark.parametrize("rows", [5, 25])
def test_request_and_claim_lists_query_count(
    api_for, manager, partner, budget, rows, django_assert_max_num_queries
):
    for i in range(rows):
        req = services.request_approve(
            request=make_request(budget, partner, planned_cost="20.00"), user=manager
        )
        from amity.funds import services_claims

        services_claims.claim_submit(
            request=req, amount=D("5.00"), files=[pdf_upload(f"p{i}.pdf")], user=partner
        )
    client = api_for(partner)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/mdf/requests").json()["count"] == rows
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/mdf/claims").json()["count"] == rows
