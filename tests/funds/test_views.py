"""MDF pages: partners see only their own; competitor pages are 404; bounded queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from amity.funds import services
from amity.funds import services_claims as claims
from amity.funds.models import FundRequest, RequestStatus

from .factories import make_budget, make_request, pdf_upload

D = Decimal


def test_overview_shows_own_budgets_only(client_for, partner, budget, other_budget):
    page = client_for(partner).get(reverse("funds:overview"))
    assert page.status_code == 200
    html = page.content.decode()
    assert budget.organization.name in html and other_budget.organization.name not in html
    assert "chart-mdf-burndown" in html


def test_competitor_pages_are_404(client_for, partner, manager, other_budget, other_partner):
    req = services.request_approve(request=make_request(other_budget, other_partner), user=manager)
    claim = claims.claim_submit(request=req, amount=D("10.00"), files=[pdf_upload()], user=other_partner)
    proof = claim.proofs.get()
    client = client_for(partner)
    for url in (
        reverse("funds:budget_detail", args=[other_budget.pk]),
        reverse("funds:request_detail", args=[req.pk]),
        reverse("funds:claim_detail", args=[claim.pk]),
        reverse("funds:claim_create", args=[req.pk]),
        reverse("funds:proof_download", args=[proof.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("funds:request_action", args=[req.pk, "cancel"])).status_code == 404
    own = client_for(other_partner).get(reverse("funds:proof_download", args=[proof.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    lst = client.get(reverse("funds:request_list")).content.decode()
    assert req.activity not in lst


def test_partner_requests_and_manager_decides_through_pages(client_for, partner, manager, budget):
    p = client_for(partner)
    response = p.post(
        reverse("funds:request_create"),
        {
            "budget": budget.pk,
            "activity": "Cloud summit booth",
            "planned_cost": "5000.00",
            "partner_share": "40",
            "action": "submit",
        },
    )
    req = FundRequest.objects.get(activity="Cloud summit booth")
    assert response.status_code == 302 and req.status == RequestStatus.SUBMITTED
    assert req.requested_amount == D("3000.00")
    m = client_for(manager)
    bad = m.post(reverse("funds:request_action", args=[req.pk, "approve"]), {"amount": "2000.00"})
    assert bad.status_code == 200 and "Give a reason" in bad.content.decode()
    ok = m.post(
        reverse("funds:request_action", args=[req.pk, "approve"]),
        {"amount": "2000.00", "reason": "Booth only"},
    )
    assert ok.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.approved_amount) == (RequestStatus.PARTIALLY_APPROVED, D("2000.00"))
    claim_page = p.post(
        reverse("funds:claim_create", args=[req.pk]), {"amount": "2000.00", "files": [pdf_upload()]}
    )
    assert claim_page.status_code == 302
    claim = req.claims.get()
    assert m.post(reverse("funds:claim_action", args=[claim.pk, "approve"])).status_code == 302
    paid = m.post(
        reverse("funds:claim_action", args=[claim.pk, "pay"]), {"date": "2026-02-01", "reference": "BANK-7"}
    )
    assert paid.status_code == 302
    budget.refresh_from_db()
    assert (budget.paid, budget.available) == (D("2000.00"), D("8000.00"))
    detail = p.get(reverse("funds:budget_detail", args=[budget.pk])).content.decode()
    assert "BANK-7" in detail


def test_partner_cannot_decide_through_pages(client_for, partner, budget):
    req = make_request(budget, partner)
    response = client_for(partner).post(reverse("funds:request_action", args=[req.pk, "approve"]), {})
    assert response.status_code == 403
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED


def test_exports(client_for, manager, partner, budget):
    make_request(budget, partner, activity="=HYPERLINK(1)")
    response = client_for(manager).get(reverse("funds:request_list") + "?export=csv")
    csv = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in csv
    req = services.request_approve(request=make_request(budget, partner, activity="Paid one"), user=manager)
    claim = claims.claim_submit(request=req, amount=D("10.00"), files=[pdf_upload()], user=partner)
    claims.claim_approve(claim=claim, user=manager)
    claims.claim_pay(claim=claim, paid_on=date(2026, 3, 1), reference="REF-XLSX", user=manager)
    xlsx = client_for(manager).get(reverse("funds:claim_list") + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    exported = b"".join(
        client_for(manager).get(reverse("funds:claim_list") + "?export=csv").streaming_content
    )
    assert b"REF-XLSX" in exported and b"EUR" in exported


@pytest.mark.parametrize("rows", [5, 25])
def test_list_pages_bounded_queries(
    client_for, manager, partner, budget, program, rows, django_assert_max_num_queries
):
    from tests import factories as f

    for i in range(rows):
        req = services.request_approve(
            request=make_request(budget, partner, planned_cost="20.00"), user=manager
        )
        claims.claim_submit(request=req, amount=D("5.00"), files=[pdf_upload(f"p{i}.pdf")], user=partner)
        make_budget(program, f.OrganizationFactory(), manager, amount=D("10"))
    client = client_for(manager)
    for name in ("funds:overview", "funds:request_list", "funds:claim_list", "funds:rate_list"):
        with django_assert_max_num_queries(25):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("funds:budget_detail", args=[budget.pk])).status_code == 200


def test_rates_admin_only(client_for, admin, manager):
    assert client_for(manager).get(reverse("funds:rate_create")).status_code == 403
    response = client_for(admin).post(
        reverse("funds:rate_create"), {"currency": "USD", "rate": "0.9", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 302
    assert client_for(manager).get(reverse("funds:rate_list")).status_code == 200
    assert date(2026, 1, 1)


def test_alliance_tab_shows_only_own_budgets(
    client_for, partner, other_partner, manager, program, partner_org, other_partner_org, alliance
):
    from amity.alliances.models import AllianceParty

    AllianceParty.objects.create(
        alliance=alliance,
        organization=other_partner_org,
        role=alliance.parties.exclude(organization__is_home=True).first().role,
    )
    own = make_budget(program, partner_org, manager, amount=D("100"), alliance=alliance)
    rival = make_budget(program, other_partner_org, manager, amount=D("200"), alliance=alliance)
    url = reverse("funds:alliance_mdf", args=[alliance.pk])
    html = client_for(partner).get(url).content.decode()
    assert own.get_absolute_url() in html and rival.get_absolute_url() not in html
    html = client_for(manager).get(url).content.decode()
    assert own.get_absolute_url() in html and rival.get_absolute_url() in html


def test_executive_reads_but_cannot_request(client_for, executive, budget):
    client = client_for(executive)
    page = client.get(reverse("funds:overview")).content.decode()
    assert budget.organization.name in page and 'data-testid="request-funds"' not in page
    assert client.get(reverse("funds:request_create")).status_code == 403


def test_ledger_export_ties_out_to_the_budget(client_for, manager, partner, budget):
    import csv
    import io

    from amity.funds import selectors

    services.request_approve(request=make_request(budget, partner, planned_cost="3000.00"), user=manager)
    services.budget_top_up(budget=budget, amount=D("250.00"), user=manager)
    body = client_for(partner).get(budget.get_absolute_url() + "?export=csv").getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["Kind"] for r in rows] == ["Allocation", "Commit", "Top-up"]
    by_kind = {r["Kind"]: D(r["Amount"]) for r in rows}
    totals = selectors.budget_totals(budget)
    assert (
        by_kind["Allocation"] + by_kind["Top-up"] - by_kind["Commit"] == totals["available"] == D("8750.00")
    )
    xlsx = client_for(partner).get(budget.get_absolute_url() + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
