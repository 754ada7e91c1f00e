"""In a real browser: a partner user registers a deal, and the alliance manager reviews it -
seeing the competing registration the partner never sees - and approves it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from amity.pipeline import services
from amity.pipeline.models import DealRegistration, RegistrationStatus
from tests import factories as f
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_partner_registers_a_deal_and_the_manager_approves_it(browser, live_server):
    f.home_org()
    reseller = f.OrganizationFactory(name="Browser Reseller GmbH")
    rival = f.OrganizationFactory(name="Rival Reseller SL")
    alliance = f.AllianceFactory(name="Browser Reseller Alliance", partner=reseller)
    rival_alliance = f.AllianceFactory(name="Rival Alliance", partner=rival)
    f.manager_user(username="dealmanager", first_name="Dana", last_name="Deals")
    f.partner_user(reseller, username="dealpartner", first_name="Per", last_name="Partner")
    rival_user = f.partner_user(rival, username="rivalpartner")
    services.registration_submit(
        data={
            "company_name": "Nordwind Logistik AG",
            "domain": "nordwind-logistik.de",
            "offering": "Rival's offer",
            "amount": 1000,
            "currency": "EUR",
            "expected_close_date": date.today() + timedelta(days=60),
        },
        alliance=rival_alliance,
        user=rival_user,
    )

    def session(username):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # "Approve this registration? …"
        sign_in(page, username, f.PASSWORD)
        return context, page

    # The partner registers the deal from their alliance's Pipeline tab.
    theirs, page = session("dealpartner")
    page.goto(f"/alliances/{alliance.pk}/pipeline/")
    page.click("[data-testid=register-deal]")
    page.fill("#id_company_name", "Nordwind-Logistik G.m.b.H.")
    page.fill("#id_domain", "https://www.nordwind-logistik.de/")
    page.fill("#id_country", "DE")
    page.fill("#id_contact_name", "Jonas Weber")
    page.fill("#id_contact_email", "jonas@nordwind-logistik.de")
    page.fill("#id_offering", "Data quality suite")
    page.fill("#id_amount", "210000")
    page.fill("#id_expected_close_date", (date.today() + timedelta(days=90)).isoformat())
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    registration = DealRegistration.objects.get(organization=reseller)
    assert "under review" in page.locator("[data-testid=registration-status]").inner_text().lower()
    assert "Rival Reseller" not in page.content()
    assert page.locator("[data-testid=matches]").count() == 0
    theirs.close()

    # The manager sees the competing registration and approves.
    ours, manager_page = session("dealmanager")
    manager_page.goto(f"/pipeline/registrations/{registration.pk}/")
    match = manager_page.locator("[data-testid=match]")
    assert match.count() == 1 and "Rival Reseller SL" in match.inner_text()
    with manager_page.expect_navigation():
        manager_page.click("[data-testid=approve]")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    assert manager_page.locator("[data-testid=protection-until]").is_visible()
    ours.close()
