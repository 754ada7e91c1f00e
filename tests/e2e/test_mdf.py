"""In a real browser: a partner user requests market development funds, the manager approves,
the partner claims with a proof file, the manager pays, and the budget shows paid/available."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests import factories as f
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_request_approve_claim_pay(browser, live_server, tmp_path: Path):
    from amity.funds import services
    from amity.funds.models import Budget, FundRequest, RequestStatus
    from tests.funds.factories import PDF

    f.home_org()
    org = f.OrganizationFactory(name="Browser Cloud BV")
    manager = f.manager_user(username="mdfmanager")
    f.partner_user(org, username="mdfpartner")
    program = services.program_create(data={"name": "Browser MDF"}, user=manager)
    budget = services.budget_allocate(
        program=program,
        organization=org,
        fiscal_year=date.today().year,
        amount=Decimal("10000"),
        user=manager,
    )
    # A won deal on the partner's alliance, which the funded activity will be linked to (MDF ROI).
    from amity.pipeline.models import OpportunityStage, PartnerRole
    from tests.pipeline.factories import opportunity

    alliance = f.AllianceFactory(name="Browser Cloud alliance", partner=org)
    won = opportunity(
        user=manager,
        alliance=alliance,
        role=PartnerRole.CO_SELL,
        name="Webinar-sourced deal",
        amount=Decimal("50000"),
        stage=OpportunityStage.CLOSED_WON,
        close_date=date.today(),
    )
    proof = tmp_path / "invoice.pdf"
    proof.write_bytes(PDF)

    def session(username):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        sign_in(page, username, f.PASSWORD)
        return context, page

    # The partner requests funds from the budget page.
    theirs, page = session("mdfpartner")
    page.goto(f"/mdf/budgets/{budget.pk}/")
    page.click("[data-testid=request-funds]")
    page.fill("#id_activity", "Browser launch webinar")
    page.fill("#id_planned_cost", "4000")
    page.fill("#id_partner_share", "50")
    page.select_option("#id_opportunities", str(won.pk))
    with page.expect_navigation():
        page.click("[data-testid=submit-request]")
    assert page.inner_text("[data-testid=request-status]") == "Submitted"
    req = FundRequest.objects.get(activity="Browser launch webinar")

    # The manager approves it in full.
    ours, mpage = session("mdfmanager")
    mpage.goto(f"/mdf/requests/{req.pk}/")
    with mpage.expect_navigation():
        mpage.click("[data-testid=approve]")
    assert mpage.inner_text("[data-testid=request-status]") == "Approved"

    # The partner claims with a proof file.
    page.goto(f"/mdf/requests/{req.pk}/")
    page.click("[data-testid=claim]")
    page.fill("#id_amount", "2000")
    page.set_input_files("#id_files", str(proof))
    with page.expect_navigation():
        page.click("[data-testid=submit-claim]")
    assert page.inner_text("[data-testid=claim-status]") == "Submitted"
    claim_url = page.url

    # The manager approves the claim and records the payment.
    mpage.goto(claim_url)
    with mpage.expect_navigation():
        mpage.click("[data-testid=approve-claim]")
    mpage.fill("#id_reference", "BANK-2026-1")
    with mpage.expect_navigation():
        mpage.click("[data-testid=pay-claim]")
    assert mpage.inner_text("[data-testid=claim-status]") == "Paid"

    # The partner sees the new paid and available amounts on the budget.
    page.goto(f"/mdf/budgets/{budget.pk}/")
    assert page.inner_text("[data-testid=total-paid]") == "2,000.00"
    assert page.inner_text("[data-testid=total-available]") == "8,000.00"
    budget.refresh_from_db()
    assert (budget.paid, budget.available, budget.committed) == (
        Decimal("2000.00"),
        Decimal("8000.00"),
        Decimal("0.00"),
    )
    # ... and the MDF ROI of the activity: 50,000 won on 2,000 paid.
    page.goto(f"/mdf/requests/{req.pk}/")
    assert page.inner_text("[data-testid=roi-paid]") == "2,000.00"
    assert "25.00×" in page.inner_text("[data-testid=roi]")
    assert FundRequest.objects.get(pk=req.pk).status == RequestStatus.APPROVED
    assert Budget.objects.count() == 1
    theirs.close()
    ours.close()
